// The written acknowledgement (issue 4, contract B) in real Chromium against
// a real abrid and the real listener CLI (tests/integration/web.sh):
//   a report typed in Arabic; the listener codes it (abri code) and issues
//   the acknowledgement (abri acknowledge --out, abri verify-ack ok); the
//   case page shows it verified: the elements in the person's language from
//   the catalogs beside the signed French text verbatim (lang="fr",
//   dir="ltr", also on the RTL page), side by side on a wide screen and
//   stacked at 320 px, in Arabic, French and English (screenshots); print
//   media shows only the acknowledgement; "Print" calls window.print() with
//   only this one marked; "Save as file" downloads the acknowledgement file,
//   which `abri verify-ack` accepts (and refuses once altered) and whose
//   signed inner plaintext is byte for byte the one the CLI wrote; axe finds
//   nothing in en and ar at 320 px.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import './lib/node-webcrypto.mjs';
import sodiumModule from 'libsodium-wrappers-sumo';
import * as A from '../src/js/crypto/abri.js';
import { launch, runAxe, cli, screenshot, SCREENSHOTS } from './lib/browser.mjs';
import { catalog, open, chooseLanguage, fillQuestionnaire, submit, comeBack } from './lib/flow.mjs';

const T = process.env.ABRI_T || fs.mkdtempSync('/tmp/abri-ack-');

let browser;
before(async () => {
  await A.init(sodiumModule);
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const REPORT = {
  kind: 'violence_domestic', when: 'month', where: 'في المدينة', who: 'زوجي',
  what: 'ضربني زوجي مرة أخرى. أريد أن أعرف حقوقي.', wants: ['info', 'police'],
};

/** abri verify-ack FILE: {status, out}. */
function verifyAck(file) {
  const cmd = process.env.ABRI_CLI_L1.split(/\s+/).filter(Boolean);
  try {
    const out = execFileSync(cmd[0], [...cmd.slice(1), 'verify-ack', file],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60000 });
    return { status: 0, out };
  } catch (e) {
    return { status: e.status, out: `${e.stdout}${e.stderr}` };
  }
}

/** The ack object inside an acknowledgement file (not verified here). */
function ackOfFile(file) {
  const m = A.innerDecode(A.b64decode(file.inner));
  return JSON.parse(new TextDecoder().decode(m.body)).ack;
}

/** The recipient list of a version as abrid serves it, verified with the org key. */
async function servedList(version) {
  const org = JSON.parse(fs.readFileSync(path.join(T, 'org.pub.json'), 'utf8'));
  const rec = await (await fetch(`${process.env.ABRI_WEB_URL}/v1/recipients/${version}`)).json();
  return A.verifyRecipients(rec, 'abri-test', A.b64decode(org.ed25519, 32), null);
}

const box = (page, sel) => page.locator(sel).evaluate((e) => {
  const r = e.getBoundingClientRect();
  return { left: r.left, right: r.right, top: r.top, bottom: r.bottom };
});

async function elements(page) {
  return page.evaluate(() => Object.fromEntries([...document.querySelectorAll('.ack-box .ack-elements dt')]
    .map((dt) => [dt.textContent, dt.nextElementSibling.textContent])));
}

// The box as the person sees it: elements from the catalog of lang, the
// French text verbatim, left to right.
async function checkBox(page, lang, ref, ack) {
  const t = catalog(lang);
  const ackBox = page.locator('.ack-box');
  await ackBox.waitFor();
  assert.equal(await page.locator('.ack-box').count(), 1, 'one acknowledgement');
  assert.equal(await page.locator('.alarm').isVisible(), false, 'no alarm');
  assert.equal(await ackBox.locator('.badge.good').innerText(), t['case.verified']);
  const h3 = await ackBox.locator('h3').innerText();
  assert.ok(h3.startsWith(t['case.kind.ack']), h3);
  const el = await elements(page);
  assert.equal(el[t['ack.ref']], ref);
  assert.equal(el[t['ack.kind']], `${t['form.kind.violence']}: ${t['form.kind.violence_domestic']}`);
  assert.equal(el[t['ack.context']], t['ack.context.housing']);
  assert.equal(el[t['ack.when']], t['form.when.month']);
  assert.equal(el[t['ack.where']], REPORT.where);
  assert.equal(el[t['ack.referrals']], t['ack.referral.police']);
  assert.equal(el[t['ack.listener']], 'Listener One');
  assert.ok(el[t['ack.week']] && el[t['ack.issued']], 'received week and issue date shown');
  const fr = ackBox.locator('.ack-fr-text');
  assert.equal(await fr.evaluate((e) => e.textContent), ack.fr, 'the signed French text, verbatim');
  assert.equal(await fr.getAttribute('lang'), 'fr');
  assert.equal(await fr.getAttribute('dir'), 'ltr');
  assert.equal(await fr.evaluate((e) => getComputedStyle(e).direction), 'ltr');
  assert.equal(await page.evaluate(() => document.documentElement.dir), t._meta.dir);
}

async function sideBySide(page, rtl) {
  const mine = await box(page, '.ack-box .ack-mine');
  const fr = await box(page, '.ack-box .ack-fr');
  assert.ok(Math.abs(mine.top - fr.top) < 2, `columns side by side (tops ${mine.top}, ${fr.top})`);
  if (rtl) assert.ok(mine.left > fr.right - 1, 'RTL: the person\'s language on the right');
  else assert.ok(fr.left > mine.right - 1, 'LTR: the French text on the right');
}

async function stacked(page) {
  const mine = await box(page, '.ack-box .ack-mine');
  const fr = await box(page, '.ack-box .ack-fr');
  assert.ok(fr.top >= mine.bottom - 1, 'columns stacked at 320 px');
  const { sw, cw } = await page.evaluate(() => ({
    sw: document.documentElement.scrollWidth, cw: document.documentElement.clientWidth,
  }));
  assert.ok(sw <= cw, `no horizontal scroll (${sw} > ${cw})`);
}

/** A screenshot of the acknowledgement alone, for review. */
async function shotOfBox(page, name) {
  if (!SCREENSHOTS) return;
  await page.evaluate(() => { document.querySelector('.bar').style.position = 'static'; }); // not over the box
  await page.locator('.ack-box').screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
  await page.evaluate(() => { document.querySelector('.bar').style.position = ''; });
}

async function axeClean(page, name) {
  const v = await runAxe(page);
  assert.deepEqual(v.map((x) => `${name}: ${x.id} (${x.help}) at ${x.nodes.join(', ')}`), []);
}

test('written acknowledgement: issued by the CLI, shown, printed and saved in the browser', async () => {
  const page = await open(browser, 'ar', { viewport: { width: 1024, height: 900 } });
  await chooseLanguage(page, 'ar');
  await fillQuestionnaire(page, REPORT);
  const { token, ref } = await submit(page);

  // The listener codes the case and issues the acknowledgement.
  cli(['code', ref, '--kind', 'violence.domestic', '--context', 'housing', '--listened', '--informed',
    '--consent', 'police', '--referred', 'police', '--outcome', 'ongoing']);
  const cliFile = path.join(T, `ack-cli-${ref}.json`);
  cli(['acknowledge', ref, '--out', cliFile]);
  const fromCli = JSON.parse(fs.readFileSync(cliFile, 'utf8'));
  const r0 = verifyAck(cliFile);
  assert.equal(r0.status, 0, r0.out);
  const ack = ackOfFile(fromCli);
  assert.equal(ack.case_ref, ref);
  assert.deepEqual(ack.elements.referrals, ['police']);
  assert.equal(ack.elements.kind, 'violence.domestic');
  assert.ok(ack.fr.length > 100 && ack.fr.includes(ref), 'a French text naming the case');

  // Arabic, wide: side by side, the French column on the left.
  await comeBack(page, 'ar', token);
  await checkBox(page, 'ar', ref, ack);
  await sideBySide(page, true);
  await screenshot(page, 'ar-1024-ack');

  // Print media: only the acknowledgement.
  await page.emulateMedia({ media: 'print' });
  const seen = await page.evaluate(() => {
    const v = (s) => [...document.querySelectorAll(s)].some((e) => e.checkVisibility());
    return {
      ack: v('.ack-box'), fr: v('.ack-fr-text'), elements: v('.ack-elements'),
      heading: v('.view-case h1'), state: v('#case-state'), report: v('.messages > li:not(.has-ack)'),
      write: v('form.write'), erase: v('.erase'), exit: v('#quick-exit'), buttons: v('.ack-actions'),
      leave: v('.leave'),
    };
  });
  assert.deepEqual(seen, {
    ack: true, fr: true, elements: true, heading: false, state: false, report: false, write: false,
    erase: false, exit: false, buttons: false, leave: false,
  });
  await sideBySide(page, true);
  await screenshot(page, 'ar-ack-print');
  await page.emulateMedia({ media: 'screen' });

  // "Print": window.print() with this acknowledgement marked, then unmarked.
  await page.evaluate(() => {
    window.printed = [];
    window.print = () => window.printed.push(document.body.classList.contains('print-one') &&
      document.querySelectorAll('.print-target .ack-box').length === 1);
  });
  const t = catalog('ar');
  await page.getByRole('button', { name: t['ack.print'] }).click();
  assert.deepEqual(await page.evaluate(() => window.printed), [true]);
  await page.waitForFunction(() => !document.body.classList.contains('print-one'));

  // "Save as file": the acknowledgement file, verified by the CLI.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: t['ack.save'] }).click(),
  ]);
  const saved = path.join(T, `ack-web-${ref}.json`);
  await download.saveAs(saved);
  await page.waitForFunction((want) => [...document.querySelectorAll('.ack-box .status-text')]
    .some((e) => e.textContent === want), t['ack.saved']);
  const file = JSON.parse(fs.readFileSync(saved, 'utf8'));
  assert.deepEqual(Object.keys(file).sort(), ['abri_ack', 'inner', 'kind', 'list_version', 'tenant']);
  assert.equal(file.abri_ack, 1);
  assert.equal(file.kind, 5);
  assert.equal(file.tenant, fromCli.tenant);
  assert.equal(file.list_version, fromCli.list_version);
  assert.equal(file.inner, fromCli.inner, 'the signed inner plaintext, verbatim');
  const r1 = verifyAck(saved);
  assert.equal(r1.status, 0, r1.out);
  assert.ok(r1.out.includes(ack.fr.split('\n')[0]), 'verify-ack prints the French text');
  const inner = A.b64decode(file.inner);
  inner[inner.length - 70] ^= 1; // inside the body, before the signature
  const bad = { ...file, inner: A.b64encode(inner) };
  fs.writeFileSync(path.join(T, 'ack-bad.json'), JSON.stringify(bad));
  assert.equal(verifyAck(path.join(T, 'ack-bad.json')).status, 2, 'an altered file is refused');
  // The JS check (ackFileVerify) agrees, with the list abrid serves for that version.
  const list = await servedList(file.list_version);
  const ok = A.ackFileVerify(fs.readFileSync(saved, 'utf8'), list);
  assert.equal(ok.author.name, 'Listener One');
  assert.deepEqual(ok.ack, ack);
  assert.throws(() => A.ackFileVerify(bad, list), (e) => e.code === 'crypto');

  // Arabic at 320 px: stacked, axe clean.
  await page.setViewportSize({ width: 320, height: 700 });
  await stacked(page);
  await axeClean(page, 'ar-320');
  await screenshot(page, 'ar-320-ack');
  await shotOfBox(page, 'ar-320-ack-box');

  // French, wide: the same case read in French.
  await page.setViewportSize({ width: 1024, height: 900 });
  await comeBack(page, 'fr', token);
  await checkBox(page, 'fr', ref, ack);
  await sideBySide(page, false);
  await screenshot(page, 'fr-1024-ack');
  await shotOfBox(page, 'fr-1024-ack-box');

  // English at 320 px: stacked, axe clean.
  await page.setViewportSize({ width: 320, height: 700 });
  await comeBack(page, 'en', token);
  await checkBox(page, 'en', ref, ack);
  await stacked(page);
  await axeClean(page, 'en-320');
  await screenshot(page, 'en-320-ack');
  await page.context().close();
});
