// The written acknowledgement (art. 5 of Directive 2012/29/EU): prepared by
// abri from the coding, shown in French (the signed text) beside its
// elements in the person's language — the words of their own app, the same
// rules as web/src/js/views/ack.js — and, for the listener, in the
// console's language; signed and sent, then saved as a file or printed.
import { post, casePath } from './api.js';
import { t, langName, date, language } from './i18n.js';
import { h, button, statusArea, personText } from './dom.js';
import { act } from './words.js';
import { whenLabel, taxLabel } from './labels.js';
import { printNodes } from './print.js';
import { personWords } from './person-words.js';

const str = (v) => (typeof v === 'string' && v !== '' ? v : null);
const raw = (v) => h('bdi', { dir: 'ltr', class: 'mono' }, v);

function row(label, value) {
  if (value === null || value === undefined || value === '' || value === false) return [];
  return [h('dt', {}, label), h('dd', {}, value)];
}

/** The elements as a list, in the words of one vocabulary (below). */
function elementsList(ack, personLang, v) {
  const e = ack.elements && typeof ack.elements === 'object' ? ack.elements : {};
  const refs = Array.isArray(e.referrals) ? e.referrals.filter(str) : [];
  const known = (text, code) => text || (str(code) && raw(code));
  // What the person declared (when, where) is theirs, not established.
  const declared = (value) => [value, ' ', v.declared()];
  return h('dl', { class: 'ack-elements' },
    row(v.label.ref, str(ack.case_ref) && raw(ack.case_ref)),
    row(v.label.week, v.date(ack.received_week)),
    row(v.label.issued, v.date(ack.issued)),
    row(v.label.kind, str(e.kind) && known(v.kind(e.kind), e.kind)),
    row(v.label.context, str(e.context) && known(v.context(e.context), e.context)),
    row(v.label.when, str(e.when) && declared(known(v.when(e.when), e.when))),
    row(v.label.where, str(e.where) && declared(personText(e.where, personLang, 'span'))),
    row(v.label.referrals, refs.length === 0 ? v.label.none
      : h('ul', { class: 'ack-referrals' }, refs.map((r) => h('li', {}, known(v.referral(r), r))))),
    row(v.label.listener, str(ack.listener) && h('bdi', {}, ack.listener)));
}

/** The console's own words (fr, nl, en) and the taxonomy's labels. */
function consoleVocabulary(reference) {
  const marker = () => h('span', { class: 'declared' }, t('ack.as_declared'));
  return {
    label: {
      ref: t('ack.el.ref'), week: t('ack.el.week'), issued: t('ack.el.issued'), kind: t('ack.el.kind'),
      context: t('ack.el.context'), when: t('ack.el.when'), where: t('ack.el.where'),
      referrals: t('ack.el.referrals'), none: t('ack.el.none'), listener: t('ack.el.listener'),
    },
    kind: (c) => taxLabel(reference, 'kind', c),
    context: (c) => taxLabel(reference, 'context', c),
    when: (c) => whenLabel(c),
    referral: (c) => taxLabel(reference, 'referral', c),
    date: (iso) => str(iso) && h('bdi', {}, date(iso, true)),
    declared: marker,
  };
}

/** "2026-11-16" in the person's language (UTC, as written), as their app does. */
function dateIn(locale, iso) {
  if (!str(iso)) return null;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso)) return raw(iso);
  try {
    const d = new Date(`${iso}T00:00:00Z`);
    return h('bdi', {}, new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(d));
  } catch {
    return raw(iso);
  }
}

/** The words of the person's app (person-words.js); a code it has no words
 * for is shown as it is. */
function personVocabulary(w) {
  const word = w.word;
  return {
    label: {
      ref: word('ack.ref'), week: word('ack.week'), issued: word('ack.issued'), kind: word('ack.kind'),
      context: word('ack.context'), when: word('ack.when'), where: word('ack.where'),
      referrals: word('ack.referrals'), none: word('ack.referrals_none'), listener: word('ack.listener'),
    },
    kind: (c) => {
      // Taxonomy "violence.domestic" is the form's "violence_domestic",
      // shown as the app shows it: "Violence: Violence at home…".
      const v = String(c).replace('.', '_');
      const group = v.split('_')[0];
      const item = v !== group && word(`form.kind.${v}`);
      return item && word(`form.kind.${group}`) ? `${word(`form.kind.${group}`)}: ${item}` : null;
    },
    context: (c) => word(`ack.context.${c}`),
    when: (c) => word(`form.when.${c}`),
    referral: (c) => word(`ack.referral.${c}`),
    date: (iso) => dateIn(w.code, iso),
    // The app has no words for "as declared by the person" (yet): then the
    // console's, marked as such.
    declared: () => (word('ack.as_declared')
      ? h('span', { class: 'declared' }, word('ack.as_declared'))
      : h('span', { class: 'declared', lang: language(), dir: 'ltr' }, t('ack.as_declared'))),
  };
}

/** The French text beside the elements for the person. w: the person's
 * words (null: none, said so); forPrint: only what the person is given,
 * headed in their language (the listener's words stay on the screen). */
function ackColumns(ack, lang, reference, w, forPrint) {
  const paper = forPrint && w;
  const theirs = w && h('div', { class: 'ack-person-text', lang: w.code, dir: w.dir },
    h('p', {}, w.word('ack.intro')),
    h(paper ? 'h2' : 'h4', {}, w.word('ack.yours')),
    elementsList(ack, lang, personVocabulary(w)),
    h('p', {}, w.word('ack.meaning')));
  const mine = () => elementsList(ack, lang, consoleVocabulary(reference));
  const french = h('div', { class: 'ack-fr' },
    paper ? h('h2', { lang: w.code, dir: w.dir }, w.word('ack.french')) : h('h3', {}, t('ack.french')),
    h('pre', { lang: 'fr', dir: 'ltr', class: 'ack-text' }, ack.fr || ''));
  if (paper) return h('div', { class: 'ack-cols' }, french, h('div', { class: 'ack-person' }, theirs));
  return h('div', { class: 'ack-cols' }, french,
    h('div', { class: 'ack-person' },
      h('h3', {}, t('ack.for_person', { lang: langName(lang) })),
      w ? [
        h('p', { class: 'hint' }, t('ack.person_words', { lang: langName(lang) })),
        theirs,
        // The same in the listener's words, to check it or explain it.
        w.code === language() ? null : h('details', { class: 'ack-mine' },
          h('summary', {}, t('ack.in_your_language', { lang: langName(language()) })),
          mine()),
      ] : [forPrint ? null : h('p', { class: 'hint' }, t('ack.no_translation', { lang: langName(lang) })), mine()]));
}

/** The printed page: the acknowledgement as the person is given it. */
function ackPaper(columns, w) {
  return h('article', { class: 'print-ack' },
    w ? h('h1', { lang: w.code, dir: w.dir }, w.word('case.kind.ack')) : h('h1', {}, t('ack.heading')),
    columns(true));
}

function download(ref, file) {
  const blob = new Blob([`${JSON.stringify(file, null, 1)}\n`], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: `ack-${ref}.json`, class: 'sr-only' }, 'download');
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

export function ackSection(app, view, reference) {
  const status = statusArea();
  const out = h('div', { class: 'ack-out' });
  const lang = view.report && view.report.lang;
  const hasCoding = !!view.coding;

  const prepare = button(t('ack.prepare'), async () => {
    const p = await act(prepare, status, () => post(casePath(view.case_ref, '/ack/preview'), {}));
    if (p === null) return;
    status.clear();
    const ack = p.ack || {};
    const plang = p.lang || lang;
    const w = await personWords(plang);
    const columns = (forPrint) => ackColumns(ack, plang, reference, w, forPrint);
    const sign = button(t('ack.sign'), async () => {
      const r = await act(sign, status, () => post(casePath(view.case_ref, '/ack'), {}));
      if (r === null) return;
      const save = button(t('ack.save', { name: `ack-${view.case_ref}.json` }), () => download(view.case_ref, r.file), 'btn primary');
      out.replaceChildren(
        h('div', { class: 'flash', role: 'status', tabindex: '-1' }, h('p', {}, t('ack.sent'))),
        columns(false),
        h('p', { class: 'hint' }, t('ack.save_hint')),
        h('div', { class: 'actions' }, save,
          button(t('ack.print'), () => printNodes([ackPaper(columns, w)]), 'btn')));
      out.querySelector('.flash').focus();
    }, 'btn primary');
    out.replaceChildren(
      h('p', { role: 'status' }, t('ack.preview_ready')),
      columns(false),
      h('p', { class: 'hint' }, t('ack.sign_help')),
      h('div', { class: 'actions' }, sign));
    prepare.disabled = false;
    out.querySelector('h3').setAttribute('tabindex', '-1');
    out.querySelector('h3').focus();
  }, 'btn');

  return h('section', { class: 'ack card', id: 'ack', 'aria-labelledby': 'ack-title' },
    h('h2', { id: 'ack-title', tabindex: '-1' }, t('ack.heading')),
    h('p', { class: 'hint' }, t('ack.intro')),
    hasCoding ? null : h('p', { class: 'warn-text' }, t('ack.needs_coding')),
    status.el,
    h('div', { class: 'actions' }, prepare),
    out);
}
