// The case page: alarms first, then the state, the report as the person
// wrote it, the thread, the two composers, coding and referral, the
// written acknowledgement (docs/console-api.md, "Case view").
import { get, casePath } from './api.js';
import { t, tCode, langName, date } from './i18n.js';
import { h, heading, icon, personText, button } from './dom.js';
import { modal } from './dialog.js';
import { kindLabel, whenLabel, wantLabel, taxLabel } from './labels.js';
import { stateSection } from './state.js';
import { replyComposer, noteComposer } from './compose.js';
import { codingSection } from './coding.js';
import { ackSection } from './ack.js';

function fingerprint(fp) {
  return h('code', { class: 'fp' }, fp || '');
}

function peopleList(people) {
  return h('ul', {}, (people || []).map((p) => h('li', {},
    h('bdi', {}, p.name || '?'), ` (${tCode('role', p.role, p.role || '')}) `, t('alarm.fingerprint'), ' ', fingerprint(p.fingerprint))));
}

function alarmItem(a, where) {
  if (a.code === 'list_changed') {
    return h('li', { class: 'alarm-item' },
      h('p', {}, t('alarm.list_changed', { from: a.from ?? '?', to: a.to ?? '?' })),
      a.added && a.added.length ? h('div', {}, h('p', {}, t('alarm.added')), peopleList(a.added)) : null,
      a.removed && a.removed.length ? h('div', {}, h('p', {}, t('alarm.removed')), peopleList(a.removed)) : null);
  }
  return h('li', { class: 'alarm-item' },
    h('p', {}, tCode('alarm', a.code, t('alarm.other'))),
    where ? h('p', { class: 'small' }, where) : null);
}

/** Every alarm of the case and of its messages, in words, at the top. */
function alarmBox(view) {
  const items = [];
  for (const a of view.alarms || []) items.push(alarmItem(a, a.pos ? t('alarm.at_pos', { pos: a.pos }) : null));
  // The case-level list already holds every message's alarms, with its position.
  if (view.alarm && items.length === 0) items.push(alarmItem({ code: 'other' }));
  if (items.length === 0) return null;
  const onlyListChange = (view.alarms || []).every((a) => a.code === 'list_changed') && !view.alarm && items.length === (view.alarms || []).length;
  return h('section', { class: onlyListChange ? 'alarm-box alarm-notice' : 'alarm-box', role: 'alert', 'aria-labelledby': 'alarm-title' },
    h('h2', { id: 'alarm-title' }, icon('warning', ''), ' ', onlyListChange ? t('alarm.notice_heading') : t('alarm.heading')),
    h('ul', { class: 'alarm-list' }, items),
    onlyListChange ? null : h('p', { class: 'alarm-advice' }, t('alarm.advice')));
}

/** Photos shown, voice notes playable, documents saved after a warning. */
export function attachmentList(ref, pos, list) {
  if (!list || list.length === 0) return null;
  const seen = { photo: 0, voice: 0, document: 0 };
  return h('ul', { class: 'attachments' }, list.map((a) => {
    // Numbered per kind, as the person saw them: "Photo 1", "Voice note 1".
    const nth = (seen[a.kind] = (seen[a.kind] || 0) + 1);
    const src = casePath(ref, `/attachments/${pos}/${a.n}`);
    const size = a.size ? t('att.size', { kb: Math.max(1, Math.round(a.size / 1024)) }) : '';
    if (a.kind === 'photo' && /^image\/(jpeg|png|webp)$/.test(a.type || '')) {
      return h('li', { class: 'att-photo' },
        h('figure', {}, h('img', { src, alt: t('att.photo_alt', { n: nth }), class: 'photo', loading: 'lazy' }),
          h('figcaption', {}, icon('photo', ''), ' ', t('att.photo', { n: nth }), ' ', size)));
    }
    if (a.kind === 'voice' && /^audio\//.test(a.type || '')) {
      return h('li', { class: 'att-voice' },
        h('p', {}, icon('voice', ''), ' ', t('att.voice', { n: nth }), ' ', size),
        h('audio', { controls: true, preload: 'metadata', src, 'aria-label': t('att.voice', { n: nth }) }));
    }
    const save = button(t('att.save'), () => docWarning(src, a), 'btn');
    return h('li', { class: 'att-doc' },
      h('p', {}, icon('document', ''), ' ', t('att.document'), ' ', h('bdi', { class: 'filename' }, a.name || ''), ' ', size),
      save);
  }));
}

function docWarning(src, a) {
  return modal(t('att.warn_heading'), (close) => h('div', {},
    h('p', {}, t('att.warn_text')),
    h('p', {}, t('att.warn_name'), ' ', h('bdi', { class: 'filename' }, a.name || '')),
    h('div', { class: 'actions' },
      h('a', { href: `${src}?download=1`, download: '', class: 'btn primary', autofocus: true,
        onclick: () => setTimeout(() => close(true), 0) }, t('att.warn_save')),
      button(t('dialog.cancel'), () => close(false)))));
}

function formRow(label, value) {
  return [h('dt', {}, label), h('dd', {}, value)];
}

function reportSection(view) {
  const r = view.report || {};
  const f = r.form || {};
  const lang = r.lang;
  const declared = h('span', { class: 'declared' }, t('report.as_written'));
  const text = (s) => (s ? personText(s, lang, 'div') : h('span', { class: 'muted' }, t('form.none')));
  const wants = (f.wants || []).length
    ? h('ul', { class: 'plain-list' }, f.wants.map((w) => h('li', {}, wantLabel(w))))
    : h('span', { class: 'muted' }, t('form.none'));
  return h('section', { class: 'report card', 'aria-labelledby': 'report-title', id: 'report', tabindex: '-1' },
    h('h2', { id: 'report-title' }, t('report.heading')),
    h('p', { class: 'report-lang' }, t('report.lang', { lang: langName(lang) }), ' ', declared),
    r.readable === false ? h('p', { class: 'bad-text' }, t('report.unreadable')) : null,
    h('dl', { class: 'form-view' },
      formRow(t('form.label.kind'), kindLabel(f.kind)),
      formRow(t('form.label.when'), whenLabel(f.when)),
      formRow(t('form.label.where'), text(f.where)),
      formRow(t('form.label.who'), text(f.who)),
      formRow(t('form.label.what'), text(r.text)),
      formRow(t('form.label.wants'), wants),
      formRow(t('form.label.contact'), text(f.contact)),
      (r.attachments || []).length ? formRow(t('form.label.attachments'), attachmentList(view.case_ref, r.pos || 1, r.attachments)) : null));
}

function isPerson(m) {
  return !!m.author && m.author.role === 'reporter';
}

function messageItem(view, m, reference) {
  const person = isPerson(m);
  const internal = m.kind === 'note' || m.kind === 'coding';
  const who = person ? t('msg.from_person')
    : !m.author ? t('msg.from_unknown')
    : m.author.you ? t('msg.from_you', { name: m.author.name || '' })
      : t('msg.from_listener', { name: m.author.name || '' });
  let kindWords;
  if (m.coding) kindWords = t('msg.kind.coding');
  else if (m.ack) kindWords = t('msg.kind.ack');
  else if (person) kindWords = t('msg.kind.message');
  else if (internal) kindWords = t('msg.kind.note');
  else kindWords = t('msg.kind.reply', { lang: langName(m.lang) });
  const badge = m.readable === false ? h('span', { class: 'badge badge-bad' }, t('msg.unreadable'))
    : m.verified ? h('span', { class: 'badge badge-ok' }, icon('check', ''), ' ', t('msg.verified'))
      : h('span', { class: 'badge badge-bad' }, t('msg.not_verified'));
  let body = null;
  if (m.coding) {
    const c = m.coding;
    const j = c.journey || c;
    body = h('p', { class: 'coding-summary' },
      [taxLabel(reference, 'kind', c.kind), taxLabel(reference, 'context', c.context),
        (j.referred || []).length ? t('coding.referred_to', { list: j.referred.map((x) => taxLabel(reference, 'referral', x)).join(', ') }) : null,
        j.outcome ? taxLabel(reference, 'outcome', j.outcome) : null].filter(Boolean).join(' · '));
  } else if (m.ack) {
    body = h('p', {}, t('msg.ack_text', { date: date(m.ack.issued) }));
  } else if (m.text) {
    body = personText(m.text, m.lang, 'div');
  } else if (m.survey_code) {
    body = h('p', { class: 'muted' }, t('msg.survey'));
  }
  return h('li', { class: `msg ${person ? 'msg-person' : internal ? 'msg-note' : 'msg-reply'}${m.new ? ' msg-new' : ''}` },
    h('article', { 'aria-label': `${who} — ${kindWords}` },
      h('header', { class: 'msg-head' },
        internal ? icon('lock', '') : person ? icon('person', '') : icon('reply', ''),
        h('strong', {}, who), ' ',
        h('span', { class: 'msg-kind' }, kindWords), ' ',
        internal ? h('span', { class: 'badge badge-note' }, t('msg.internal')) : null, ' ',
        m.new ? h('span', { class: 'badge badge-warn' }, t('msg.new')) : null, ' ',
        badge),
      body,
      attachmentList(view.case_ref, m.pos, m.attachments)));
}

function thread(view, reference) {
  // The report (position 1) has its own section above.
  const msgs = (view.messages || []).filter((m) => m.kind !== 'report');
  return h('section', { class: 'thread', 'aria-labelledby': 'thread-title', id: 'thread', tabindex: '-1' },
    h('h2', { id: 'thread-title' }, t('thread.heading')),
    msgs.length ? h('ol', { class: 'msgs' }, msgs.map((m) => messageItem(view, m, reference)))
      : h('p', { class: 'muted' }, t('thread.empty')));
}

function jumpNav(targets) {
  return h('nav', { class: 'jump', 'aria-label': t('case.jump') },
    h('ul', {}, targets.filter(Boolean).map(([label, sel]) => h('li', {},
      button(label, () => {
        const el = document.getElementById(sel);
        if (el) {
          el.scrollIntoView({ block: 'start' });
          (el.querySelector('h2') || el).focus();
        }
      }, 'btn btn-link')))));
}

export async function renderCase(app, ref, opts) {
  const view = await get(casePath(ref));
  const reference = await app.ref();
  const reload = async (flash) => {
    await renderCase(app, ref, { flash, keepFocus: true });
  };
  const erased = view.state === 'erased';
  const flash = opts && opts.flash ? h('div', { class: opts.flash.error ? 'alert' : 'flash', role: opts.flash.error ? 'alert' : 'status' }, h('p', {}, opts.flash.text)) : null;
  const readable = view.report && view.report.readable !== false;

  // Headings hold the person's case only once the case verified.
  const sections = [
    h('p', {}, h('a', { href: '#/', class: 'back' }, t('case.back'))),
    heading(t('case.heading', { ref: view.case_ref })),
    alarmBox(view),
    opts && opts.flash && opts.flash.at ? null : flash,
    jumpNav([
      [t('report.heading'), 'report'],
      [t('thread.heading'), 'thread'],
      erased ? null : [t('reply.heading'), 'reply'],
      [t('note.heading_short'), 'note'],
      [t('coding.heading'), 'coding'],
      erased ? null : [t('ack.heading_short'), 'ack'],
    ]),
    stateSection(app, view, reference, reload),
    readable ? reportSection(view) : h('p', { class: 'bad-text' }, t('report.unreadable')),
    thread(view, reference),
    h('div', { class: 'composers' },
      erased ? null : replyComposer(app, view, reference, reload),
      noteComposer(app, view, reload)),
    codingSection(app, view, reference, reload),
    erased ? null : ackSection(app, view, reference),
  ];
  app.show(h('div', { class: `view-case case-${view.state}` }, sections));
  document.title = `${t('case.heading', { ref: view.case_ref })} — abri console`;
  // The confirmation goes where the listener acted, so that the page does
  // not jump away from what they were doing.
  const at = opts && opts.flash && opts.flash.at && document.getElementById(opts.flash.at);
  if (flash && at) {
    const h2 = at.querySelector('h2');
    if (h2 && h2.parentNode === at) h2.after(flash);
    else at.prepend(flash);
  }
  if (opts && opts.focus) {
    const el = document.getElementById(opts.focus);
    if (el) el.focus();
  } else if (flash) {
    flash.setAttribute('tabindex', '-1');
    flash.focus();
  } else {
    app.focusHeading();
  }
}
