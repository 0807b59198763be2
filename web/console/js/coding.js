// Coding and referral: pick-lists from the taxonomy (/api/reference) in the
// console's language; a consent box per referral target beside what the
// person asked for; "referred" only once consent is ticked (abri refuses
// it too: 422 referral_without_consent). A printable summary per consented
// target holds only the fields the listener ticks.
import { post, casePath } from './api.js';
import { t, langName, date } from './i18n.js';
import { h, id, button, statusArea, personText } from './dom.js';
import { modal } from './dialog.js';
import { act } from './words.js';
import { kindLabel, whenLabel, wantLabel, taxLabel, WANT_FOR_REFERRAL } from './labels.js';
import { printNodes } from './print.js';

function pick(reference, dim, fieldId, current, noneKey) {
  const codes = Object.keys((reference.taxonomy && reference.taxonomy[dim]) || {});
  return h('select', { id: fieldId, name: dim },
    h('option', { value: '' }, t(noneKey)),
    codes.map((c) => h('option', { value: c, selected: c === current }, taxLabel(reference, dim, c))));
}

function check(name, label, checked) {
  const cid = id(name);
  const input = h('input', { type: 'checkbox', id: cid, name, checked: !!checked });
  return { input, el: h('div', { class: 'choice' }, input, h('label', { for: cid }, label)) };
}

// The fields a summary may hold, in this order; none is ticked at first.
const SUMMARY_FIELDS = ['kind', 'when', 'where', 'who', 'what', 'contact', 'ref'];

function summaryLabel(f) {
  switch (f) {
    case 'kind': return t('form.label.kind');
    case 'when': return t('form.label.when');
    case 'where': return t('form.label.where');
    case 'who': return t('form.label.who');
    case 'what': return t('form.label.what');
    case 'contact': return t('form.label.contact');
    default: return t('summary.ref');
  }
}

function summaryValue(view, f) {
  const r = view.report || {};
  const form = r.form || {};
  switch (f) {
    case 'kind': return h('p', {}, kindLabel(form.kind));
    case 'when': return h('p', {}, whenLabel(form.when), ' — ', t('summary.when_rel', { date: date(view.week_start) }));
    case 'where': return personText(form.where || '—', r.lang, 'div');
    case 'who': return personText(form.who || '—', r.lang, 'div');
    case 'what': return personText(r.text || '—', r.lang, 'div');
    case 'contact': return personText(form.contact || '—', r.lang, 'div');
    default: return h('p', {}, view.case_ref);
  }
}

function printSummary(view, reference, target) {
  return modal(t('summary.heading', { target: taxLabel(reference, 'referral', target) }), (close) => {
    const boxes = SUMMARY_FIELDS.map((f) => ({ f, ...check(`sum-${f}`, summaryLabel(f), false) }));
    const err = h('div', { class: 'alert', role: 'alert', hidden: true });
    return h('div', { class: 'summary-pick' },
      h('p', {}, t('summary.intro')),
      h('p', { class: 'warn-text' }, t('summary.nothing_sent')),
      h('fieldset', { class: 'group' }, h('legend', {}, t('summary.fields')), boxes.map((b) => b.el)),
      err,
      h('div', { class: 'actions' },
        button(t('summary.print'), () => {
          const chosen = boxes.filter((b) => b.input.checked).map((b) => b.f);
          if (chosen.length === 0) {
            err.replaceChildren(h('p', {}, t('summary.none_ticked')));
            err.hidden = false;
            return;
          }
          printNodes([h('article', { class: 'print-summary' },
            h('h1', {}, t('summary.print_title', { target: taxLabel(reference, 'referral', target) })),
            h('p', { class: 'small' }, t('summary.print_lang', { lang: langName(view.report && view.report.lang) })),
            h('dl', {}, chosen.map((f) => [h('dt', {}, summaryLabel(f)), h('dd', { 'data-field': f }, summaryValue(view, f))])),
            h('p', { class: 'small' }, t('summary.print_foot')))]);
          close(true);
        }, 'btn primary'),
        h('button', { type: 'button', class: 'btn', autofocus: true, onclick: () => close(false) }, t('dialog.cancel'))));
  });
}

export function codingSection(app, view, reference, reload) {
  const c = view.coding || {};
  const j = c.journey || c;
  const wants = (view.report && view.report.form && view.report.form.wants) || [];
  const status = statusArea();
  const kind = pick(reference, 'kind', 'c-kind', c.kind, 'coding.choose');
  const context = pick(reference, 'context', 'c-context', c.context, 'coding.choose');
  const interpreter = pick(reference, 'interpreter', 'c-interpreter', c.interpreter, 'coding.choose');
  const outcome = pick(reference, 'outcome', 'c-outcome', j.outcome, 'coding.choose');
  const listened = check('listened', t('coding.listened'), j.listened);
  const informed = check('informed', t('coding.informed'), j.informed);
  const filed = check('complaint_filed', t('coding.complaint_filed'), j.complaint_filed);

  const rows = Object.keys((reference.taxonomy && reference.taxonomy.referral) || {}).map((code) => {
    const label = taxLabel(reference, 'referral', code);
    const want = WANT_FOR_REFERRAL[code];
    const asked = want && wants.includes(want);
    const consent = h('input', { type: 'checkbox', id: `consent-${code}`, name: 'consent', value: code,
      checked: (j.consent || []).includes(code), 'aria-describedby': `asked-${code}` });
    const referred = h('input', { type: 'checkbox', id: `referred-${code}`, name: 'referred', value: code,
      checked: (j.referred || []).includes(code) });
    const printBtn = button(t('coding.print_summary'), () => printSummary(view, reference, code), 'btn btn-small');
    const sync = () => {
      referred.disabled = !consent.checked;
      if (!consent.checked) referred.checked = false;
      printBtn.disabled = !consent.checked;
    };
    consent.addEventListener('change', sync);
    sync();
    return h('tr', { 'data-referral': code },
      h('th', { scope: 'row' }, label),
      h('td', { id: `asked-${code}` }, asked
        ? h('span', { class: 'badge badge-asked' }, t('coding.asked', { want: wantLabel(want) }))
        : h('span', { class: 'muted' }, t('coding.not_asked'))),
      h('td', {}, h('div', { class: 'choice' }, consent, h('label', { for: `consent-${code}` }, t('coding.consent')))),
      h('td', {}, h('div', { class: 'choice' }, referred, h('label', { for: `referred-${code}` }, t('coding.referred')))),
      h('td', {}, printBtn));
  });

  const saveBtn = h('button', { type: 'submit', class: 'btn primary' }, t('coding.save'));
  const form = h('form', { class: 'coding-form', novalidate: true },
    h('div', { class: 'coding-grid' },
      h('div', { class: 'field' }, h('label', { for: 'c-kind' }, t('coding.dim.kind')), kind),
      h('div', { class: 'field' }, h('label', { for: 'c-context' }, t('coding.dim.context')), context),
      h('div', { class: 'field' }, h('label', { for: 'c-interpreter' }, t('coding.dim.interpreter')), interpreter),
      h('div', { class: 'field' }, h('label', { for: 'c-outcome' }, t('coding.dim.outcome')), outcome)),
    h('fieldset', { class: 'group' }, h('legend', {}, t('coding.journey')), listened.el, informed.el, filed.el),
    h('h3', {}, t('coding.referrals')),
    h('p', { class: 'hint' }, t('coding.referrals_help')),
    h('p', { class: 'person-wants' }, t('coding.person_wants'), ' ',
      wants.length ? wants.map(wantLabel).join(', ') : t('form.none')),
    h('table', { class: 'referrals' },
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, t('coding.col.target')),
        h('th', { scope: 'col' }, t('coding.col.asked')),
        h('th', { scope: 'col' }, t('coding.col.consent')),
        h('th', { scope: 'col' }, t('coding.col.referred')),
        h('th', { scope: 'col' }, t('coding.col.summary')))),
      h('tbody', {}, rows)),
    h('p', { class: 'hint' }, t('coding.nothing_sent')),
    status.el,
    h('div', { class: 'actions' }, saveBtn));

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const missing = [[kind, 'coding.dim.kind'], [context, 'coding.dim.context'], [interpreter, 'coding.dim.interpreter'], [outcome, 'coding.dim.outcome']]
      .filter(([s]) => !s.value);
    if (missing.length) {
      status.error(t('coding.missing', { what: missing.map(([, k]) => t(k)).join(', ') }));
      missing[0][0].focus();
      return;
    }
    const fd = new FormData(form);
    const body = {
      kind: kind.value, context: context.value, interpreter: interpreter.value,
      listened: listened.input.checked, informed: informed.input.checked,
      consent: fd.getAll('consent'),
      // Read the boxes themselves: a disabled box is not in FormData.
      referred: [...form.querySelectorAll('input[name=referred]')].filter((x) => x.checked).map((x) => x.value),
      complaint_filed: filed.input.checked, outcome: outcome.value,
    };
    await act(saveBtn, status, async () => {
      await post(casePath(view.case_ref, '/coding'), body);
      await reload({ text: t('coding.saved'), at: 'coding' });
    });
  });

  return h('section', { class: 'coding card', id: 'coding', 'aria-labelledby': 'coding-title' },
    h('h2', { id: 'coding-title', tabindex: '-1' }, t('coding.heading')),
    h('p', { class: 'hint' }, t('coding.intro')),
    form);
}
