// Proof of work raised under load: /v1/config said difficulty 0 when the
// page loaded, but abrid has raised it since (docs/operations.md, Flood
// resistance). The first POST /v1/cases goes without work and gets
// 403 bad_pow; the app asks for a challenge, solves it and sends again,
// and the person sees an ordinary receipt. abrid's real answer to that
// second request is checked (201 with the work attached), and the work is
// done in a Web Worker, not on the page's thread.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch } from './lib/browser.mjs';
import { open, chooseLanguage, fillQuestionnaire, submit } from './lib/flow.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('a 403 bad_pow makes the app do the work and resend', async () => {
  const page = await open(browser, 'en');
  const posts = [];
  let challenges = 0, refused = false, workersAfter = 0;
  page.on('request', (r) => { if (r.url().endsWith('/v1/challenge')) challenges++; });
  page.on('worker', () => { if (refused) workersAfter++; });
  await page.route('**/v1/cases', async (route) => {
    const body = JSON.parse(route.request().postData());
    posts.push(body);
    if (posts.length === 1) {
      assert.equal(body.pow, undefined, 'no work while the config says 0');
      refused = true;
      await route.fulfill({
        status: 403, contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'bad_pow', message: 'Proof of work required.' } }),
      });
      return;
    }
    const answer = await route.fetch();
    assert.equal(answer.status(), 201, 'abrid accepts the resent report');
    await route.fulfill({ response: answer });
  });
  await chooseLanguage(page, 'en');
  await fillQuestionnaire(page, {
    kind: 'discrimination_housing', when: 'month', where: 'Liège', who: 'a landlord',
    what: 'Refused the flat when he heard my accent.', wants: ['info'],
  });
  const { ref } = await submit(page);
  assert.equal(posts.length, 2, 'sent twice');
  assert.ok(challenges >= 1, 'asked for a challenge');
  assert.ok(workersAfter >= 1, 'the work ran in a Web Worker started after the 403');
  assert.ok(posts[1].pow && typeof posts[1].pow.challenge === 'string' &&
    Number.isInteger(posts[1].pow.counter), 'the second request carries the work');
  assert.equal(posts[1].submission_id, posts[0].submission_id, 'same submission id (one report)');
  assert.match(ref, /^[0-9A-Z]{10}$/);
  await page.close();
});
