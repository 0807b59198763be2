// The case: state and every message, decrypted and verified on this phone;
// a loud warning on any alarm; a form for a follow-up message.
import { t, language } from '../i18n.js';
import { h, heading, button, statusArea } from './dom.js';
import { openMyCase, sendFollowUp } from './session.js';
import { errorMessage, stepText } from './errors.js';

function stateText(state) {
  switch (state) {
    case 'new': return t('case.state.new');
    case 'open': return t('case.state.open');
    case 'closed': return t('case.state.closed');
    case 'erased': return t('case.state.erased');
    default: return state;
  }
}

const KIND_NAMES = ['', 'report', 'message', 'reply', 'note', 'ack'];

function kindText(kind) {
  const name = typeof kind === 'number' ? KIND_NAMES[kind] : kind;
  switch (name) {
    case 'report': return t('case.kind.report');
    case 'message': return t('case.kind.message');
    case 'ack': return t('case.kind.ack');
    default: return t('case.kind.reply');
  }
}

function messageView(m) {
  const mine = m.author === 'reporter';
  const who = mine ? t('case.you')
    : t('case.listener', { name: (m.author && m.author.name) || '?' });
  const text = m.body && typeof m.body.text === 'string' ? m.body.text : '';
  let badge;
  if (!m.verified) badge = h('p', { class: 'badge bad' }, t('case.not_verified'));
  else badge = h('p', { class: 'badge good' }, mine ? t('case.verified_own') : t('case.verified'));
  return h('li', { class: `message ${mine ? 'mine' : 'theirs'}${m.verified ? '' : ' unverified'}` },
    h('article', {},
      h('h3', {}, kindText(m.kind), ' · ', h('bdi', {}, who)),
      badge,
      m.verified ? h('p', { class: 'message-text', dir: 'auto' }, text) : null));
}

export function render(app, opened) {
  const session = app.state.session;
  const list = h('ol', { class: 'messages' });
  const alarm = h('div', { class: 'alarm', role: 'alert', hidden: true });
  const stateDd = h('dd', {});
  const refDd = h('dd', {}, h('bdi', { dir: 'ltr', class: 'mono' }));
  const top = statusArea();
  const status = statusArea();

  function show(o) {
    refDd.firstChild.textContent = o.caseRef || session.caseRef || '';
    stateDd.textContent = stateText(o.state);
    const msgs = (o.messages || []).filter((m) => m.kind !== 'note' && m.kind !== 4);
    list.replaceChildren(...msgs.map(messageView));
    if (msgs.length === 0) list.replaceChildren(h('li', { class: 'muted' }, t('case.empty')));
    const alarmed = (o.alarms && o.alarms.length > 0) || msgs.some((m) => !m.verified);
    alarm.replaceChildren(h('p', {}, t('case.alarm')));
    alarm.hidden = !alarmed;
    // Never extend a chain that raised an alarm.
    form.hidden = alarmed;
  }

  async function refresh() {
    top.step(t('progress.open'), 1, 2);
    try {
      show(await openMyCase(session));
      top.done('');
    } catch (e) {
      top.error(errorMessage(e));
    }
  }

  const textarea = h('textarea', { id: 'followup', rows: '5', dir: 'auto', 'aria-describedby': 'followup-hint followup-err' });
  const writeErr = h('p', { class: 'field-error', id: 'followup-err', hidden: true }, t('case.write.err.empty'));
  const sendBtn = h('button', { type: 'submit', class: 'btn primary' }, t('case.write.send'));
  const form = h('form', { class: 'write', novalidate: true },
    h('div', { class: 'field' },
      h('label', { for: 'followup' }, t('case.write.label')),
      h('p', { class: 'hint', id: 'followup-hint' }, t('case.write.hint')),
      writeErr,
      textarea),
    h('div', { class: 'actions' }, sendBtn),
    status.el);

  let busy = false;
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (busy) return;
    const text = textarea.value.trim();
    writeErr.hidden = text !== '';
    if (text === '') {
      textarea.setAttribute('aria-invalid', 'true');
      textarea.focus();
      return;
    }
    textarea.removeAttribute('aria-invalid');
    busy = true;
    sendBtn.disabled = true;
    try {
      await sendFollowUp(session, { text, lang: language() }, (step) => {
        const [msg, pos] = stepText(step);
        status.step(msg, pos - 3, 3);
      });
      textarea.value = '';
      status.done(t('case.write.sent'));
      show(await openMyCase(session));
    } catch (e) {
      status.error(errorMessage(e));
    } finally {
      busy = false;
      sendBtn.disabled = false;
    }
  });

  if (opened) show(opened);
  else queueMicrotask(refresh);

  return h('section', { class: 'view view-case' },
    heading(t('case.heading')),
    alarm,
    h('dl', { class: 'answers' },
      h('dt', {}, t('case.ref')), refDd,
      h('dt', {}, t('case.state')), stateDd),
    h('div', { class: 'actions' }, button(t('case.refresh'), refresh)),
    top.el,
    h('h2', {}, t('case.messages')),
    list,
    h('h2', {}, t('case.write.heading')),
    opened && opened.state === 'closed' ? h('p', { class: 'hint' }, t('case.write.closed')) : null,
    form,
    h('div', { class: 'actions leave' },
      button(t('case.leave'), () => { app.leave(); app.go('start'); })),
    h('p', { class: 'hint' }, t('case.leave_hint')));
}
