// The questionnaire. It never asks for residence status or nationality;
// everything but the kind, the time and the text is optional.
import { t } from '../i18n.js';
import { h, heading, id, button } from './dom.js';
import { attachField } from './attach.js';

// Labels are written out key by key so the i18n test can find them.
function kinds() {
  return [
    { group: t('form.kind.violence'), items: [
      ['violence_domestic', t('form.kind.violence_domestic')],
      ['violence_sexual', t('form.kind.violence_sexual')],
      ['violence_institutional', t('form.kind.violence_institutional')],
      ['violence_other', t('form.kind.violence_other')],
    ] },
    { group: t('form.kind.discrimination'), items: [
      ['discrimination_housing', t('form.kind.discrimination_housing')],
      ['discrimination_work', t('form.kind.discrimination_work')],
      ['discrimination_policing', t('form.kind.discrimination_policing')],
      ['discrimination_other', t('form.kind.discrimination_other')],
    ] },
  ];
}

export function whenOptions() {
  return [
    ['week', t('form.when.week')],
    ['month', t('form.when.month')],
    ['year', t('form.when.year')],
    ['earlier', t('form.when.earlier')],
  ];
}

export function wantOptions() {
  return [
    ['info', t('form.wants.info'), t('form.wants.info_help')],
    ['contact', t('form.wants.contact'), t('form.wants.contact_help')],
    ['police', t('form.wants.police'), t('form.wants.police_help')],
    ['doctor', t('form.wants.doctor'), t('form.wants.doctor_help')],
    ['lawyer', t('form.wants.lawyer'), t('form.wants.lawyer_help')],
    ['equality', t('form.wants.equality'), t('form.wants.equality_help')],
  ];
}

export function kindLabel(value) {
  for (const g of kinds()) for (const [v, label] of g.items) if (v === value) return `${g.group}: ${label}`;
  return value;
}

function tag(optional) {
  return h('span', { class: 'tag' }, optional ? t('form.optional') : t('form.required'));
}

function radio(name, value, label, checked) {
  const rid = id(name);
  return h('div', { class: 'choice' },
    h('input', { type: 'radio', id: rid, name, value, checked }),
    h('label', { for: rid }, label));
}

function errorText(key) {
  return h('p', { class: 'field-error', id: id('err'), hidden: true }, key);
}

function textField(name, label, hint, value, opts) {
  const fid = id(name);
  const hid = id(`${name}-hint`);
  const err = opts.error ? errorText(opts.error) : null;
  const control = h(opts.multiline ? 'textarea' : 'input', {
    id: fid,
    name,
    type: opts.multiline ? null : 'text',
    rows: opts.multiline ? String(opts.rows || 6) : null,
    'aria-describedby': err ? `${hid} ${err.id}` : hid,
    required: opts.required || null,
    'aria-required': opts.required ? 'true' : null,
    dir: 'auto', // spellcheck, autocorrect... off: h() (dom.js)
  });
  control.value = value || '';
  return {
    el: h('div', { class: 'field' },
      h('label', { for: fid }, label, ' ', tag(!opts.required)),
      h('p', { class: 'hint', id: hid }, hint),
      err,
      control),
    control,
    err,
  };
}

export function render(app) {
  const d = app.state.draft;
  const kindErr = errorText(t('form.err.kind'));
  const whenErr = errorText(t('form.err.when'));

  const kindSet = h('fieldset', { class: 'group', 'aria-describedby': kindErr.id },
    h('legend', {}, t('form.kind.legend'), ' ', tag(false)),
    kindErr,
    kinds().map((g) => h('fieldset', { class: 'subgroup' },
      h('legend', {}, g.group),
      g.items.map(([v, label]) => radio('kind', v, label, d.kind === v)))));

  const whenHint = id('when-hint');
  const whenSet = h('fieldset', { class: 'group', 'aria-describedby': `${whenHint} ${whenErr.id}` },
    h('legend', {}, t('form.when.legend'), ' ', tag(false)),
    h('p', { class: 'hint', id: whenHint }, t('form.when.hint')),
    whenErr,
    whenOptions().map(([v, label]) => radio('when', v, label, d.when === v)));

  const where = textField('where', t('form.where.label'), t('form.where.hint'), d.where, {});
  const who = textField('who', t('form.who.label'), t('form.who.hint'), d.who, {});
  const what = textField('what', t('form.what.label'), t('form.what.hint'), d.what,
    { multiline: true, rows: 8, required: true, error: t('form.err.what') });

  const wantsHint = id('wants-hint');
  const wantsSet = h('fieldset', { class: 'group', 'aria-describedby': wantsHint },
    h('legend', {}, t('form.wants.legend'), ' ', tag(true)),
    h('p', { class: 'hint', id: wantsHint }, t('form.wants.hint')),
    wantOptions().map(([v, label, help]) => {
      const cid = id('want');
      const helpId = id('want-help');
      return h('div', { class: 'choice choice-help' },
        h('input', { type: 'checkbox', id: cid, name: 'wants', value: v,
          checked: d.wants.includes(v), 'aria-describedby': helpId }),
        h('label', { for: cid }, label),
        h('p', { class: 'hint', id: helpId }, help));
    }));

  if (!Array.isArray(d.attachments)) d.attachments = [];
  const files = attachField(d.attachments);

  const contact = textField('contact', t('form.contact.label'), t('form.contact.hint'), d.contact,
    { multiline: true, rows: 3 });

  const summary = h('div', { class: 'alert', role: 'alert', hidden: true, tabindex: '-1' });

  const form = h('form', { class: 'questionnaire', novalidate: true },
    summary, kindSet, whenSet, where.el, who.el, what.el, files.el, wantsSet, contact.el,
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'btn primary' }, t('form.next')),
      button(t('form.back'), () => { save(); app.go('start'); })));

  function save() {
    const fd = new FormData(form);
    d.kind = fd.get('kind') || '';
    d.when = fd.get('when') || '';
    d.where = where.control.value.trim();
    d.who = who.control.value.trim();
    d.what = what.control.value.trim();
    d.wants = fd.getAll('wants');
    d.contact = contact.control.value.trim();
  }

  // Kept in memory as the person types, so switching language loses nothing.
  form.addEventListener('input', save);
  form.addEventListener('change', save);

  function mark(err, bad, target) {
    err.hidden = !bad;
    if (target) target.setAttribute('aria-invalid', bad ? 'true' : 'false');
    return bad;
  }

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    save();
    const bad = [
      mark(kindErr, !d.kind) && form.querySelector('input[name=kind]'),
      mark(whenErr, !d.when) && form.querySelector('input[name=when]'),
      mark(what.err, !d.what, what.control) && what.control,
    ].filter(Boolean);
    kindSet.classList.toggle('invalid', !d.kind);
    whenSet.classList.toggle('invalid', !d.when);
    if (bad.length > 0) {
      summary.replaceChildren(h('p', {}, t('form.err.summary')));
      summary.hidden = false;
      bad[0].focus();
      return;
    }
    if (new TextEncoder().encode(JSON.stringify({ ...d, attachments: [] })).length > 200000) {
      summary.replaceChildren(h('p', {}, t('form.err.too_long')));
      summary.hidden = false;
      summary.focus();
      return;
    }
    app.go('review');
  });

  return h('section', { class: 'view view-form' },
    heading(t('form.heading')),
    h('p', {}, t('form.intro')),
    form);
}
