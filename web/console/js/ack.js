// The written acknowledgement (art. 5 of Directive 2012/29/EU): prepared by
// abri from the coding, shown in French (the signed text) beside its
// elements in words, signed and sent, then saved as a file or printed.
import { post, casePath } from './api.js';
import { t, langName, date } from './i18n.js';
import { h, button, statusArea, personText } from './dom.js';
import { errorWords } from './words.js';
import { whenLabel, taxLabel } from './labels.js';
import { printNodes } from './print.js';

function elementsList(ack, lang, reference) {
  const e = ack.elements || {};
  const declared = h('span', { class: 'declared' }, t('ack.as_declared'));
  return h('dl', { class: 'ack-elements' },
    h('dt', {}, t('ack.el.kind')), h('dd', {}, taxLabel(reference, 'kind', e.kind)),
    h('dt', {}, t('ack.el.context')), h('dd', {}, taxLabel(reference, 'context', e.context)),
    h('dt', {}, t('ack.el.when')), h('dd', {}, e.when ? [whenLabel(e.when), ' ', declared.cloneNode(true)] : '—'),
    h('dt', {}, t('ack.el.where')), h('dd', {}, e.where ? [personText(e.where, lang, 'span'), ' ', declared.cloneNode(true)] : '—'),
    h('dt', {}, t('ack.el.referrals')), h('dd', {}, (e.referrals || []).length
      ? e.referrals.map((r) => taxLabel(reference, 'referral', r)).join(', ') : t('ack.el.none')),
    h('dt', {}, t('ack.el.listener')), h('dd', {}, h('bdi', {}, ack.listener || '')),
    h('dt', {}, t('ack.el.issued')), h('dd', {}, date(ack.issued, true)));
}

function ackColumns(ack, lang, reference) {
  return h('div', { class: 'ack-cols' },
    h('div', { class: 'ack-fr' },
      h('h3', {}, t('ack.french')),
      h('pre', { lang: 'fr', dir: 'ltr', class: 'ack-text' }, ack.fr || '')),
    h('div', { class: 'ack-person' },
      h('h3', {}, t('ack.for_person', { lang: langName(lang) })),
      h('p', { class: 'hint' }, t('ack.no_translation', { lang: langName(lang) })),
      elementsList(ack, lang, reference)));
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
    prepare.disabled = true;
    let p;
    try {
      p = await post(casePath(view.case_ref, '/ack/preview'), {});
    } catch (e) {
      prepare.disabled = false;
      if (e.code !== 'locked') status.error(errorWords(e));
      return;
    }
    status.clear();
    const ack = p.ack || {};
    const plang = p.lang || lang;
    const sign = button(t('ack.sign'), async () => {
      sign.disabled = true;
      let r;
      try {
        r = await post(casePath(view.case_ref, '/ack'), {});
      } catch (e) {
        sign.disabled = false;
        if (e.code !== 'locked') status.error(errorWords(e));
        return;
      }
      const save = button(t('ack.save', { name: `ack-${view.case_ref}.json` }), () => download(view.case_ref, r.file), 'btn primary');
      out.replaceChildren(
        h('div', { class: 'flash', role: 'status', tabindex: '-1' }, h('p', {}, t('ack.sent'))),
        ackColumns(ack, plang, reference),
        h('p', { class: 'hint' }, t('ack.save_hint')),
        h('div', { class: 'actions' }, save,
          button(t('ack.print'), () => printNodes([h('article', { class: 'print-ack' },
            h('h1', {}, t('ack.heading')), ackColumns(ack, plang, reference))]), 'btn')));
      out.querySelector('.flash').focus();
    }, 'btn primary');
    out.replaceChildren(
      h('p', { role: 'status' }, t('ack.preview_ready')),
      ackColumns(ack, plang, reference),
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
