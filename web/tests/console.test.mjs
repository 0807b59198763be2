// abri console in real Chromium: a listener's morning against the real
// abrid + PostgreSQL and a real `abri console` (started here, as the
// listener of tests/integration/web.sh: $ABRI_T/l1.conf without its
// passphrase_file, the passphrase typed from $ABRI_T/pass):
//   1. two reports made in the reporter app: one in Arabic with a photo and
//      a voice note, one in French wanting a call ("after 2 pm");
//   2. the morning, in French and again in English (each pass with its own
//      two reports, the labels from the console's catalogs): unlock, the
//      inbox (kind, language, contact wish, files), the whole form, the
//      photo shown, the voice note played, a reply from a template after
//      its preview (the reporter sees it verified), an internal note (the
//      reporter never sees it), coding from pick-lists with consent, a
//      referral without consent refused in words, a printed summary with
//      only the ticked fields, the written acknowledgement (preview, sign,
//      download, print: the signed French text beside the elements in
//      Arabic from the reporter app's own catalog, right to left), closing
//      (purge date); the person writes again and the closed case is flagged
//      in the inbox;
//   3. English console, keyboard only: lock, unlock, open a case from the
//      inbox, send an internal note, a reply from a template after its
//      preview, the coding with consent and a referral;
//   4. a message removed in PostgreSQL raises the alarm in plain words;
//   5. the idle lock (--idle-lock 3) brings back the unlock screen.
// axe-core finds nothing, and no stray "null", on the unlock screen, inbox,
// case page, composers, coding and acknowledgement; screenshots
// console-<lang>-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cli, launch, newPage, runAxe, screenshot, SCREENSHOTS } from './lib/browser.mjs';
import { canvasJpeg, chooseLanguage, fillForm, submit, comeBack } from './lib/flow.mjs';
import { REPORTER_LANGS, catalogCode } from '../console/js/person-words.js';
import { LANGUAGES } from '../src/js/i18n.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CATALOGS = path.join(HERE, '..', 'console', 'i18n');
const cat = (l) => JSON.parse(fs.readFileSync(path.join(CATALOGS, `${l}.json`), 'utf8'));
const FR = cat('fr');
const EN = cat('en');
const ROOT = path.join(HERE, '..', '..');
const json = (...p) => JSON.parse(fs.readFileSync(path.join(ROOT, ...p), 'utf8'));
// The reporter app's own catalog: the acknowledgement's elements in Arabic.
const AR = json('web', 'src', 'i18n', 'ar.json');
const TAXONOMY = json('conf', 'taxonomy.json');
const TEMPLATES = json('conf', 'console-templates.json');
const AR_REPORT = {
  kind: 'violence_domestic', when: 'month', where: 'في البيت، بروكسل', who: 'زوجي السابق',
  what: 'ضربني زوجي مرة أخرى. الصورة تظهر الكدمة.', wants: ['info', 'police'], contact: '',
};
const FR_REPORT = {
  kind: 'discrimination_housing', when: 'week', where: 'Schaerbeek', who: 'mon propriétaire',
  what: 'Le propriétaire refuse de réparer le chauffage depuis qu’il sait que je n’ai pas de papiers.',
  wants: ['contact', 'lawyer'], contact: 'after 2 pm',
};
const DESKTOP = { width: 1280, height: 800 };
const T = process.env.ABRI_T || '';
const PASS = T ? fs.readFileSync(path.join(T, 'pass'), 'utf8').replace(/\n$/, '') : '';

let browser;
const consoles = [];
const reports = {};

function sql(q) {
  return execFileSync('psql', [process.env.ABRI_DSN, '-v', 'ON_ERROR_STOP=1', '-Atq', '-c', q], {
    encoding: 'utf8',
  }).trim();
}

/** `abri console` as the test's listener; resolves with its start URL. */
function startConsole(extra = []) {
  const abri = (process.env.ABRI_CLI_L1 || '').split(/\s+/)[0];
  const conf = path.join(T, 'console.conf');
  if (!fs.existsSync(conf)) {
    // The console asks for the passphrase in the page, never from a file.
    const l1 = fs.readFileSync(path.join(T, 'l1.conf'), 'utf8');
    fs.writeFileSync(conf, l1.split('\n').filter((l) => !/^passphrase_file/.test(l)).join('\n'));
  }
  const proc = spawn(abri, ['--config', conf, 'console', '--no-browser', '--port', '0', ...extra],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  consoles.push(proc);
  let err = '';
  proc.stderr.on('data', (d) => { err += d; });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`abri console did not start: ${err}`)), 20000);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = /^abri console: (http:\/\/127\.0\.0\.1:(\d+))\/login#k=([A-Za-z0-9_-]{43})\n/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, base: m[1], url: `${m[1]}/login#k=${m[3]}`, stderr: () => err });
      }
    });
    proc.on('exit', (code) => reject(new Error(`abri console exited ${code}: ${err}`)));
  });
}

function stopConsole(c) {
  if (c && c.proc.exitCode === null) c.proc.kill('SIGTERM');
}

/** A listener's page: logged in with the one-time link, on the unlock screen. */
async function consolePage(c, lang) {
  const page = await newPage(browser, { lang, viewport: DESKTOP });
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') page.errors.push(m.text()); });
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  await page.goto(c.url);
  await page.waitForURL(`${c.base}/`);
  assert.ok(!page.url().includes('#k='), 'the secret left the address bar');
  await page.waitForSelector('.view-unlock #passphrase');
  return page;
}

async function unlock(page) {
  await page.locator('#passphrase').fill(PASS);
  await page.locator('.view-unlock button[type=submit]').click();
  await page.waitForSelector('.view-inbox h1');
}

// Every screen checked by axe is also checked for stray "null" or
// "undefined" text (a missing value written out by the DOM).
async function axeClean(page, what) {
  const stray = await page.evaluate(() => {
    const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const bad = [];
    for (let n = w.nextNode(); n; n = w.nextNode()) {
      if (/\b(null|undefined|NaN)\b/.test(n.nodeValue)) bad.push(n.nodeValue.trim().slice(0, 80));
    }
    return bad;
  });
  assert.deepEqual(stray, [], `${what}: stray text on the page`);
  const v = await runAxe(page);
  if (v.length > 0) {
    // Why each node fails (axe is loaded in the page by runAxe), and a
    // picture of the screen, for whoever reads the failure.
    await screenshot(page, `console-axe-failure-${what.replace(/\W+/g, '-')}`);
    const why = await page.evaluate(async () => (await globalThis.axe.run(document, { runOnly: { type: 'tag',
      values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } })).violations
      .flatMap((x) => x.nodes.map((n) => `${x.id} ${n.target.join(' ')}: ${n.failureSummary}`)));
    assert.fail(`${what}: axe violations ${JSON.stringify(v, null, 1)}\n${why.join('\n')}`);
  }
}

/** A screenshot of one part of the page (ABRI_SCREENSHOTS/<name>.png, if set). */
async function shotOf(locator, name) {
  if (!SCREENSHOTS) return;
  // Cut from the whole page scrolled to the top, where the sticky bar is
  // (an element screenshot scrolls it into view, the bar drawn over it).
  const page = locator.page();
  await page.evaluate(() => window.scrollTo(0, 0));
  const box = await locator.boundingBox();
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true, clip: box });
}

/** A catalog text as a pattern: {name} placeholders match vars[name]. */
function pattern(text, vars = {}) {
  return new RegExp(text.split(/(\{\w+\})/).map((part) => {
    const m = /^\{(\w+)\}$/.exec(part);
    return m && m[1] in vars ? vars[m[1]] : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }).join(''));
}
const anyOf = (...res) => new RegExp(res.map((r) => `(?:${r.source})`).join('|'));

/** The acknowledgement (preview or signed): the signed French text, and
 * beside it the elements in Arabic from the reporter app's own catalog
 * (web/src/i18n/ar.json), right to left; the console's words one click away. */
async function ackInArabic(ack, L, lang, ar, when) {
  const fr = ack.locator('.ack-cols .ack-text');
  assert.deepEqual([await fr.getAttribute('lang'), await fr.getAttribute('dir')], ['fr', 'ltr'], `${when}: French`);
  assert.ok((await fr.innerText()).includes('Accusé de réception'), `${when}: the signed text`);
  const theirs = ack.locator('.ack-cols .ack-person .ack-person-text');
  assert.deepEqual([await theirs.getAttribute('lang'), await theirs.getAttribute('dir')], ['ar', 'rtl'], `${when}: Arabic`);
  const words = await theirs.innerText();
  for (const w of [AR['ack.intro'], AR['ack.yours'], AR['ack.kind'],
    `${AR['form.kind.violence']}: ${AR['form.kind.violence_domestic']}`, AR['ack.context'], AR['ack.context.family'],
    AR['ack.when'], AR['form.when.month'], AR['ack.where'], ar.where, AR['ack.referrals'],
    AR['ack.referral.police'], AR['ack.listener'], AR['ack.meaning'], ar.ref]) {
    assert.ok(words.includes(w), `${when}: "${w}" in the Arabic: ${words}`);
  }
  // What the person declared (when, where) is marked: in Arabic if the app
  // has the words, else in the console's language, isolated from the Arabic.
  const mark = AR['ack.as_declared'] ? [AR['ack.as_declared'], null, null] : [L['ack.as_declared'], lang, 'ltr'];
  assert.deepEqual(await theirs.locator('.declared').evaluateAll((els) => els.map((e) => [e.textContent,
    e.getAttribute('lang'), e.getAttribute('dir')])), [mark, mark], `${when}: "as declared" twice`);
  const [a, b] = [await ack.locator('.ack-cols > .ack-fr').boundingBox(), await ack.locator('.ack-cols > .ack-person').boundingBox()];
  assert.ok(Math.abs(a.y - b.y) < 2 && a.x + a.width <= b.x, `${when}: side by side ${JSON.stringify([a, b])}`);
  const mine = ack.locator('.ack-person details.ack-mine');
  await mine.locator('summary', { hasText: L['ack.in_your_language'].replace('{lang}', L[`lang.${lang}`]) }).click();
  assert.ok((await mine.innerText()).includes(TAXONOMY.context.family[lang]), `${when}: the console's words`);
}

/** Presses Tab until the focused element matches; keyboard only. */
async function tabTo(page, selector, max = 120) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement && document.activeElement.matches(s), selector)) return;
  }
  throw new Error(`Tab never reached ${selector}`);
}

/** Presses Shift+Tab until the focused element matches; keyboard only. */
async function shiftTabTo(page, selector, max = 40) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Shift+Tab');
    if (await page.evaluate((s) => document.activeElement && document.activeElement.matches(s), selector)) return;
  }
  throw new Error(`Shift+Tab never reached ${selector}`);
}


/** The reporter app: questionnaire (with files when asked), submit, receipt. */
async function report(lang, r, withFiles) {
  const page = await newPage(browser, { lang, permissions: ['microphone'] });
  page.on('pageerror', (e) => console.error(`[reporter ${lang}] ${e.message}`));
  await page.goto('/');
  await page.waitForSelector('.view-lang h1');
  await chooseLanguage(page, lang);
  await fillForm(page, r);
  if (withFiles) {
    await page.waitForSelector('.view-form fieldset.attach:not([hidden])');
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.locator('.attach-add-photo').click()]);
    await chooser.setFiles({ name: 'photo.jpg', mimeType: 'image/jpeg', buffer: await canvasJpeg(page) });
    await page.waitForSelector('.attach-item.attach-photo');
    await page.locator('.attach-record').click();
    await page.waitForSelector('.attach-recorder:not([hidden])');
    await page.waitForTimeout(1500);
    await page.locator('.attach-stop').click();
    await page.waitForSelector('.attach-item.attach-voice audio');
  }
  await page.locator('.view-form button[type=submit]').click();
  await page.waitForSelector('.view-review h1');
  const receipt = await submit(page);
  await page.context().close();
  return { ...r, ...receipt, lang };
}

before(async () => {
  assert.ok(T, 'run through tests/integration/web.sh (ABRI_T)');
  browser = await launch({ fakeMedia: true });
  // For the keyboard, tamper and idle-lock tests (the mornings make their own).
  reports.ar = await report('ar', AR_REPORT, false);
  reports.fr = await report('fr', FR_REPORT, false);
});

after(async () => {
  for (const p of consoles) if (p.exitCode === null) p.kill('SIGTERM');
  await browser?.close();
});

// The listener's morning, in French and in English: each pass makes its
// own two reports, so that the passes do not meet.
for (const lang of ['fr', 'en']) test(`${lang === 'fr' ? 'French' : 'English'} console: inbox, the whole case, reply from a template, note, coding and referral, summary, acknowledgement in Arabic beside the French, closing`, async () => {
  const L = cat(lang);
  const ar = await report('ar', AR_REPORT, true);
  const fr = await report('fr', FR_REPORT, false);
  const c = await startConsole(['--lang', lang]);
  const page = await consolePage(c, lang);
  try {
    assert.equal(await page.locator('html').getAttribute('lang'), lang);
    await axeClean(page, `unlock (${lang})`);
    await screenshot(page, `console-${lang}-unlock`);

    // A wrong passphrase is told in words; the right one opens the inbox.
    await page.locator('#passphrase').fill('not the passphrase');
    await page.locator('.view-unlock button[type=submit]').click();
    await page.locator('.view-unlock .alert', { hasText: L['err.wrong_passphrase'] }).waitFor();
    await unlock(page);

    // The inbox: both cases with what matters for triage.
    await page.waitForFunction(() => !document.querySelector('.progress-line') ||
      document.querySelector('.progress-line').hidden, null, { timeout: 60000 });
    const rowAr = page.locator(`tr[data-ref="${ar.ref}"]`);
    const rowFr = page.locator(`tr[data-ref="${fr.ref}"]`);
    await rowAr.waitFor();
    const tAr = await rowAr.innerText();
    assert.ok(tAr.includes(L['lang.ar']), `language named in the console's language: ${tAr}`);
    assert.ok(tAr.includes(L['form.kind.violence_domestic']), `kind: ${tAr}`);
    assert.ok(tAr.includes(L['form.wants.police']), `wants: ${tAr}`);
    assert.match(tAr, pattern(L['inbox.week_of'], { date: '\\d{1,2} \\S+ \\d{4}' }), `week as a date: ${tAr}`);
    assert.equal(await rowAr.locator('img[alt*="photo"]').count(), 1, 'a photo icon with its text');
    assert.equal(await rowAr.locator(`img[alt="${L['inbox.voices'].replace('{n}', '1')}"]`).count(), 1, 'a voice icon with its text');
    const tFr = await rowFr.innerText();
    assert.ok(tFr.includes(L['lang.fr']) && tFr.includes('after 2 pm') && tFr.includes(L['inbox.contact_yes']),
      `contact wish: ${tFr}`);
    assert.ok(tFr.includes(L['form.kind.discrimination_housing']));
    await axeClean(page, `inbox (${lang})`);
    await screenshot(page, `console-${lang}-inbox`);

    // Local search.
    await page.locator('#f-q').fill('chauffage');
    await page.locator('.filters button[type=submit]').click();
    await page.waitForFunction((r) => !document.querySelector(`tr[data-ref="${r}"]`), ar.ref);
    assert.equal(await rowFr.count(), 1, 'the search finds the French case');
    await page.locator('#f-q').fill('');
    await page.locator('.filters button[type=submit]').click();
    await rowAr.waitFor();

    // The Arabic case: the whole form, as written.
    await rowAr.locator('a.ref').click();
    await page.waitForSelector('.view-case .report');
    const form = page.locator('.report');
    const formText = await form.innerText();
    for (const k of ['form.label.kind', 'form.label.when', 'form.label.where', 'form.label.who', 'form.label.what',
      'form.label.wants', 'form.label.contact']) assert.ok(formText.includes(L[k]), `label ${k}`);
    const blocks = await form.locator('.person-text').evaluateAll((els) => els.map((e) => ({
      text: e.textContent, dir: e.getAttribute('dir'), bdi: e.querySelectorAll('bdi').length,
    })));
    for (const s of [ar.where, ar.who, ar.what]) {
      assert.ok(blocks.some((b) => b.text === s && b.dir === 'auto' && b.bdi === 1),
        `as written, dir=auto, isolated: ${s} in ${JSON.stringify(blocks)}`);
    }
    assert.ok(formText.includes(L['report.lang'].replace('{lang}', L['lang.ar'])), 'the person\'s language named');
    assert.ok(formText.includes(L['form.when.month']) && formText.includes(L['form.kind.violence_domestic']));

    // The photo is shown; the voice note plays.
    const img = form.locator('img.photo');
    await img.waitFor();
    await page.waitForFunction(() => document.querySelector('img.photo').complete);
    assert.ok(await img.evaluate((i) => i.naturalWidth) > 0, 'the photo is decoded');
    const played = await page.evaluate(async () => {
      const a = document.querySelector('.att-voice audio');
      a.muted = true;
      await a.play();
      await new Promise((r) => { setTimeout(r, 300); });
      a.pause();
      return { t: a.currentTime, d: a.duration };
    });
    assert.ok(played.t > 0, `the voice note plays (${JSON.stringify(played)})`);
    await axeClean(page, `case page (${lang})`);
    await screenshot(page, `console-${lang}-case`);

    // A reply from a template: the person's language, its meaning in the console's beside it, preview, send.
    const reply = page.locator('.composer-reply');
    assert.ok((await reply.innerText()).includes(L['reply.lang'].replace('{lang}', L['lang.ar'])));
    await page.locator('#reply-tpl').selectOption('received');
    await reply.getByRole('button', { name: L['reply.tpl_use'] }).click();
    const filled = await page.locator('#reply-text').inputValue();
    assert.equal(filled, TEMPLATES.templates.received.text.ar, 'the Arabic text of the template');
    assert.ok((await reply.locator('.tpl-meaning').innerText()).includes(TEMPLATES.templates.received.text[lang]), 'its meaning beside it, in the console\'s language');
    const replyText = `${filled} (${Date.now()})`;
    await page.locator('#reply-text').fill(replyText);
    await axeClean(page, `composers (${lang})`);
    await reply.getByRole('button', { name: L['reply.preview'] }).click();
    const dlg = page.locator('dialog.dialog-reply');
    await dlg.waitFor();
    assert.ok((await dlg.innerText()).includes(replyText), 'the preview shows exactly the text');
    assert.ok((await dlg.innerText()).includes(L['lang.ar']));
    await axeClean(page, `reply preview (${lang})`);
    await screenshot(page, `console-${lang}-preview`);
    await dlg.getByRole('button', { name: L['reply.send'] }).click();
    await page.locator('.flash', { hasText: L['reply.sent'] }).waitFor({ timeout: 60000 });
    await page.locator('.msg-reply', { hasText: replyText }).waitFor();

    // An internal note.
    const noteText = `Internal note ${lang} ${Date.now()}: call the interpreter.`;
    await page.locator('#note-text').fill(noteText);
    await page.locator('.composer-note').getByRole('button', { name: L['note.save'] }).click();
    await page.locator('.flash', { hasText: L['note.saved'] }).waitFor({ timeout: 60000 });
    assert.equal(await page.locator('.msg-note', { hasText: noteText }).locator('.badge-note').count(), 1, 'marked internal');

    // Coding: pick-lists in the console's language, consent beside what the person asked for.
    const coding = page.locator('#coding');
    assert.ok((await page.locator('#c-kind option[value="violence.domestic"]').innerText()).includes(TAXONOMY.kind['violence.domestic'][lang]));
    assert.ok((await coding.locator('tr[data-referral=police]').innerText()).includes(L['form.wants.police']),
      'the person asked for the police: shown beside its consent box');
    assert.equal(await page.locator('#referred-police').isDisabled(), true, '"referred" waits for consent');
    await page.locator('#c-kind').selectOption('violence.domestic');
    await page.locator('#c-context').selectOption('family');
    await page.locator('#c-interpreter').selectOption('ar');
    await page.locator('#c-outcome').selectOption('ongoing');
    await coding.getByLabel(L['coding.listened']).check();
    await coding.getByLabel(L['coding.informed']).check();
    await page.locator('#consent-police').check();
    assert.equal(await page.locator('#referred-police').isDisabled(), false);
    await page.locator('#referred-police').check();
    // A referral without consent, forced past the page: abri refuses it, in words.
    await page.evaluate(() => {
      const x = document.getElementById('referred-shelter');
      x.disabled = false;
      x.checked = true;
    });
    await coding.getByRole('button', { name: L['coding.save'] }).click();
    await coding.locator('.alert', { hasText: L['err.referral_without_consent'] }).waitFor({ timeout: 60000 });
    await page.evaluate(() => { document.getElementById('referred-shelter').checked = false; });
    await axeClean(page, `coding (${lang})`);
    await screenshot(page, `console-${lang}-coding`);
    await coding.getByRole('button', { name: L['coding.save'] }).click();
    await page.locator('.flash', { hasText: L['coding.saved'] }).waitFor({ timeout: 60000 });
    assert.equal(await page.locator('#referred-police').isChecked(), true, 'the coding is read back');

    // A printed summary for the police: only the ticked fields.
    await page.evaluate(() => {
      window.printed = [];
      window.print = () => window.printed.push(document.getElementById('print-area').innerText);
    });
    await page.locator('tr[data-referral=police]').getByRole('button', { name: L['coding.print_summary'] }).click();
    const sum = page.locator('dialog .summary-pick');
    await sum.waitFor();
    assert.ok((await sum.innerText()).includes(L['summary.nothing_sent']), 'abri sends nothing: said');
    await sum.getByLabel(L['form.label.kind']).check();
    await sum.getByLabel(L['form.label.what']).check();
    await sum.getByRole('button', { name: L['summary.print'] }).click();
    const printed = await page.evaluate(() => window.printed);
    assert.equal(printed.length, 1);
    assert.ok(printed[0].includes(ar.what) && printed[0].includes(L['form.kind.violence_domestic']), printed[0]);
    for (const absent of [ar.where, ar.who, ar.ref, L['form.label.where']]) {
      assert.ok(!printed[0].includes(absent), `not ticked, not printed: ${absent}`);
    }
    await page.emulateMedia({ media: 'print' });
    const visible = await page.evaluate(() => document.body.innerText);
    assert.ok(visible.includes(ar.what) && !visible.includes(ar.ref) && !visible.includes(L['coding.heading']),
      'print media shows the summary only');
    await screenshot(page, `console-${lang}-summary-print`);
    await page.emulateMedia({ media: 'screen' });

    // The written acknowledgement: prepare; the French text beside the
    // elements in Arabic, in the words of the person's app; sign, download, print.
    const ack = page.locator('#ack');
    await ack.getByRole('button', { name: L['ack.prepare'] }).click();
    await ack.locator('.ack-text').waitFor({ timeout: 60000 });
    await ackInArabic(ack, L, lang, ar, 'preview');
    await axeClean(page, `acknowledgement preview (${lang})`);
    await screenshot(page, `console-${lang}-ack`);
    await shotOf(ack, `console-${lang}-ack-section`);
    await ack.getByRole('button', { name: L['ack.sign'] }).click();
    await ack.locator('.flash', { hasText: L['ack.sent'] }).waitFor({ timeout: 60000 });
    await ackInArabic(ack, L, lang, ar, 'signed');
    await axeClean(page, `acknowledgement signed (${lang})`);
    await shotOf(ack, `console-${lang}-ack-sent`);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      ack.getByRole('button', { name: L['ack.save'].replace('{name}', `ack-${ar.ref}.json`) }).click(),
    ]);
    assert.equal(download.suggestedFilename(), `ack-${ar.ref}.json`);
    const file = JSON.parse(fs.readFileSync(await download.path(), 'utf8'));
    assert.equal(file.abri_ack, 1);
    await ack.getByRole('button', { name: L['ack.print'] }).click();
    const ackPrinted = (await page.evaluate(() => window.printed))[1];
    assert.ok(ackPrinted.includes('Accusé de réception') && ackPrinted.includes(AR['ack.context.family']) &&
      ackPrinted.includes(AR['ack.intro']), `the print: the French and the Arabic: ${ackPrinted}`);
    assert.ok(!ackPrinted.includes(L['ack.in_your_language'].replace('{lang}', L[`lang.${lang}`])),
      'the print holds what the person is given, not the listener\'s help');
    await page.emulateMedia({ media: 'print' });
    const ackPaper = await page.evaluate(() => document.body.innerText);
    assert.ok(ackPaper.includes(AR['ack.context.family']) && !ackPaper.includes(L['coding.heading']),
      'print media shows the acknowledgement only');
    await screenshot(page, `console-${lang}-ack-print`);
    await page.emulateMedia({ media: 'screen' });

    // Closing: the consequence in words, then the purge date.
    await page.locator('.state-box').getByRole('button', { name: L['state.do_close'] }).click();
    const cdlg = page.locator('dialog');
    await cdlg.waitFor();
    assert.match(await cdlg.innerText(), anyOf(pattern(L['state.close_text'], { days: '\\d+' }), pattern(L['state.close_text_nodays'])));
    await axeClean(page, `close dialog (${lang})`);
    await cdlg.getByRole('button', { name: L['state.close_confirm'] }).click();
    await page.locator('.flash', { hasText: anyOf(pattern(L['state.closed_done'], { date: '.+' }), pattern(L['state.closed_done_nodate'])) }).waitFor({ timeout: 60000 });
    assert.equal(await page.locator('.state-box .state').innerText(), L['state.closed']);

    // The reporter: the reply verified, never the note; then writes again.
    const rep = await newPage(browser, { lang: 'ar' });
    await comeBack(rep, 'ar', ar.token);
    const theirs = rep.locator('.message', { hasText: replyText });
    await theirs.waitFor();
    assert.equal(await theirs.locator('.badge.good').count(), 1, 'the reply is verified in the reporter\'s browser');
    assert.ok(!(await rep.locator('body').innerText()).includes(noteText), 'the internal note is never shown to the person');
    await rep.locator('#followup').fill('أريد أن أتكلم مع أحد من فضلكم');
    await rep.locator('.view-case form.write button[type=submit]').click();
    await rep.locator('.message.mine', { hasText: 'أريد أن أتكلم' }).waitFor({ timeout: 60000 });
    await rep.context().close();

    // The inbox flags the closed case with a new message.
    await page.locator('a.back').click();
    await page.waitForSelector('.view-inbox h1');
    // (abri keeps abrid's list for 30 s: "Show" asks again.)
    await page.locator('#f-attention').check();
    const flag = page.locator(`tr[data-ref="${ar.ref}"] .badge`, { hasText: L['inbox.closed_new'] });
    for (let i = 0; i < 30 && await flag.count() === 0; i++) {
      await page.waitForTimeout(2000);
      await page.locator('.filters button[type=submit]').click();
      await page.waitForSelector('.view-inbox h1');
    }
    await flag.waitFor({ timeout: 5000 });
    assert.ok((await page.locator(`tr[data-ref="${ar.ref}"]`).innerText()).includes(L['state.closed']));
    await screenshot(page, `console-${lang}-inbox-flagged`);

    // Nothing read in the console is kept by the browser (docs/console.md):
    // no storage, the session cookie out of the page's reach (HttpOnly), no
    // cache entry.
    const kept = await page.evaluate(async () => ({
      local: localStorage.length,
      session: sessionStorage.length,
      cookie: document.cookie,
      caches: (await caches.keys()).length,
      idb: indexedDB.databases ? (await indexedDB.databases()).length : 0,
    }));
    assert.deepEqual(kept, { local: 0, session: 0, cookie: '', caches: 0, idb: 0 }, 'the browser keeps nothing');
    assert.deepEqual(await page.evaluate(() => window.__csp), [], 'no CSP violation');
    assert.deepEqual(page.errors.filter((e) => !/Failed to load resource/.test(e)), [], 'no page error');
  } finally {
    await page.context().close();
    stopConsole(c);
  }
});

test('English console, keyboard only: lock, unlock, open a case from the inbox, send an internal note, a reply from a template after preview, the coding with consent; alarm after tampering', async () => {
  const c = await startConsole(['--lang', 'en']);
  const page = await consolePage(c, 'en');
  try {
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    // Unlock: the passphrase field has focus; type and Enter.
    assert.equal(await page.evaluate(() => document.activeElement.id), 'passphrase');
    await page.keyboard.type(PASS);
    await page.keyboard.press('Enter');
    await page.waitForSelector('.view-inbox h1');
    await axeClean(page, 'inbox (en)');

    // "Lock now", from the keyboard, then unlock again.
    await tabTo(page, '#lock-btn');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.view-unlock #passphrase');
    assert.equal(await page.locator('.view-inbox').count(), 0, 'nothing of the inbox is left');
    await axeClean(page, 'unlock (en)');
    await page.keyboard.type(PASS);
    await page.keyboard.press('Enter');
    await page.waitForSelector('.view-inbox h1');

    // Open the French case from the inbox with Tab and Enter.
    const fr = reports.fr;
    await tabTo(page, `tr[data-ref="${fr.ref}"] a.ref`);
    await page.keyboard.press('Enter');
    await page.waitForSelector('.view-case .report');
    assert.ok((await page.locator('.report').innerText()).includes('after 2 pm'));
    assert.ok((await page.locator('.report').innerText()).includes(EN['report.lang'].replace('{lang}', EN['lang.fr'])));
    await axeClean(page, 'case page (en, keyboard)');
    await screenshot(page, 'console-en-keyboard-case');

    // An internal note, keyboard only: the "Internal note" jump, the field, the button.
    const noteText = `Keyboard note ${Date.now()}`;
    await tabTo(page, '#note-text');
    await page.keyboard.type(noteText);
    await page.keyboard.press('Tab');
    assert.ok(await page.evaluate(() => document.activeElement.classList.contains('btn-note')), 'the save button is next');
    await page.keyboard.press('Enter');
    await page.locator('.flash', { hasText: EN['note.saved'] }).waitFor({ timeout: 60000 });
    await page.locator('.msg-note', { hasText: noteText }).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement.classList.contains('flash')), true,
      'focus moves to the confirmation');

    // A reply from a template, keyboard only: the list (arrow keys), "Use
    // this template", "Preview", then from the dialog's "Back to the text"
    // (which has focus) Shift+Tab to "Send to the person".
    await tabTo(page, '#reply-tpl');
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.locator('#reply-tpl').inputValue(), 'received');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'reply-text', 'the text has focus');
    assert.ok((await page.locator('#reply-text').inputValue()).length > 20, 'the template filled the text');
    await tabTo(page, '.composer-reply .actions button');
    await page.keyboard.press('Enter');
    await page.locator('dialog[open] .btn-send').waitFor();
    await shiftTabTo(page, 'dialog[open] .btn-send');
    await page.keyboard.press('Enter');
    await page.locator('.flash', { hasText: EN['reply.sent'] }).waitFor({ timeout: 60000 });

    // The coding, keyboard only: each list with the arrow keys, consent and
    // referral with Space, "Save the coding" with Enter.
    for (const sel of ['#c-kind', '#c-context', '#c-interpreter', '#c-outcome']) {
      await tabTo(page, sel);
      await page.keyboard.press('ArrowDown');
      assert.notEqual(await page.locator(sel).inputValue(), '', `${sel} chosen from the keyboard`);
    }
    await tabTo(page, '#consent-legal_aid');
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'referred-legal_aid', 'referral box reachable once consent is ticked');
    await page.keyboard.press('Space');
    await tabTo(page, '.coding-form button[type=submit]');
    await page.keyboard.press('Enter');
    await page.locator('.flash', { hasText: EN['coding.saved'] }).waitFor({ timeout: 60000 });
    const coded = JSON.parse(cli(['show', fr.ref, '--json']));
    assert.deepEqual(coded.coding.journey.referred, ['legal_aid'], 'the coding made from the keyboard');
    assert.ok(coded.messages.some((m) => m.kind === 'reply' && m.verified), 'the reply sent from the keyboard');

    // Tampering: the last message written disappears from PostgreSQL.
    const pos = Number(sql(`select max(pos) from envelopes where case_ref = '${fr.ref}'`));
    assert.ok(pos >= 2);
    sql(`delete from envelopes where case_ref = '${fr.ref}' and pos = ${pos}`);
    await page.reload();
    await page.waitForSelector('.view-case');
    const alarm = page.locator('.alarm-box');
    await alarm.waitFor();
    const words = await alarm.innerText();
    assert.ok(words.includes(EN['alarm.heading']), words);
    assert.ok(words.includes(EN['alarm.disappeared']) || words.includes(EN['alarm.own_disappeared']), words);
    assert.ok(words.includes(EN['alarm.advice']), words);
    assert.ok(!/\b(disappeared|own_disappeared|missing)\b(?! )/.test(words.replace(EN['alarm.disappeared'], '')), 'no bare codes');
    await axeClean(page, 'alarm (en)');
    await screenshot(page, 'console-en-alarm');
    assert.deepEqual(await page.evaluate(() => window.__csp), [], 'no CSP violation');
  } finally {
    await page.context().close();
    stopConsole(c);
  }
});

test('the idle lock brings back the unlock screen, keeping nothing', async () => {
  const c = await startConsole(['--idle-lock', '3', '--lang', 'en']);
  const page = await consolePage(c, 'en');
  try {
    await unlock(page);
    await page.locator(`tr[data-ref="${reports.ar.ref}"] a.ref`).click();
    await page.waitForSelector('.view-case .report');
    await page.locator('#note-text').fill('typed but not saved');
    await page.waitForSelector('.view-unlock #passphrase', { timeout: 15000 });
    assert.equal(await page.locator('.view-case').count(), 0, 'the case is gone from the page');
    assert.ok(!(await page.locator('body').innerText()).includes('typed but not saved'));
    assert.equal(await page.locator('#lock-btn').isHidden(), true);
    await screenshot(page, 'console-en-idle-locked');
  } finally {
    await page.context().close();
    stopConsole(c);
  }
});

test('the console catalogs (fr, nl, en) have the same keys and hold every key the pages use', () => {
  const keys = (o) => Object.keys(o).sort();
  const NL = cat('nl');
  assert.deepEqual(keys(FR), keys(EN), 'fr and en');
  assert.deepEqual(keys(NL), keys(EN), 'nl and en');
  const dir = path.join(HERE, '..', 'console');
  const used = new Set();
  for (const f of fs.readdirSync(path.join(dir, 'js'))) {
    const src = fs.readFileSync(path.join(dir, 'js', f), 'utf8');
    for (const m of src.matchAll(/\bt\('([a-z0-9_.-]+)'/gi)) used.add(m[1]);
  }
  for (const f of ['index.html']) {
    for (const m of fs.readFileSync(path.join(dir, f), 'utf8').matchAll(/data-i18n="([^"]+)"/g)) used.add(m[1]);
  }
  for (const k of used) for (const [n, c] of [['en', EN], ['fr', FR], ['nl', NL]]) assert.ok(k in c, `${n}: ${k}`);
  // Codes from the API are looked up by prefix: every alarm code of docs/console-api.md has words.
  for (const a of ['disappeared', 'own_disappeared', 'missing', 'moved', 'replayed', 'reordered', 'altered',
    'withheld', 'forged', 'unknown_author', 'not_listeners', 'unreadable', 'wrong_deployment', 'list_problem',
    'bad_kind', 'unverifiable', 'wrong_reporter', 'list_changed']) assert.ok(`alarm.${a}` in EN, a);
  for (const s of ['new', 'open', 'closed', 'erased']) assert.ok(`state.${s}` in EN && `state_help.${s}` in EN, s);
  for (const l of 'ar de en es fa fr nl prs ps pt-BR ru so ti tr uk'.split(' ')) assert.ok(`lang.${l}` in EN, l);
});

test("the acknowledgement in the person's language: the reporter app's languages and words", () => {
  assert.deepEqual(REPORTER_LANGS, LANGUAGES.map((l) => l.code), 'the console knows the reporter app\'s languages');
  for (const [tag, code] of [['ar', 'ar'], ['fa', 'fa'], ['fa-AF', 'prs'], ['prs', 'prs'], ['ti', 'ti'],
    ['ti-ER', 'ti'], ['pt-BR', 'pt-BR'], ['pt', 'pt-BR'], ['PT-pt', 'pt-BR'], ['ar-MA', 'ar'], ['ln', null], ['', null],
    [null, null]]) assert.equal(catalogCode(tag), code, `report lang ${tag}`);
  // Every word ack.js reads from the reporter catalogs, for every code of
  // the taxonomy and the form, is in every catalog.
  const src = fs.readFileSync(path.join(HERE, '..', 'console', 'js', 'ack.js'), 'utf8');
  const keys = new Set([...src.matchAll(/\bword\('([a-z0-9_.]+)'\)/g)].map((m) => m[1]));
  assert.ok(keys.has('ack.context') && keys.has('ack.intro'), [...keys].join(' '));
  for (const k of Object.keys(TAXONOMY.kind)) {
    keys.add(`form.kind.${k.replace('.', '_')}`);
    keys.add(`form.kind.${k.split('.')[0]}`);
  }
  for (const c of Object.keys(TAXONOMY.context)) keys.add(`ack.context.${c}`);
  for (const r of Object.keys(TAXONOMY.referral)) keys.add(`ack.referral.${r}`);
  for (const w of ['week', 'month', 'year', 'earlier']) keys.add(`form.when.${w}`);
  keys.delete('ack.as_declared'); // optional: the console's words when absent
  for (const code of REPORTER_LANGS) {
    const c = json('web', 'src', 'i18n', `${code}.json`);
    for (const k of keys) assert.ok(typeof c[k] === 'string' && c[k] !== '', `${code}.json: ${k}`);
  }
});
