// The written acknowledgement (issue 4, contract B): a listener's signed
// ack message (kind 5) shown as a box — on one side the elements rendered
// in the person's language from the web catalogs, on the other the signed
// French text verbatim (always lang="fr", left to right, also on RTL
// pages). Print shows only the acknowledgement (app.css, @media print);
// "Save as file" writes the acknowledgement file `abri verify-ack` checks.
import { t, language } from '../i18n.js';
import { h, button, statusArea, id } from './dom.js';
import { kindLabel, whenOptions } from './form.js';
import { ackFileText } from './session.js';

// Taxonomy codes (conf/taxonomy.json) written out key by key so the i18n
// test finds them; an unknown code is shown as it is.
function contextText(code) {
  switch (code) {
    case 'housing': return t('ack.context.housing');
    case 'employment': return t('ack.context.employment');
    case 'police': return t('ack.context.police');
    case 'public_space': return t('ack.context.public_space');
    case 'family': return t('ack.context.family');
    case 'institution': return t('ack.context.institution');
    case 'online': return t('ack.context.online');
    case 'other': return t('ack.context.other');
    default: return null;
  }
}

function referralText(code) {
  switch (code) {
    case 'police': return t('ack.referral.police');
    case 'equality_body': return t('ack.referral.equality_body');
    case 'victim_service': return t('ack.referral.victim_service');
    case 'health': return t('ack.referral.health');
    case 'legal_aid': return t('ack.referral.legal_aid');
    case 'social_services': return t('ack.referral.social_services');
    case 'shelter': return t('ack.referral.shelter');
    default: return null;
  }
}

// Taxonomy "violence.domestic" is the form's "violence_domestic".
function kindText(code) {
  const v = String(code).replace('.', '_');
  const label = kindLabel(v);
  return label === v ? null : label;
}

function whenText(code) {
  const o = whenOptions().find(([v]) => v === code);
  return o ? o[1] : null;
}

const str = (v) => (typeof v === 'string' && v !== '' ? v : null);
const raw = (v) => h('bdi', { dir: 'ltr', class: 'mono' }, v);

/** "2026-11-16" in the person's language (UTC, as written). */
function dateText(v) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v || '')) return str(v) && raw(v);
  try {
    const d = new Date(`${v}T00:00:00Z`);
    if (Number.isNaN(d.getTime())) return raw(v);
    return h('bdi', {}, new Intl.DateTimeFormat(language(), { dateStyle: 'long', timeZone: 'UTC' }).format(d));
  } catch {
    return raw(v);
  }
}

/** The ack object of a message body, or null when it is not one. */
export function ackOf(m) {
  const a = m && m.body && m.body.ack;
  if (!a || typeof a !== 'object' || Array.isArray(a) || a.v !== 1) return null;
  if (typeof a.fr !== 'string' || typeof a.case_ref !== 'string') return null;
  return a;
}

function row(label, value) {
  if (value === null || value === undefined || value === '') return [];
  return [h('dt', {}, label), h('dd', {}, value)];
}

function elementsList(a) {
  const e = a.elements && typeof a.elements === 'object' ? a.elements : {};
  const refs = Array.isArray(e.referrals) ? e.referrals.filter((r) => typeof r === 'string') : [];
  const known = (text, code) => text || (str(code) && raw(code));
  return h('dl', { class: 'ack-elements' },
    row(t('ack.ref'), raw(a.case_ref)),
    row(t('ack.week'), dateText(a.received_week)),
    row(t('ack.issued'), dateText(a.issued)),
    row(t('ack.kind'), str(e.kind) && known(kindText(e.kind), e.kind)),
    row(t('ack.context'), str(e.context) && known(contextText(e.context), e.context)),
    row(t('ack.when'), str(e.when) && known(whenText(e.when), e.when)),
    row(t('ack.where'), str(e.where) && h('bdi', { dir: 'auto' }, e.where)),
    row(t('ack.referrals'), refs.length === 0 ? t('ack.referrals_none')
      : h('ul', { class: 'ack-referrals' }, refs.map((r) => h('li', {}, known(referralText(r), r))))),
    row(t('ack.listener'), str(a.listener) && h('bdi', {}, a.listener)));
}

function saveFile(text) {
  const blob = new Blob([text], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: 'acknowledgement.json', class: 'visually-hidden' }, 'acknowledgement.json');
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

// Print only this acknowledgement (others on the page are hidden too).
function printOne(item) {
  const done = () => {
    document.body.classList.remove('print-one');
    item.classList.remove('print-target');
    window.removeEventListener('afterprint', done);
  };
  document.body.classList.add('print-one');
  item.classList.add('print-target');
  window.addEventListener('afterprint', done);
  window.print();
  // Some browsers return from print() before printing; afterprint cleans up then.
  setTimeout(done, 1000);
}

/** The list item of a verified ack message m; who = "Listener: name". */
export function ackItem(m, who) {
  const a = ackOf(m);
  const hid = id('ack-h');
  const status = statusArea();
  const item = h('li', { class: 'message theirs has-ack' });
  if (!a) {
    item.append(h('article', {},
      h('h3', {}, t('case.kind.ack'), ' · ', h('bdi', {}, who)),
      h('p', { class: 'badge good' }, t('case.verified')),
      h('p', { class: 'warning' }, t('ack.bad'))));
    return item;
  }
  const print = button(t('ack.print'), () => printOne(item));
  const save = button(t('ack.save'), async () => {
    try {
      saveFile(await ackFileText(m));
      status.done(t('ack.saved'));
    } catch {
      status.error(t('err.generic'));
    }
  });
  item.append(h('article', {},
    h('section', { class: 'ack-box', 'aria-labelledby': hid },
      h('h3', { id: hid }, t('case.kind.ack'), ' · ', h('bdi', {}, who)),
      h('p', { class: 'badge good' }, t('case.verified')),
      h('p', { class: 'ack-intro' }, t('ack.intro')),
      h('div', { class: 'ack-cols' },
        h('div', { class: 'ack-col ack-mine' },
          h('h4', {}, t('ack.yours')),
          elementsList(a),
          h('p', {}, t('ack.meaning'))),
        h('div', { class: 'ack-col ack-fr' },
          h('h4', {}, t('ack.french')),
          h('p', { class: 'ack-fr-text', lang: 'fr', dir: 'ltr' }, a.fr))),
      h('div', { class: 'actions ack-actions' }, print, save),
      h('p', { class: 'hint ack-save-hint' }, t('ack.save_hint')),
      status.el)));
  return item;
}
