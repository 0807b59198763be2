// The reporter's whole journey in real Chromium against a real abrid
// (run by tests/integration/web.sh, which exports ABRI_WEB_URL, ABRI_CLI_L1,
// ABRI_SCREENSHOTS, ...):
//   1. a report in French: questionnaire → receipt (screenshot) → the
//      listener's CLI decrypts it and replies → the reporter reads the
//      verified reply in the browser and writes a follow-up → CLI sees it;
//   2. the same in Arabic, right to left, the token still left to right;
//   3. quick exit by the button and by Shift ×3: blank page, beacon, gone,
//      and Back does not return to the app;
//   4. a mistyped token is refused without any request; an unknown one
//      gets "no case found";
//   5. axe-core: no WCAG violation on any view, in English and Arabic;
//   6. 320 px wide: no horizontal scrolling on any view.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, runAxe, cli, screenshot, WEB_URL } from './lib/browser.mjs';
import { catalog, open as openIn, chooseLanguage, fillQuestionnaire, submit, comeBack } from './lib/flow.mjs';
import { dammDigit } from '../src/js/crypto/abri.js';

const ARABIC_INDIC = '٠١٢٣٤٥٦٧٨٩';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const open = (lang, opts = {}) => openIn(browser, lang, opts);

async function journey(lang, report, replyText, followUp, typeToken) {
  const t = catalog(lang);
  const page = await open(lang);
  await chooseLanguage(page, lang);
  await fillQuestionnaire(page, report);
  const { token, ref } = await submit(page);
  await screenshot(page, `${lang}-receipt`);

  assert.match(cli(['cases']), new RegExp(ref));
  const shown = cli(['show', ref]);
  assert.ok(shown.includes(report.what), `abri show ${ref} lacks the ${lang} text:\n${shown}`);
  cli(['reply', ref, '-m', replyText, '--lang', lang]);

  await comeBack(page, lang, typeToken(token));
  const theirs = page.locator('.message.theirs', { hasText: replyText });
  await theirs.waitFor();
  assert.equal(await theirs.locator('.badge.good').innerText(), t['case.verified']);
  assert.equal(await page.locator('.alarm:not([hidden])').count(), 0, 'no alarm');
  assert.equal(await page.locator('.message.mine', { hasText: report.what }).count(), 1);
  await screenshot(page, `${lang}-case`);

  await page.locator('#followup').fill(followUp);
  await page.locator('.view-case form.write button[type=submit]').click();
  await page.locator('.message.mine', { hasText: followUp }).waitFor({ timeout: 60000 });
  assert.ok(cli(['show', ref]).includes(followUp), 'abri show lacks the follow-up');
  return page;
}

test('French: report, CLI reads and replies, verified reply and follow-up in the browser', async () => {
  const page = await journey('fr', {
    kind: 'discrimination_housing', when: 'month', where: 'à Liège',
    who: 'mon propriétaire',
    what: 'Le propriétaire a refusé de me louer l’appartement quand il a entendu mon accent. Ça s’est passé deux fois.',
    wants: ['info', 'equality'], contact: '',
  }, 'Bonjour, nous avons bien lu votre message. Un organisme pour l’égalité peut vous aider.',
  'Merci. Je préfère être contactée par courriel.',
  (token) => token.replace(/(\d{4})(?=\d)/g, '$1-'));
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'fr');
  await page.context().close();
});

test('Arabic: right to left, the token left to right, Arabic-Indic digits accepted', async () => {
  const page = await journey('ar', {
    kind: 'violence_domestic', when: 'week', where: 'في البيت', who: 'زوجي',
    what: 'ضربني زوجي مساء أمس وأخذ جواز سفري. أنا خائفة.',
    wants: ['contact', 'doctor'], contact: 'رقم الهاتف ٠٤٧٠ بعد الساعة الخامسة',
  }, 'مرحبا، قرأنا رسالتك. يمكننا مساعدتك في الذهاب إلى طبيب.',
  'شكرا. يمكنكم الاتصال بي غدا.',
  (token) => [...token].map((d) => ARABIC_INDIC[Number(d)]).join('').replace(/(.{4})(?=.)/g, '$1 '));
  assert.equal(await page.evaluate(() => document.documentElement.dir), 'rtl');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'ar');
  await page.context().close();

  // On the receipt page of an RTL visit, the token is isolated and LTR.
  const p2 = await open('ar');
  await chooseLanguage(p2, 'ar');
  await fillQuestionnaire(p2, { kind: 'violence_other', when: 'year', where: '', who: '', what: 'نص', wants: [] });
  const { token } = await submit(p2);
  const tok = p2.locator('.view-receipt bdi.token');
  assert.equal(await tok.getAttribute('dir'), 'ltr');
  assert.equal(await tok.evaluate((el) => getComputedStyle(el).direction), 'ltr');
  // the groups are laid out left to right: first group left of the last
  const boxes = await tok.locator('.token-group').evaluateAll((els) =>
    els.map((e) => { const r = e.getBoundingClientRect(); return { x: r.x, y: r.y, text: e.textContent }; }));
  assert.equal(boxes.map((b) => b.text).join(''), token);
  for (let i = 1; i < boxes.length; i++) {
    const a = boxes[i - 1];
    const b = boxes[i];
    assert.ok(b.y > a.y + 1 || b.x > a.x, `group ${i + 1} is not to the right of group ${i}`);
  }
  await p2.context().close();
});

async function quickExit(how) {
  const page = await open('en');
  const cfg = await page.evaluate(() => fetch('/v1/config').then((r) => r.json()));
  const exitUrl = cfg.quick_exit_url || 'https://www.wikipedia.org/';
  await page.route(exitUrl, (route) => route.fulfill({
    contentType: 'text/html',
    body: '<!doctype html><title>Neutral</title><p>neutral page</p>',
  }));
  const beacons = [];
  page.on('request', (r) => { if (new URL(r.url()).pathname === '/v1/exit') beacons.push(r.method()); });
  let blanked = null;
  await page.exposeFunction('__abriBlanked', (n) => { blanked = n; });
  await chooseLanguage(page, 'en');
  await page.locator('.view-start .btn.primary').click();
  await page.locator('textarea[name=what]').fill('something private');
  const lengthBefore = await page.evaluate(() => history.length);
  await page.evaluate(() => {
    new MutationObserver(() => {
      if (document.body && document.body.childElementCount === 0) window.__abriBlanked(0);
    }).observe(document.body, { childList: true });
  });
  const navigated = page.waitForURL(exitUrl);
  await how(page);
  await navigated;
  assert.equal(blanked, 0, 'the page was blanked before leaving');
  assert.deepEqual(beacons, ['POST'], 'the /v1/exit beacon was sent');
  assert.ok((await page.content()).includes('neutral page'));
  assert.equal(await page.evaluate(() => history.length), lengthBefore, 'no history entry added');
  await page.goBack().catch(() => null);
  assert.ok(!page.url().startsWith(WEB_URL), `Back returned to the app: ${page.url()}`);
  await page.context().close();
}

test('quick exit by the button: blank, beacon, replaced, Back does not return', async () => {
  await quickExit((page) => page.locator('#quick-exit').click());
});

test('quick exit by Shift pressed three times', async () => {
  await quickExit(async (page) => {
    for (let i = 0; i < 3; i++) await page.keyboard.press('Shift');
  });
});

test('bad token: typo caught without any request; unknown token: no case found', async () => {
  const t = catalog('en');
  const page = await open('en');
  await chooseLanguage(page, 'en');
  await page.locator('.view-start .actions .btn:not(.primary)').click();
  await page.waitForSelector('.view-back h1');
  const digits23 = Array.from({ length: 23 }, () => Math.floor(Math.random() * 10)).join('');
  const valid = digits23 + dammDigit(digits23);
  const typo = valid.slice(0, 5) + ((Number(valid[5]) + 1) % 10) + valid.slice(6);

  await page.waitForLoadState('networkidle'); // the background loads are over
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  const err = page.locator('#token-err');
  for (const [typed, key] of [[typo, 'back.err.bad_check'], ['1234 5678', 'back.err.bad_length'],
    ['1234 abcd', 'back.err.bad_char'], ['', 'back.err.empty']]) {
    await page.locator('#token-input').fill(typed);
    await page.locator('.view-back button[type=submit]').click();
    await page.waitForFunction((want) => document.getElementById('token-err')?.textContent === want, t[key]);
    assert.equal(await err.isVisible(), true);
  }
  await page.waitForTimeout(200);
  assert.deepEqual(requests, [], 'no request for a mistyped token');

  await page.locator('#token-input').fill(valid);
  await page.locator('.view-back button[type=submit]').click();
  await page.waitForFunction((want) => document.getElementById('token-err')?.textContent === want,
    t['back.err.not_found'], { timeout: 60000 });
  assert.ok(requests.some((u) => u.endsWith('/v1/cases/open')));
  assert.ok(requests.every((u) => !u.includes(valid)), 'the token never appears in a URL');
  await page.context().close();
});

// Visits every view at 320 px wide: no horizontal scroll, no axe violation.
async function everyView(lang) {
  const page = await open(lang, { viewport: { width: 320, height: 640 } });
  const problems = [];
  const check = async (view) => {
    await page.waitForSelector(`.view-${view} h1`);
    const { sw, cw } = await page.evaluate(() => ({
      sw: document.documentElement.scrollWidth, cw: document.documentElement.clientWidth,
    }));
    if (sw > cw) problems.push(`${lang}/${view}: horizontal scroll (${sw} > ${cw})`);
    const violations = await runAxe(page);
    for (const v of violations) problems.push(`${lang}/${view}: axe ${v.id} (${v.help}) at ${v.nodes.join(', ')}`);
    await screenshot(page, `${lang}-320-${view}`);
  };
  await check('lang');
  await chooseLanguage(page, lang);
  await check('start');
  await page.locator('.view-start .btn.primary').click();
  await check('form');
  await page.locator('.view-form button[type=submit]').click(); // empty: errors shown
  await page.waitForSelector('.field-error:not([hidden])');
  await check('form');
  await page.locator('input[name=kind][value=violence_institutional]').check();
  await page.locator('input[name=when][value=earlier]').check();
  await page.locator('textarea[name=what]').fill(lang === 'ar' ? 'نص تجريبي طويل جدا '.repeat(20) : 'A long test text '.repeat(20));
  await page.locator('input[name=wants][value=police]').check();
  await page.locator('.view-form button[type=submit]').click();
  await check('review');
  await page.locator('.view-review .btn.primary').click();
  await check('receipt');
  await page.locator('.view-receipt .actions .btn.primary').click();
  await page.waitForSelector('.messages .message');
  await check('case');
  await page.locator('.view-case .leave .btn').click();
  await page.locator('.view-start .actions .btn:not(.primary)').click();
  await check('back');
  await page.locator('#token-input').fill('1234');
  await page.locator('.view-back button[type=submit]').click();
  await page.waitForSelector('#token-err:not([hidden])');
  await check('back');
  await page.context().close();
  return problems;
}

test('every view in English: no axe violation, no horizontal scroll at 320 px', async () => {
  assert.deepEqual(await everyView('en'), []);
});

test('every view in Arabic: no axe violation, no horizontal scroll at 320 px', async () => {
  assert.deepEqual(await everyView('ar'), []);
});

test('changing language in the middle of the questionnaire keeps the answers', async () => {
  const page = await open('en');
  await chooseLanguage(page, 'en');
  await page.locator('.view-start .btn.primary').click();
  await page.locator('input[name=kind][value=discrimination_work]').check();
  await page.locator('textarea[name=what]').fill('half written');
  await page.locator('#lang-btn').click();
  await page.locator('.lang-btn[lang="fr"]').click();
  await page.waitForSelector('.view-form h1');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'fr');
  assert.equal(await page.locator('textarea[name=what]').inputValue(), 'half written');
  assert.equal(await page.locator('input[name=kind][value=discrimination_work]').isChecked(), true);
  assert.equal(await page.locator('h1').innerText(), catalog('fr')['form.heading']);
  await page.context().close();
});
