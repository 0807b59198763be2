// The case: state and every message, decrypted and verified on this phone;
// a loud warning on any alarm; a form for a follow-up message; erasing the
// case, behind a second, distinct confirmation.
import { t, language } from '../i18n.js';
import { h, heading, button, statusArea } from './dom.js';
import { openMyCase, sendFollowUp, eraseMyCase } from './session.js';
import { errorMessage, stepText } from './errors.js';
import { attachField, sentList, usedCapacity, discardFiles } from './attach.js';
import { ackItem } from './ack.js';
import { surveySection } from './survey.js';

function stateText(state) {
  switch (state) {
    case 'new': return t('case.state.new');
    case 'open': return t('case.state.open');
    case 'closed': return t('case.state.closed');
    case 'erased': return t('case.state.erased');
    default: return state;
  }
}

/** One plain sentence on what the state means for the person. */
function stateHelp(state) {
  switch (state) {
    case 'new': return t('case.state_help.new');
    case 'open': return t('case.state_help.open');
    case 'closed': return t('case.state_help.closed');
    case 'erased': return t('case.state_help.erased');
    default: return '';
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
  if (m.verified && (m.kind === 'ack' || m.kind === 5)) return ackItem(m, who);
  const text = m.body && typeof m.body.text === 'string' ? m.body.text : '';
  let badge;
  if (!m.verified) badge = h('p', { class: 'badge bad' }, t('case.not_verified'));
  else badge = h('p', { class: 'badge good' }, mine ? t('case.verified_own') : t('case.verified'));
  return h('li', { class: `message ${mine ? 'mine' : 'theirs'}${m.verified ? '' : ' unverified'}` },
    h('article', {},
      h('h3', {}, kindText(m.kind), ' · ', h('bdi', {}, who)),
      badge,
      m.verified ? h('p', { class: 'message-text', dir: 'auto' }, text) : null,
      m.verified && m.body ? sentList(m.body.attachments) : null));
}

export function render(app, opened) {
  const session = app.state.session;
  const list = h('ol', { class: 'messages' });
  const alarm = h('div', { class: 'alarm', role: 'alert', hidden: true });
  const stateDd = h('dd', {}, h('span', { class: 'state-name', id: 'case-state' }),
    h('span', { class: 'state-help hint', id: 'case-state-help' }));
  const closedHint = h('p', { class: 'hint', id: 'write-closed', hidden: true }, t('case.write.closed'));
  const refDd = h('dd', {}, h('bdi', { dir: 'ltr', class: 'mono' }));
  const top = statusArea();
  const status = statusArea();
  const survey = surveySection(session);

  let used = 0; // attachment capacity already in the case
  function show(o) {
    used = usedCapacity(o.messages);
    refDd.firstChild.textContent = o.caseRef || session.caseRef || '';
    stateDd.dataset.state = o.state || '';
    stateDd.firstChild.textContent = stateText(o.state);
    stateDd.lastChild.textContent = stateHelp(o.state);
    closedHint.hidden = o.state !== 'closed';
    const msgs = (o.messages || []).filter((m) => m.kind !== 'note' && m.kind !== 4);
    list.replaceChildren(...msgs.map(messageView));
    if (msgs.length === 0) list.replaceChildren(h('li', { class: 'muted' }, t('case.empty')));
    const alarmed = (o.alarms && o.alarms.length > 0) || msgs.some((m) => !m.verified);
    alarm.replaceChildren(h('p', {}, t('case.alarm')));
    alarm.hidden = !alarmed;
    survey.update(o, alarmed);
    // Never extend a chain that raised an alarm.
    form.hidden = alarmed || o.state === 'erased';
    erase.el.hidden = o.state === 'erased';
  }

  async function refresh() {
    if (erase.busy()) return;
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
  if (!Array.isArray(session.files)) session.files = [];
  let files = attachField(session.files, { used: () => used });
  const form = h('form', { class: 'write', novalidate: true },
    h('div', { class: 'field' },
      h('label', { for: 'followup' }, t('case.write.label')),
      h('p', { class: 'hint', id: 'followup-hint' }, t('case.write.hint')),
      writeErr,
      textarea),
    files.el,
    h('div', { class: 'actions' }, sendBtn),
    status.el);

  let busy = false;
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (busy) return;
    const text = textarea.value.trim();
    const empty = text === '' && session.files.length === 0; // a file alone may be the message
    writeErr.hidden = !empty;
    if (empty) {
      textarea.setAttribute('aria-invalid', 'true');
      textarea.focus();
      return;
    }
    textarea.removeAttribute('aria-invalid');
    busy = true;
    sendBtn.disabled = true;
    try {
      const steps = session.files.length > 0 ? 4 : 3;
      let shown = -1;
      await sendFollowUp(session, { text, lang: language() }, (step, fraction) => {
        const [msg, pos] = stepText(step);
        if (step === 'files') {
          const tenth = Math.floor(fraction * 10);
          status.step(tenth === shown ? null : t('progress.files_percent', { percent: tenth * 10 }), fraction, steps);
          shown = tenth;
        } else status.step(msg, pos - 3 + steps - 3, steps);
      }, session.files);
      discardFiles(session.files);
      files.el.replaceWith((files = attachField(session.files, { used: () => used })).el);
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

  const erase = eraseSection(app, session);

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
    survey.el,
    h('h2', {}, t('case.write.heading')),
    closedHint,
    form,
    h('div', { class: 'actions leave' },
      button(t('case.leave'), () => { if (!erase.busy()) { app.leave(); app.go('start'); } })),
    h('p', { class: 'hint' }, t('case.leave_hint')),
    erase.el);
}

// "Erase my case": what it does in plain words, then a first button that
// only reveals a confirmation panel (focus moved to it). The panel's "Yes,
// erase everything" sits below the explanation, not where the first button
// was, so a double tap cannot erase. Only the lookup key is sent.
function eraseSection(app, session) {
  const status = statusArea();
  const warn = h('p', { class: 'confirm-warning', id: 'erase-confirm-warning' }, t('case.erase.confirm_warning'));
  const yes = h('button', { type: 'button', class: 'btn danger', id: 'erase-confirm' }, t('case.erase.confirm'));
  const cancel = h('button', { type: 'button', class: 'btn', id: 'erase-cancel' }, t('case.erase.cancel'));
  const panel = h('div', {
    class: 'confirm', id: 'erase-panel', role: 'group', tabindex: '-1', hidden: true,
    'aria-labelledby': 'erase-confirm-heading', 'aria-describedby': 'erase-confirm-warning',
  },
  h('h3', { id: 'erase-confirm-heading' }, t('case.erase.confirm_heading')),
  warn,
  h('div', { class: 'actions' }, yes, cancel));
  const start = h('button', {
    type: 'button', class: 'btn', id: 'erase-start', 'aria-expanded': 'false', 'aria-controls': 'erase-panel',
  }, t('case.erase.start'));
  let busy = false;

  function close() {
    panel.hidden = true;
    start.setAttribute('aria-expanded', 'false');
  }

  start.addEventListener('click', () => {
    if (busy) return;
    status.clear();
    panel.hidden = false;
    start.setAttribute('aria-expanded', 'true');
    panel.focus();
  });
  cancel.addEventListener('click', () => {
    if (busy) return;
    close();
    status.done(t('case.erase.cancelled'));
    start.focus();
  });
  yes.addEventListener('click', async () => {
    if (busy) return;
    busy = true;
    yes.disabled = true;
    cancel.disabled = true;
    status.step(t('progress.erase'), 1, 2);
    try {
      await eraseMyCase(session);
      app.leave();
      app.go('erased');
    } catch (e) {
      status.error(e.kind === 'not_found' ? t('case.erase.err.not_found') : errorMessage(e));
      yes.disabled = false;
      cancel.disabled = false;
      busy = false;
    }
  });

  const el = h('section', { class: 'erase', 'aria-labelledby': 'erase-heading' },
    h('h2', { id: 'erase-heading' }, t('case.erase.heading')),
    h('p', {}, t('case.erase.intro')),
    h('ul', { class: 'safe-list' },
      h('li', {}, t('case.erase.what_deleted')),
      h('li', {}, t('case.erase.what_listeners')),
      h('li', {}, t('case.erase.what_code')),
      h('li', {}, t('case.erase.what_final')),
      h('li', {}, t('case.erase.what_later'))),
    h('div', { class: 'actions' }, start),
    panel,
    status.el);
  return { el, busy: () => busy };
}
