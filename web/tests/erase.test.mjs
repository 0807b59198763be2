// Erasing a case from the "come back" page, and the case state as the
// reporter sees it, in real Chromium against a real abrid (web.sh):
//   1. in English and in Arabic, 320 px wide: the first button only reveals
//      the confirmation panel (focus moved to it); Cancel sends nothing and
//      the case still opens; "Yes, erase everything" sends only the lookup
//      key (a network error and a 404 are shown as errors, nothing else
//      changes), shows the erased view (focus on its heading, result announced,
//      quick exit still there); the same token then finds no case at once
//      and the listener CLI shows the case as erased; axe finds no
//      violation on the panel and the erased view, nothing scrolls sideways;
//   2. a listener's state change (abri state REF open, then closed) shows on
//      the case page, in plain words, after "Check for new answers" and
//      after coming back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, runAxe, cli, screenshot } from './lib/browser.mjs';
import { catalog, open, chooseLanguage, fillQuestionnaire, submit, comeBack, typeToken } from './lib/flow.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const REPORTS = {
  en: {
    kind: 'discrimination_work', when: 'month', where: 'at work', who: 'my manager',
    what: 'My manager said I cannot be promoted because of my headscarf.', wants: ['info'],
  },
  ar: {
    kind: 'discrimination_housing', when: 'year', where: 'في المدينة', who: 'صاحب البيت',
    what: 'رفض صاحب البيت أن يؤجرني الشقة بسبب اسمي.', wants: ['info'],
  },
};

async function caseState(page) {
  return {
    name: await page.locator('#case-state').innerText(),
    help: await page.locator('#case-state-help').innerText(),
  };
}

const activeId = (page) => page.evaluate(() => document.activeElement && document.activeElement.id);

async function eraseJourney(lang) {
  const t = catalog(lang);
  const page = await open(browser, lang, { viewport: { width: 320, height: 640 } });
  const problems = [];
  const check = async (name) => {
    const { sw, cw } = await page.evaluate(() => ({
      sw: document.documentElement.scrollWidth, cw: document.documentElement.clientWidth,
    }));
    if (sw > cw) problems.push(`${lang}/${name}: horizontal scroll (${sw} > ${cw})`);
    for (const v of await runAxe(page)) problems.push(`${lang}/${name}: axe ${v.id} (${v.help}) at ${v.nodes.join(', ')}`);
    await screenshot(page, `${lang}-320-${name}`);
  };

  await chooseLanguage(page, lang);
  await fillQuestionnaire(page, REPORTS[lang]);
  const { token, ref } = await submit(page);
  await comeBack(page, lang, token);
  assert.deepEqual(await caseState(page), { name: t['case.state.new'], help: t['case.state_help.new'] });

  const erases = [];
  page.on('request', (r) => {
    if (new URL(r.url()).pathname === '/v1/cases/erase') erases.push(r.postData());
  });

  // The first button only reveals the confirmation, and focus moves to it.
  const start = page.locator('#erase-start');
  const panel = page.locator('#erase-panel');
  assert.equal(await start.innerText(), t['case.erase.start']);
  assert.equal(await start.getAttribute('aria-expanded'), 'false');
  assert.equal(await panel.isVisible(), false);
  await start.click();
  await panel.waitFor();
  assert.equal(await start.getAttribute('aria-expanded'), 'true');
  assert.equal(await activeId(page), 'erase-panel', 'focus moved to the confirmation panel');
  assert.equal(await page.locator('#erase-confirm').innerText(), t['case.erase.confirm']);
  assert.equal(await page.locator('#erase-cancel').innerText(), t['case.erase.cancel']);
  assert.equal(await page.locator('#erase-confirm-warning').innerText(), t['case.erase.confirm_warning']);
  await check('erase-confirm');

  // Cancel: nothing is sent, focus goes back, the case still opens.
  await page.locator('#erase-cancel').click();
  await panel.waitFor({ state: 'hidden' });
  assert.equal(await activeId(page), 'erase-start');
  assert.equal(await start.getAttribute('aria-expanded'), 'false');
  await page.waitForFunction((want) => [...document.querySelectorAll('.view-case .erase .status-text')]
    .some((e) => e.textContent === want), t['case.erase.cancelled']);
  assert.deepEqual(erases, [], 'Cancel sent nothing');
  await comeBack(page, lang, token);
  assert.match(cli(['show', ref]), /state: new/);

  // Errors (no connection, then an unknown case) are shown; nothing changes.
  await page.locator('#erase-start').click();
  const alert = page.locator('.view-case .erase .alert');
  for (const [answer, key] of [
    [(route) => route.abort('internetdisconnected'), 'err.network'],
    [(route) => route.fulfill({ status: 404, contentType: 'application/json',
      body: '{"error":{"code":"case_not_found","message":"no such case"}}' }), 'case.erase.err.not_found'],
  ]) {
    await page.route('**/v1/cases/erase', answer);
    await page.locator('#erase-confirm').click();
    await alert.filter({ hasText: t[key] }).waitFor();
    assert.equal(await page.locator('#erase-confirm').isEnabled(), true);
    await page.unroute('**/v1/cases/erase');
  }
  await check('erase-error');
  assert.equal(await page.locator('.view-case h1').count(), 1, 'still on the case page');
  erases.length = 0;

  // For real.
  await page.locator('#erase-confirm').click();
  await page.waitForSelector('.view-erased h1', { timeout: 30000 });
  assert.equal(await page.locator('.view-erased h1').innerText(), t['erased.heading']);
  assert.equal(await page.evaluate(() => document.activeElement && document.activeElement.tagName), 'H1');
  await page.waitForFunction((want) => document.getElementById('erased-status')?.textContent === want,
    t['erased.done']);
  assert.equal(await page.locator('#erased-status').getAttribute('role'), 'status');
  assert.equal(await page.locator('#quick-exit').isVisible(), true, 'quick exit still there');
  assert.equal(erases.length, 1, 'one erase request');
  const body = JSON.parse(erases[0]);
  assert.deepEqual(Object.keys(body), ['lookup_key'], 'only the lookup key is sent');
  assert.match(body.lookup_key, /^[A-Za-z0-9+/]{43}=$/);
  assert.ok(!erases[0].includes(token), 'the token is never sent');
  await check('erased');

  // The lookup is revoked at once; the listeners see the case as erased.
  await typeToken(page, lang, token);
  await page.waitForFunction((want) => document.getElementById('token-err')?.textContent === want,
    t['back.err.not_found'], { timeout: 60000 });
  assert.match(cli(['cases']), new RegExp(`${ref}\\s+erased`));
  assert.match(cli(['show', ref]), /state: erased/);
  await page.context().close();
  return problems;
}

test('erase in English: Cancel keeps the case; confirmed, the code opens nothing; listeners see it', async () => {
  assert.deepEqual(await eraseJourney('en'), []);
});

test('erase in Arabic (right to left), 320 px, no axe violation', async () => {
  assert.deepEqual(await eraseJourney('ar'), []);
});

test('a listener state change (open, then closed) is shown to the reporter in plain words', async () => {
  const en = catalog('en');
  const fr = catalog('fr');
  const page = await open(browser, 'en');
  await chooseLanguage(page, 'en');
  await fillQuestionnaire(page, REPORTS.en);
  const { token, ref } = await submit(page);
  await comeBack(page, 'en', token);
  assert.deepEqual(await caseState(page), { name: en['case.state.new'], help: en['case.state_help.new'] });
  assert.equal(await page.locator('#write-closed').isVisible(), false);

  cli(['state', ref, 'open']);
  await page.locator('.view-case .actions .btn', { hasText: en['case.refresh'] }).click();
  await page.waitForFunction((want) => document.getElementById('case-state')?.textContent === want,
    en['case.state.open']);
  assert.deepEqual(await caseState(page), { name: en['case.state.open'], help: en['case.state_help.open'] });

  cli(['state', ref, 'closed']);
  await comeBack(page, 'en', token);
  assert.deepEqual(await caseState(page), { name: en['case.state.closed'], help: en['case.state_help.closed'] });
  assert.equal(await page.locator('#write-closed').isVisible(), true);

  await comeBack(page, 'fr', token);
  assert.deepEqual(await caseState(page), { name: fr['case.state.closed'], help: fr['case.state_help.closed'] });
  await page.context().close();
});
