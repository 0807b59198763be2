// Translations. One JSON catalog per language in i18n/<code>.json, fetched
// from our own origin when chosen; the choice lives in memory only (no
// storage of any kind), so a reload starts again at the language page.
//
// Keys must stay statically discoverable: always call t with a literal
// quoted key, or put the literal key in a data-i18n attribute, so that
// web/tests/i18n.test.mjs can check every catalog.

// The language page is drawn from this list so that it needs no extra
// download; web/tests/i18n.test.mjs checks that each name and direction
// equals the catalog's own _meta.name / _meta.dir.
export const LANGUAGES = [
  { code: 'fr', name: 'Français', dir: 'ltr' },
  { code: 'nl', name: 'Nederlands', dir: 'ltr' },
  { code: 'de', name: 'Deutsch', dir: 'ltr' },
  { code: 'en', name: 'English', dir: 'ltr' },
  { code: 'ar', name: 'العربية', dir: 'rtl' },
  { code: 'fa', name: 'فارسی', dir: 'rtl' },
  { code: 'prs', name: 'دری', dir: 'rtl' },
  { code: 'ps', name: 'پښتو', dir: 'rtl' },
  { code: 'ti', name: 'ትግርኛ', dir: 'ltr' },
  { code: 'so', name: 'Soomaali', dir: 'ltr' },
  { code: 'tr', name: 'Türkçe', dir: 'ltr' },
  { code: 'uk', name: 'Українська', dir: 'ltr' },
  { code: 'ru', name: 'Русский', dir: 'ltr' },
  { code: 'es', name: 'Español', dir: 'ltr' },
  { code: 'pt-BR', name: 'Português (Brasil)', dir: 'ltr' },
];

const cache = new Map();
let current = { code: 'en', dir: 'ltr', strings: {} };
let english = null;

async function load(code) {
  if (cache.has(code)) return cache.get(code);
  if (!LANGUAGES.some((l) => l.code === code)) throw new Error('unknown language');
  const res = await fetch(`i18n/${code}.json`, { credentials: 'omit', cache: 'no-store' });
  if (!res.ok) throw new Error(`catalog ${code}: ${res.status}`);
  const strings = await res.json();
  cache.set(code, strings);
  return strings;
}

/** The best language for this browser, used only to draw the language page. */
export function guessLanguage() {
  for (const want of navigator.languages || [navigator.language || 'en']) {
    const w = String(want).toLowerCase();
    const exact = LANGUAGES.find((l) => l.code.toLowerCase() === w);
    if (exact) return exact.code;
    const base = LANGUAGES.find((l) => l.code.toLowerCase() === w.split('-')[0]);
    if (base) return base.code;
    if (w.startsWith('pt')) return 'pt-BR';
  }
  return 'en';
}

export async function setLanguage(code) {
  const strings = await load(code);
  const meta = strings._meta || {};
  current = { code, dir: meta.dir === 'rtl' ? 'rtl' : 'ltr', strings };
  document.documentElement.lang = code;
  document.documentElement.dir = current.dir;
  if (code !== 'en' && english === null) {
    // Only consulted for a key a catalog lacks (caught by the i18n test).
    load('en').then((s) => { english = s; }, () => {});
  }
  applyStatic(document);
  return current;
}

export function language() {
  return current.code;
}

export function direction() {
  return current.dir;
}

/** Translate key; "{name}" placeholders are replaced from vars. */
export function t(key, vars) {
  let s = current.strings[key];
  if (typeof s !== 'string' || s === '') {
    console.warn(`i18n: missing key ${key} in ${current.code}`);
    s = (english && english[key]) || (cache.get('en') || {})[key] || key;
  }
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
  return s;
}

/** Fill every element carrying a data-i18n attribute with its translation. */
export function applyStatic(root) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-aria-label]')) {
    el.setAttribute('aria-label', t(el.dataset.i18nAriaLabel));
  }
}
