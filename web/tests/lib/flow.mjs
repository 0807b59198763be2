// The reporter's steps in the browser, shared by the browser tests
// (flow.test.mjs, erase.test.mjs): open the app, choose a language, fill the
// questionnaire, submit, come back with the token.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { newPage } from './browser.mjs';

const I18N = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'i18n');

/** A language catalog as the app reads it (web/src/i18n/<lang>.json). */
export const catalog = (lang) => JSON.parse(fs.readFileSync(path.join(I18N, `${lang}.json`), 'utf8'));

/** A fresh page on the app's first view (the language list). */
export async function open(browser, lang, opts = {}) {
  const page = await newPage(browser, { lang, ...opts });
  page.on('pageerror', (e) => console.error(`[page ${lang}] ${e.message}`));
  await page.goto('/');
  await page.waitForSelector('.view-lang h1');
  return page;
}

export async function chooseLanguage(page, lang) {
  await page.locator(`.lang-btn[lang="${lang}"]`).click();
  await page.waitForSelector('.view-start h1');
  await page.waitForFunction(() => document.documentElement.dataset.crypto === 'ready', null,
    { timeout: 30000 });
}

/** From the start page, the questionnaire's fields filled (not sent). */
export async function fillForm(page, r) {
  await page.locator('.view-start .btn.primary').click();
  await page.waitForSelector('.view-form h1');
  await page.locator(`input[name=kind][value=${r.kind}]`).check();
  await page.locator(`input[name=when][value=${r.when}]`).check();
  await page.locator('input[name=where]').fill(r.where);
  await page.locator('input[name=who]').fill(r.who);
  await page.locator('textarea[name=what]').fill(r.what);
  for (const w of r.wants) await page.locator(`input[name=wants][value=${w}]`).check();
  await page.locator('textarea[name=contact]').fill(r.contact || '');
}

/** The questionnaire filled, then on to the review page. */
export async function fillQuestionnaire(page, r) {
  await fillForm(page, r);
  await page.locator('.view-form button[type=submit]').click();
  await page.waitForSelector('.view-review h1');
}

/** A small JPEG drawn by the browser's canvas (64×48, left red, right blue). */
export async function canvasJpeg(page) {
  return Buffer.from(await page.evaluate(async () => {
    const c = document.createElement('canvas');
    c.width = 64;
    c.height = 48;
    const g = c.getContext('2d');
    g.fillStyle = '#c00';
    g.fillRect(0, 0, 32, 48);
    g.fillStyle = '#00c';
    g.fillRect(32, 0, 32, 48);
    const blob = await new Promise((r) => { c.toBlob(r, 'image/jpeg', 0.92); });
    return Array.from(new Uint8Array(await blob.arrayBuffer()));
  }));
}

/** Encrypt and send from the review page; returns {token, ref} from the receipt. */
export async function submit(page) {
  await page.locator('.view-review .btn.primary').click();
  await page.waitForSelector('.view-receipt h1', { timeout: 60000 });
  const token = (await page.locator('.view-receipt .token').innerText()).replace(/\s/g, '');
  assert.match(token, /^\d{24}$/);
  const ref = (await page.locator('#case-ref').innerText()).trim();
  assert.match(ref, /^[0-9A-Z]{10}$/);
  assert.equal(await page.locator('#proof-status.ok').count(), 1, 'proof of receipt verified');
  return { token, ref };
}

/** A later visit: the app starts from scratch (nothing was stored); type the token. */
export async function typeToken(page, lang, typed) {
  await page.goto('/');
  await page.waitForSelector('.view-lang h1');
  await chooseLanguage(page, lang);
  await page.locator('.view-start .actions .btn:not(.primary)').click();
  await page.waitForSelector('.view-back h1');
  await page.locator('#token-input').fill(typed);
  await page.locator('.view-back button[type=submit]').click();
}

/** Come back with the token and wait for the case page with its messages. */
export async function comeBack(page, lang, typed) {
  await typeToken(page, lang, typed);
  await page.waitForSelector('.view-case h1', { timeout: 60000 });
  await page.waitForSelector('.messages .message');
}
