// Every field a reporter types into keeps its text on the phone: each
// <input> and <textarea> of every view carries spellcheck="false" (Chrome's
// and Edge's "enhanced spell check" sends field contents to a cloud
// service), autocorrect="off" and autocapitalize="off", and every field
// that takes text autocomplete="off" (js/views/dom.js sets them in h()).
//
// In Chromium against the real abrid and CLI, the reporter's whole path:
// the language list, the start page, the report form (with its file
// pickers), the review and the receipt, the come-back page (the code
// field), the case page with the follow-up message and, once the listener
// has replied with a survey code and closed the case, the survey. Each view
// is checked as shown, and an observer started before any page script
// records every field ever added to the page, so that a field shown only
// for a moment is checked too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, cli, screenshot } from './lib/browser.mjs';
import { catalog, open, chooseLanguage, fillQuestionnaire, submit, comeBack } from './lib/flow.mjs';

const WANT = { spellcheck: 'false', autocorrect: 'off', autocapitalize: 'off' };

// Runs in the page before its scripts (over the DevTools protocol: the CSP
// does not apply). __abriField(el) describes a field; every input/textarea
// added to the document is described as it is added and sent to the test
// through abriNoteField (a Playwright binding), so that the views of
// earlier page loads count too.
const RECORDER = `(() => {
  const NOT_TEXT = ['checkbox', 'radio', 'file', 'button', 'submit', 'reset', 'image', 'hidden', 'range', 'color'];
  const describe = (el) => ({
    what: el.localName + '[type=' + (el.getAttribute('type') || '') + ']#' + (el.id || el.name || ''),
    spellcheck: el.getAttribute('spellcheck'),
    autocorrect: el.getAttribute('autocorrect'),
    autocapitalize: el.getAttribute('autocapitalize'),
    autocomplete: el.getAttribute('autocomplete'),
    takesText: el.localName === 'textarea' || !NOT_TEXT.includes(el.type),
    spellcheckProperty: el.spellcheck,
  });
  Object.defineProperty(window, '__abriField', { value: describe });
  new MutationObserver((records) => {
    for (const r of records) for (const n of r.addedNodes) {
      if (n.nodeType !== 1) continue;
      if (n.matches('input, textarea')) window.abriNoteField(describe(n));
      for (const el of n.querySelectorAll('input, textarea')) window.abriNoteField(describe(el));
    }
  }).observe(document, { childList: true, subtree: true });
})();`;

// The fields on the page now.
function fieldsNow(page) {
  return page.evaluate(() => [...document.querySelectorAll('input, textarea')].map(window.__abriField));
}

// What is wrong with each field, as readable lines ([] when all is well).
function problems(fields) {
  const out = [];
  for (const f of fields) {
    for (const [name, value] of Object.entries(WANT)) {
      if (f[name] !== value) out.push(`${f.what}: ${name}=${JSON.stringify(f[name])}, want "${value}"`);
    }
    if (f.spellcheckProperty !== false) out.push(`${f.what}: spell checking is on`);
    if (f.takesText && f.autocomplete !== 'off') out.push(`${f.what}: autocomplete=${JSON.stringify(f.autocomplete)}`);
  }
  return out;
}

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('every field of every view the reporter sees: no spell check, autocorrect, autocapitalize or autocomplete', async () => {
  const page = await open(browser, 'en', { viewport: { width: 320, height: 700 } });
  const seen = [];
  await page.context().exposeFunction('abriNoteField', (f) => {
    seen.push(f);
  });
  await page.context().addInitScript(RECORDER);
  await page.reload();
  await page.waitForSelector('.view-lang h1');

  const checked = new Set();
  // The view on screen: its fields are all right, and those named are there.
  async function check(view, mustHave = []) {
    const fields = await fieldsNow(page);
    assert.deepEqual(problems(fields), [], `${view}: fields`);
    for (const sel of mustHave) {
      assert.ok((await page.locator(sel).count()) > 0, `${view}: ${sel} is on the page`);
    }
    for (const f of fields) checked.add(f.what);
    return fields;
  }

  await check('language list');
  await chooseLanguage(page, 'en');
  await check('start');

  await page.locator('.view-start .btn.primary').click();
  await page.waitForSelector('.view-form h1');
  const form = await check('report form', ['input[name=where]', 'input[name=who]', 'textarea[name=what]',
    'textarea[name=contact]', 'input[name=kind]', 'input[name=when]', 'input[name=wants]']);
  assert.ok(form.filter((f) => f.takesText).length >= 4, 'the form has its four text fields');
  const pickers = form.filter((f) => f.what.startsWith('input[type=file]'));
  await screenshot(page, 'fields-en-320-form');
  await page.locator('.view-form button[type=submit]').click(); // empty: the form shows its errors
  await check('report form with errors');
  await page.getByRole('button', { name: catalog('en')['form.back'], exact: true }).click(); // to the start page
  await page.waitForSelector('.view-start h1');

  await fillQuestionnaire(page, {
    kind: 'discrimination_housing', when: 'month', where: 'a flat in town', who: 'the landlord',
    what: 'The landlord refused to rent to me when he heard my name.', wants: ['info'], contact: '',
  });
  await check('review');
  const { token, ref } = await submit(page);
  await check('receipt');

  // The code field of the come-back page.
  await page.goto('/');
  await page.waitForSelector('.view-lang h1');
  await chooseLanguage(page, 'en');
  await page.locator('.view-start .actions .btn:not(.primary)').click();
  await page.waitForSelector('.view-back h1');
  await check('come-back page', ['#token-input']);
  await page.locator('.view-back button[type=submit]').click(); // empty: an error, the field stays
  await check('come-back page with an error', ['#token-input[aria-invalid=true]']);

  // The case page: the follow-up message (and its file pickers).
  await comeBack(page, 'en', token);
  await check('case page', ['#followup']);
  await screenshot(page, 'fields-en-320-case');

  // The survey, once a listener replied with a code and closed the case.
  cli(['survey-codes', 'new', '--count', '1']);
  cli(['reply', ref, '-m', 'We have closed your case. A short survey follows, if you wish.', '--survey-code']);
  cli(['state', ref, 'closed']);
  await comeBack(page, 'en', token);
  await page.locator('#survey').waitFor();
  const survey = await check('case page with the survey', ['#survey .survey-q input[type=radio]']);
  // Four questions of three answers, one of three, one of five; each with "No answer".
  assert.equal(survey.filter((f) => f.what.includes('#survey-')).length, 4 * 4 + 4 + 6, 'the survey\'s choices');
  await screenshot(page, 'fields-en-320-survey');

  // Everything ever added to the page, including views since replaced.
  await page.waitForTimeout(200); // the last binding calls
  assert.deepEqual(problems(seen), [], 'every field added to the page');
  const kinds = new Set(seen.map((f) => f.what));
  for (const what of checked) assert.ok(kinds.has(what), `the recorder saw ${what}`);
  assert.ok(seen.length >= checked.size, 'the recorder saw the fields');
  if (pickers.length > 0) assert.ok(seen.some((f) => f.what.startsWith('input[type=file]')), 'file pickers checked');
  await page.context().close();
});
