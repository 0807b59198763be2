// Language catalogs: every key the pages use exists, non-empty, in every
// catalog present in web/src/i18n/, with the same {placeholders} as English;
// _meta is complete; exactly the 15 expected languages are there.
// Run: node --test web/tests/i18n.test.mjs   (no browser, no server)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LANGUAGES } from '../src/js/i18n.js';

const SRC = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'src');
const I18N = path.join(SRC, 'i18n');
const EXPECTED = ['fr', 'nl', 'de', 'en', 'ar', 'fa', 'prs', 'ps', 'ti', 'so', 'tr', 'uk', 'ru', 'es', 'pt-BR'];
const RTL = new Set(['ar', 'fa', 'prs', 'ps']);

function walk(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'vendor' && e.name !== 'node_modules') out.push(...walk(p));
    } else if (/\.(js|mjs|html)$/.test(e.name)) out.push(p);
  }
  return out;
}

// Keys are written literally: t('a.b') or data-i18n="a.b" (see js/i18n.js).
function usedKeys() {
  const keys = new Map();
  const patterns = [/\bt\(\s*'([^']+)'/g, /\bt\(\s*"([^"]+)"/g, /\bdata-i18n(?:-[a-z-]+)?="([^"]+)"/g];
  for (const file of walk(SRC)) {
    const text = fs.readFileSync(file, 'utf8');
    for (const re of patterns) {
      for (const m of text.matchAll(re)) {
        if (!keys.has(m[1])) keys.set(m[1], path.relative(SRC, file));
      }
    }
  }
  return keys;
}

function catalogs() {
  const out = new Map();
  for (const f of fs.readdirSync(I18N).filter((n) => n.endsWith('.json')).sort()) {
    out.set(f.slice(0, -5), fs.readFileSync(path.join(I18N, f), 'utf8'));
  }
  return out;
}

function parse(lang, text) {
  try {
    return JSON.parse(text);
  } catch (e) {
    assert.fail(`i18n/${lang}.json is not valid JSON: ${e.message}`);
  }
}

const placeholders = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',');

const USED = usedKeys();
const CATALOGS = catalogs();

test('the pages use translation keys (the scan works)', () => {
  assert.ok(USED.size > 100, `only ${USED.size} keys found`);
  for (const k of ['exit.button', 'start.new', 'receipt.code_label', 'back.err.bad_check']) {
    assert.ok(USED.has(k), `key ${k} not found by the scan`);
  }
});

test('exactly the 15 expected languages have a catalog', () => {
  const present = [...CATALOGS.keys()];
  const missing = EXPECTED.filter((l) => !CATALOGS.has(l));
  const extra = present.filter((l) => !EXPECTED.includes(l));
  assert.deepEqual(
    { missing, extra },
    { missing: [], extra: [] },
    `missing catalogs: ${missing.map((l) => `i18n/${l}.json`).join(', ') || 'none'}; ` +
      `unexpected catalogs: ${extra.join(', ') || 'none'}`,
  );
});

test('the language page lists exactly the expected languages', () => {
  assert.deepEqual(LANGUAGES.map((l) => l.code).sort(), [...EXPECTED].sort());
});

for (const [lang, text] of CATALOGS) {
  test(`i18n/${lang}.json: _meta`, () => {
    const cat = parse(lang, text);
    const meta = cat._meta;
    assert.equal(typeof meta, 'object', '_meta missing');
    assert.equal(typeof meta.name, 'string');
    assert.ok(meta.name.trim().length > 0, '_meta.name is empty');
    assert.equal(meta.dir, RTL.has(lang) ? 'rtl' : 'ltr', '_meta.dir');
    assert.equal(typeof meta.reviewed, 'boolean', '_meta.reviewed must be true or false');
    const listed = LANGUAGES.find((l) => l.code === lang);
    if (listed) {
      assert.equal(listed.name, meta.name, `js/i18n.js LANGUAGES name for ${lang} differs from _meta.name`);
      assert.equal(listed.dir, meta.dir, `js/i18n.js LANGUAGES dir for ${lang} differs from _meta.dir`);
    }
  });

  test(`i18n/${lang}.json: every key used by the pages, non-empty`, () => {
    const cat = parse(lang, text);
    const missing = [];
    const empty = [];
    for (const [key, file] of USED) {
      if (!(key in cat)) missing.push(`${key} (${file})`);
      else if (typeof cat[key] !== 'string' || cat[key].trim() === '') empty.push(key);
    }
    assert.deepEqual(missing, [], `${lang}: missing keys:\n  ${missing.join('\n  ')}`);
    assert.deepEqual(empty, [], `${lang}: empty values:\n  ${empty.join('\n  ')}`);
  });

  test(`i18n/${lang}.json: no stray keys, same placeholders as English`, () => {
    const cat = parse(lang, text);
    const en = parse('en', CATALOGS.get('en'));
    const stray = Object.keys(cat).filter((k) => k !== '_meta' && !(k in en));
    assert.deepEqual(stray, [], `${lang}: keys not in en.json: ${stray.join(', ')}`);
    const bad = Object.keys(en)
      .filter((k) => k !== '_meta' && typeof cat[k] === 'string')
      .filter((k) => placeholders(cat[k]) !== placeholders(en[k]));
    assert.deepEqual(bad, [], `${lang}: placeholders differ from English in: ${bad.join(', ')}`);
  });
}

test('en.json has no key the pages do not use', () => {
  const en = parse('en', CATALOGS.get('en'));
  const unused = Object.keys(en).filter((k) => k !== '_meta' && !USED.has(k));
  assert.deepEqual(unused, [], `unused keys in en.json: ${unused.join(', ')}`);
});
