// The console's words: web/console/i18n/{fr,nl,en}.json, flat catalogs with
// the same keys (web/tests/console.test.mjs checks them). Always call t()
// with a literal key, so that the test can find every key in use.
export const CONSOLE_LANGS = ['fr', 'nl', 'en'];

let code = 'fr';
let strings = {};

export async function setLanguage(want) {
  const c = CONSOLE_LANGS.includes(want) ? want : 'fr';
  const res = await fetch(`/i18n/${c}.json`, { cache: 'no-store' });
  if (!res.ok) throw new Error(`catalog ${c}: ${res.status}`);
  strings = await res.json();
  code = c;
  document.documentElement.lang = c;
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  return c;
}

export function language() {
  return code;
}

/** Translate key; "{name}" placeholders are replaced from vars. */
export function t(key, vars) {
  let s = Object.prototype.hasOwnProperty.call(strings, key) ? strings[key] : key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
  return s;
}

/** t() for a key built at run time (codes from the API); the fallback when absent. */
export function tCode(prefix, c, fallback) {
  const key = `${prefix}.${c}`;
  return Object.prototype.hasOwnProperty.call(strings, key) ? strings[key] : (fallback ?? c);
}

/** The name of a person's language in the console's language ("Arabic", "arabe"). */
export function langName(c) {
  if (!c) return t('lang.unknown');
  return tCode('lang', c, c);
}

/** "2026-11-16" as "16 nov. 2026" (the date is a calendar day: UTC). */
export function date(iso, long) {
  if (!iso || !/^\d{4}-\d{2}-\d{2}$/.test(iso)) return iso || '';
  const d = new Date(`${iso}T00:00:00Z`);
  return new Intl.DateTimeFormat(code === 'nl' ? 'nl-BE' : code === 'fr' ? 'fr-BE' : 'en-GB', {
    day: 'numeric', month: long ? 'long' : 'short', year: 'numeric', timeZone: 'UTC',
  }).format(d);
}
