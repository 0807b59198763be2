// abri console in real Chromium: a listener's morning against the real
// abrid + PostgreSQL and a real `abri console` (started here, as the
// listener of tests/integration/web.sh: $ABRI_T/l1.conf without its
// passphrase_file, the passphrase typed from $ABRI_T/pass):
//   1. two reports made in the reporter app: one in Arabic with a photo and
//      a voice note, one in French wanting a call ("after 2 pm");
//   2. French console: unlock, the inbox (kind, language, contact wish,
//      files), the whole form, the photo shown, the voice note played, a
//      reply from a template after its preview (the reporter sees it
//      verified), an internal note (the reporter never sees it), coding
//      from pick-lists with consent, a referral without consent refused in
//      words, a printed summary with only the ticked fields, the written
//      acknowledgement (preview, sign, download), closing (purge date); the
//      person writes again and the closed case is flagged in the inbox;
//   3. English console, keyboard only: lock, unlock, open a case from the
//      inbox, send an internal note;
//   4. a message removed in PostgreSQL raises the alarm in plain words;
//   5. the idle lock (--idle-lock 3) brings back the unlock screen.
// axe-core finds nothing on the unlock screen, inbox, case page, composers,
// coding and acknowledgement; screenshots console-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, newPage, runAxe, screenshot } from './lib/browser.mjs';
import { chooseLanguage, submit, comeBack } from './lib/flow.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CATALOGS = path.join(HERE, '..', 'console', 'i18n');
const cat = (l) => JSON.parse(fs.readFileSync(path.join(CATALOGS, `${l}.json`), 'utf8'));
const FR = cat('fr');
const EN = cat('en');
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
  assert.deepEqual(v, [], `${what}: axe violations ${JSON.stringify(v, null, 1)}`);
}

/** Presses Tab until the focused element matches; keyboard only. */
async function tabTo(page, selector, max = 120) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement && document.activeElement.matches(s), selector)) return;
  }
  throw new Error(`Tab never reached ${selector}`);
}

/** A small JPEG drawn by the browser's canvas. */
async function canvasJpeg(page) {
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

/** The reporter app: questionnaire (with files when asked), submit, receipt. */
async function report(lang, r, withFiles) {
  const page = await newPage(browser, { lang, permissions: ['microphone'] });
  page.on('pageerror', (e) => console.error(`[reporter ${lang}] ${e.message}`));
  await page.goto('/');
  await page.waitForSelector('.view-lang h1');
  await chooseLanguage(page, lang);
  await page.locator('.view-start .btn.primary').click();
  await page.waitForSelector('.view-form h1');
  await page.locator(`input[name=kind][value=${r.kind}]`).check();
  await page.locator(`input[name=when][value=${r.when}]`).check();
  await page.locator('input[name=where]').fill(r.where);
  await page.locator('input[name=who]').fill(r.who);
  await page.locator('textarea[name=what]').fill(r.what);
  for (const w of r.wants) await page.locator(`input[name=wants][value=${w}]`).check();
  await page.locator('textarea[name=contact]').fill(r.contact || '');
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
  reports.ar = await report('ar', {
    kind: 'violence_domestic', when: 'month', where: 'في البيت، بروكسل', who: 'زوجي السابق',
    what: 'ضربني زوجي مرة أخرى. الصورة تظهر الكدمة.', wants: ['info', 'police'], contact: '',
  }, true);
  reports.fr = await report('fr', {
    kind: 'discrimination_housing', when: 'week', where: 'Schaerbeek', who: 'mon propriétaire',
    what: 'Le propriétaire refuse de réparer le chauffage depuis qu’il sait que je n’ai pas de papiers.',
    wants: ['contact', 'lawyer'], contact: 'after 2 pm',
  }, false);
});

after(async () => {
  for (const p of consoles) if (p.exitCode === null) p.kill('SIGTERM');
  await browser?.close();
});

test('French console: inbox, the whole case, reply from a template, note, coding and referral, summary, acknowledgement, closing', async () => {
  const c = await startConsole(['--lang', 'fr']);
  const page = await consolePage(c, 'fr');
  try {
    assert.equal(await page.locator('html').getAttribute('lang'), 'fr');
    await axeClean(page, 'unlock (fr)');
    await screenshot(page, 'console-fr-unlock');

    // A wrong passphrase is told in words; the right one opens the inbox.
    await page.locator('#passphrase').fill('not the passphrase');
    await page.locator('.view-unlock button[type=submit]').click();
    await page.locator('.view-unlock .alert', { hasText: FR['err.wrong_passphrase'] }).waitFor();
    await unlock(page);

    // The inbox: both cases with what matters for triage.
    const ar = reports.ar;
    const fr = reports.fr;
    await page.waitForFunction(() => !document.querySelector('.progress-line') ||
      document.querySelector('.progress-line').hidden, null, { timeout: 60000 });
    const rowAr = page.locator(`tr[data-ref="${ar.ref}"]`);
    const rowFr = page.locator(`tr[data-ref="${fr.ref}"]`);
    await rowAr.waitFor();
    const tAr = await rowAr.innerText();
    assert.ok(tAr.includes(FR['lang.ar']), `language named in French: ${tAr}`);
    assert.ok(tAr.includes(FR['form.kind.violence_domestic']), `kind: ${tAr}`);
    assert.ok(tAr.includes(FR['form.wants.police']), `wants: ${tAr}`);
    assert.match(tAr, /semaine du \d{1,2} \S+ \d{4}/, `week as a date: ${tAr}`);
    assert.equal(await rowAr.locator('img[alt*="photo"]').count(), 1, 'a photo icon with its text');
    assert.equal(await rowAr.locator(`img[alt="${FR['inbox.voices'].replace('{n}', '1')}"]`).count(), 1, 'a voice icon with its text');
    const tFr = await rowFr.innerText();
    assert.ok(tFr.includes(FR['lang.fr']) && tFr.includes('after 2 pm') && tFr.includes(FR['inbox.contact_yes']),
      `contact wish: ${tFr}`);
    assert.ok(tFr.includes(FR['form.kind.discrimination_housing']));
    await axeClean(page, 'inbox (fr)');
    await screenshot(page, 'console-fr-inbox');

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
      'form.label.wants', 'form.label.contact']) assert.ok(formText.includes(FR[k]), `label ${k}`);
    const blocks = await form.locator('.person-text').evaluateAll((els) => els.map((e) => ({
      text: e.textContent, dir: e.getAttribute('dir'), bdi: e.querySelectorAll('bdi').length,
    })));
    for (const s of [ar.where, ar.who, ar.what]) {
      assert.ok(blocks.some((b) => b.text === s && b.dir === 'auto' && b.bdi === 1),
        `as written, dir=auto, isolated: ${s} in ${JSON.stringify(blocks)}`);
    }
    assert.ok(formText.includes(FR['report.lang'].replace('{lang}', FR['lang.ar'])), 'the person\'s language named');
    assert.ok(formText.includes(FR['form.when.month']) && formText.includes(FR['form.kind.violence_domestic']));

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
    await axeClean(page, 'case page (fr)');
    await screenshot(page, 'console-fr-case');

    // A reply from a template: the person's language, the French beside it, preview, send.
    const reply = page.locator('.composer-reply');
    assert.ok((await reply.innerText()).includes(FR['reply.lang'].replace('{lang}', FR['lang.ar'])));
    await page.locator('#reply-tpl').selectOption('received');
    await reply.getByRole('button', { name: FR['reply.tpl_use'] }).click();
    const filled = await page.locator('#reply-text').inputValue();
    const tpl = JSON.parse(fs.readFileSync(path.join(HERE, '..', '..', 'conf', 'console-templates.json'), 'utf8'));
    assert.equal(filled, tpl.templates.received.text.ar, 'the Arabic text of the template');
    assert.ok((await reply.locator('.tpl-meaning').innerText()).includes(tpl.templates.received.text.fr), 'its French beside it');
    const replyText = `${filled} (${Date.now()})`;
    await page.locator('#reply-text').fill(replyText);
    await axeClean(page, 'composers (fr)');
    await reply.getByRole('button', { name: FR['reply.preview'] }).click();
    const dlg = page.locator('dialog.dialog-reply');
    await dlg.waitFor();
    assert.ok((await dlg.innerText()).includes(replyText), 'the preview shows exactly the text');
    assert.ok((await dlg.innerText()).includes(FR['lang.ar']));
    await axeClean(page, 'reply preview (fr)');
    await screenshot(page, 'console-fr-preview');
    await dlg.getByRole('button', { name: FR['reply.send'] }).click();
    await page.locator('.flash', { hasText: FR['reply.sent'] }).waitFor({ timeout: 60000 });
    await page.locator('.msg-reply', { hasText: replyText }).waitFor();

    // An internal note.
    const noteText = `Note interne ${Date.now()} : appeler l'interprète.`;
    await page.locator('#note-text').fill(noteText);
    await page.locator('.composer-note').getByRole('button', { name: FR['note.save'] }).click();
    await page.locator('.flash', { hasText: FR['note.saved'] }).waitFor({ timeout: 60000 });
    assert.equal(await page.locator('.msg-note', { hasText: noteText }).locator('.badge-note').count(), 1, 'marked internal');

    // Coding: pick-lists in French, consent beside what the person asked for.
    const coding = page.locator('#coding');
    assert.ok((await page.locator('#c-kind option[value="violence.domestic"]').innerText()).includes('Violences conjugales'));
    assert.ok((await coding.locator('tr[data-referral=police]').innerText()).includes(FR['form.wants.police']),
      'the person asked for the police: shown beside its consent box');
    assert.equal(await page.locator('#referred-police').isDisabled(), true, '"referred" waits for consent');
    await page.locator('#c-kind').selectOption('violence.domestic');
    await page.locator('#c-context').selectOption('family');
    await page.locator('#c-interpreter').selectOption('ar');
    await page.locator('#c-outcome').selectOption('ongoing');
    await coding.getByLabel(FR['coding.listened']).check();
    await coding.getByLabel(FR['coding.informed']).check();
    await page.locator('#consent-police').check();
    assert.equal(await page.locator('#referred-police').isDisabled(), false);
    await page.locator('#referred-police').check();
    // A referral without consent, forced past the page: abri refuses it, in words.
    await page.evaluate(() => {
      const x = document.getElementById('referred-shelter');
      x.disabled = false;
      x.checked = true;
    });
    await coding.getByRole('button', { name: FR['coding.save'] }).click();
    await coding.locator('.alert', { hasText: FR['err.referral_without_consent'] }).waitFor({ timeout: 60000 });
    await page.evaluate(() => { document.getElementById('referred-shelter').checked = false; });
    await axeClean(page, 'coding (fr)');
    await screenshot(page, 'console-fr-coding');
    await coding.getByRole('button', { name: FR['coding.save'] }).click();
    await page.locator('.flash', { hasText: FR['coding.saved'] }).waitFor({ timeout: 60000 });
    assert.equal(await page.locator('#referred-police').isChecked(), true, 'the coding is read back');

    // A printed summary for the police: only the ticked fields.
    await page.evaluate(() => {
      window.printed = [];
      window.print = () => window.printed.push(document.getElementById('print-area').innerText);
    });
    await page.locator('tr[data-referral=police]').getByRole('button', { name: FR['coding.print_summary'] }).click();
    const sum = page.locator('dialog .summary-pick');
    await sum.waitFor();
    assert.ok((await sum.innerText()).includes(FR['summary.nothing_sent']), 'abri sends nothing: said');
    await sum.getByLabel(FR['form.label.kind']).check();
    await sum.getByLabel(FR['form.label.what']).check();
    await sum.getByRole('button', { name: FR['summary.print'] }).click();
    const printed = await page.evaluate(() => window.printed);
    assert.equal(printed.length, 1);
    assert.ok(printed[0].includes(ar.what) && printed[0].includes(FR['form.kind.violence_domestic']), printed[0]);
    for (const absent of [ar.where, ar.who, ar.ref, FR['form.label.where']]) {
      assert.ok(!printed[0].includes(absent), `not ticked, not printed: ${absent}`);
    }
    await page.emulateMedia({ media: 'print' });
    const visible = await page.evaluate(() => document.body.innerText);
    assert.ok(visible.includes(ar.what) && !visible.includes(ar.ref) && !visible.includes(FR['coding.heading']),
      'print media shows the summary only');
    await screenshot(page, 'console-fr-summary-print');
    await page.emulateMedia({ media: 'screen' });

    // The written acknowledgement: prepare, French text beside the elements, sign, download.
    const ack = page.locator('#ack');
    await ack.getByRole('button', { name: FR['ack.prepare'] }).click();
    await ack.locator('.ack-text').waitFor({ timeout: 60000 });
    const ackFr = await ack.locator('.ack-text').innerText();
    assert.ok(ackFr.includes('Accusé de réception'), ackFr);
    assert.ok((await ack.locator('.ack-person').innerText()).includes(FR['ack.as_declared']));
    await axeClean(page, 'acknowledgement preview (fr)');
    await screenshot(page, 'console-fr-ack');
    await ack.getByRole('button', { name: FR['ack.sign'] }).click();
    await ack.locator('.flash', { hasText: FR['ack.sent'] }).waitFor({ timeout: 60000 });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      ack.getByRole('button', { name: FR['ack.save'].replace('{name}', `ack-${ar.ref}.json`) }).click(),
    ]);
    assert.equal(download.suggestedFilename(), `ack-${ar.ref}.json`);
    const file = JSON.parse(fs.readFileSync(await download.path(), 'utf8'));
    assert.equal(file.abri_ack, 1);
    await ack.getByRole('button', { name: FR['ack.print'] }).click();
    assert.ok((await page.evaluate(() => window.printed))[1].includes('Accusé de réception'));

    // Closing: the consequence in words, then the purge date.
    await page.locator('.state-box').getByRole('button', { name: FR['state.do_close'] }).click();
    const cdlg = page.locator('dialog');
    await cdlg.waitFor();
    assert.match(await cdlg.innerText(), /supprimés (\d+ jours plus tard|après la durée)/);
    await axeClean(page, 'close dialog (fr)');
    await cdlg.getByRole('button', { name: FR['state.close_confirm'] }).click();
    await page.locator('.flash', { hasText: /sera supprimé le|est clôturé/ }).waitFor({ timeout: 60000 });
    assert.equal(await page.locator('.state-box .state').innerText(), FR['state.closed']);

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
    const flag = page.locator(`tr[data-ref="${ar.ref}"] .badge`, { hasText: FR['inbox.closed_new'] });
    for (let i = 0; i < 30 && await flag.count() === 0; i++) {
      await page.waitForTimeout(2000);
      await page.locator('.filters button[type=submit]').click();
      await page.waitForSelector('.view-inbox h1');
    }
    await flag.waitFor({ timeout: 5000 });
    assert.ok((await page.locator(`tr[data-ref="${ar.ref}"]`).innerText()).includes(FR['state.closed']));
    await screenshot(page, 'console-fr-inbox-flagged');

    assert.deepEqual(await page.evaluate(() => window.__csp), [], 'no CSP violation');
    assert.deepEqual(page.errors.filter((e) => !/Failed to load resource/.test(e)), [], 'no page error');
  } finally {
    await page.context().close();
    stopConsole(c);
  }
});

test('English console, keyboard only: lock, unlock, open a case from the inbox, send an internal note; alarm after tampering', async () => {
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
    await axeClean(page, 'case page (en)');
    await screenshot(page, 'console-en-case');

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

    // Tampering: the note just written disappears from PostgreSQL.
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
