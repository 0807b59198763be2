// The person's own words: the reporter app's catalogs (web/src/i18n/,
// embedded into abri and served at /reporter-i18n/CODE.json), so that the
// written acknowledgement's elements are shown in the person's language with
// exactly the words their app uses (web/src/js/views/ack.js).
//
// The reporter app's languages (web/src/js/i18n.js LANGUAGES; the console
// test checks that both lists are the same).
export const REPORTER_LANGS = ['fr', 'nl', 'de', 'en', 'ar', 'fa', 'prs', 'ps', 'ti', 'so', 'tr', 'uk', 'ru',
  'es', 'pt-BR'];

/** The catalog for a report's lang (a BCP 47 tag, e.g. "ar", "fa-AF"): the
 * same code; fa-AF is Dari (prs, as `abri show` names it); any pt is
 * pt-BR; else the base language ("ti-ER" → ti). null when there is none. */
export function catalogCode(lang) {
  const w = String(lang || '').toLowerCase();
  if (!w) return null;
  const exact = REPORTER_LANGS.find((c) => c.toLowerCase() === w);
  if (exact) return exact;
  if (w === 'fa-af') return 'prs';
  if (w === 'pt' || w.startsWith('pt-')) return 'pt-BR';
  const base = w.split('-')[0];
  return REPORTER_LANGS.find((c) => c === base) || null;
}

const cache = new Map();

/** {code, dir, word(key)} for a report's lang, or null (no catalog, or it
 * did not load: the page then says there is no translation). word() gives
 * null for a key the catalog lacks, never the key itself. */
export async function personWords(lang) {
  const code = catalogCode(lang);
  if (!code) return null;
  if (!cache.has(code)) {
    cache.set(code, fetch(`/reporter-i18n/${code}.json`, { cache: 'no-store' })
      .then((res) => (res.ok ? res.json() : null))
      .catch(() => null));
  }
  const strings = await cache.get(code);
  if (!strings || typeof strings !== 'object') {
    cache.delete(code);
    return null;
  }
  const meta = strings._meta || {};
  return {
    code,
    dir: meta.dir === 'rtl' ? 'rtl' : 'ltr',
    word: (key) => (typeof strings[key] === 'string' && strings[key] !== '' ? strings[key] : null),
  };
}
