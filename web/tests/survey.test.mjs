// The anonymous survey (issue 4, contract C):
//   1. in node: the JS sealing (kind 7, the auditors only, no reporter
//      stanza, no inner message, padded to a bucket) opens as an auditor
//      and holds exactly {"survey":1,"answers":{...}}; answers are checked;
//      survey codes normalise as the contract says;
//   2. in real Chromium against a real abrid and the real CLI: a report in
//      English; the listener registers survey codes (abri survey-codes new),
//      replies with one (abri reply --survey-code) — no survey while the case
//      is open — and closes the case (abri state closed); the case page then
//      offers the survey (320 px, axe clean in en and ar); nothing answered is
//      refused locally; the answers are sealed in the browser, POSTed with
//      the canonical code only → 201 → thank-you; the stored envelope is the
//      one sent, for the auditor only; the auditor's CLI opens it (C side);
//      a second try with the same code (a later visit, in Arabic) shows the
//      spent-code message.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import './lib/node-webcrypto.mjs';
import sodiumModule from 'libsodium-wrappers-sumo';
import * as A from '../src/js/crypto/abri.js';
import { launch, runAxe, cli, screenshot, SCREENSHOTS } from './lib/browser.mjs';
import { catalog, open, chooseLanguage, fillQuestionnaire, submit, comeBack } from './lib/flow.mjs';

let sodium;
let browser;
before(async () => {
  sodium = await A.init(sodiumModule);
});
after(async () => {
  await browser?.close();
});

const code = (fn) => {
  try {
    fn();
    return 'ok';
  } catch (e) {
    if (!(e instanceof A.AbriError)) throw e;
    return e.code;
  }
};

// A deployment made here: listeners, one auditor, the server.
function world(withAuditor = true) {
  const tenant = 'safe-place-dev';
  const kp = (n) => ({
    x: sodium.crypto_box_seed_keypair(new Uint8Array(32).fill(n)),
    e: sodium.crypto_sign_seed_keypair(new Uint8Array(32).fill(n + 100)),
  });
  const org = sodium.crypto_sign_seed_keypair(new Uint8Array(32).fill(7));
  const p = { l1: kp(1), l2: kp(2), aud: kp(3), srv: kp(4) };
  const member = (role, name, k) => ({ role, name, x25519: A.b64encode(k.x.publicKey),
    ed25519: A.b64encode(k.e.publicKey), epoch: 1 });
  const members = [member('listener', 'Amina', p.l1), member('listener', 'Jonas', p.l2),
    member('server', 'abrid', p.srv)];
  if (withAuditor) members.push(member('auditor', 'Audit', p.aud));
  const doc = JSON.stringify({ deployment_id: tenant, version: 3, not_after: 2000000000, members });
  const blob = A.fieldsEncode([doc]);
  const wire = { list: blob, sig: A.sign('recipients', tenant, blob, org.privateKey) };
  const now = 1900000000;
  return { p, now, list: A.verifyRecipients(wire, tenant, org.publicKey, now),
    cfg: { deployment_id: tenant, limits: { max_padded: 262144 } } };
}

test('survey sealing: kind 7 to the auditors only, a padded plain document, checked answers', () => {
  const w = world();
  const answers = { listened: 'yes', informed: 'partly', language: 'no', safe: 'yes', recommend: 'unsure',
    overall: 4 };
  const { envelope, hash } = A.sealSurvey({ cfg: w.cfg, list: w.list, answers, now: w.now });
  assert.deepEqual(hash, A.hash(envelope));
  const info = A.envelopeParse(envelope, 262144);
  assert.equal(info.kind, A.KIND.survey);
  assert.equal(info.hasReporterStanza, false, 'no reporter stanza');
  assert.equal(info.nKeyed, 1, 'the auditor only');
  const aud = w.list.members.find((m) => m.role === 'auditor');
  assert.deepEqual(info.kids[0], aud.xKid);
  assert.equal(info.paddedLen, 4096, 'padded to a bucket');
  const key = { kid: aud.xKid, xPk: w.p.aud.x.publicKey, xSk: w.p.aud.x.privateKey };
  assert.deepEqual(A.surveyOpen(envelope, key), answers);
  const pt = A.envelopeOpen(envelope, { ...key, maxPadded: 262144 }).plaintext;
  assert.equal(new TextDecoder().decode(pt), JSON.stringify({ survey: 1, answers }),
    'exactly the document, no inner message');
  for (const l of ['l1', 'l2']) {
    const m = w.list.members.find((x) => x.role === 'listener' && x.name === (l === 'l1' ? 'Amina' : 'Jonas'));
    assert.equal(code(() => A.envelopeOpen(envelope, { kid: m.xKid, xPk: w.p[l].x.publicKey,
      xSk: w.p[l].x.privateKey, maxPadded: 262144 })), 'not_for_me', 'listeners cannot read it');
  }
  // Every answer is optional; nothing else is accepted.
  const some = A.sealSurvey({ cfg: w.cfg, list: w.list, answers: { overall: 2, safe: '' }, now: w.now });
  assert.deepEqual(A.surveyOpen(some.envelope, key), { overall: 2 });
  for (const bad of [{ listened: 'maybe' }, { overall: 6 }, { overall: '4' }, { recommend: 'partly' },
    { comment: 'free text' }, { date: '2026-11-22' }])
    assert.equal(code(() => A.sealSurvey({ cfg: w.cfg, list: w.list, answers: bad, now: w.now })), 'invalid',
      JSON.stringify(bad));
  assert.equal(code(() => A.sealSurvey({ cfg: w.cfg, list: world(false).list, answers, now: w.now })),
    'no_auditor');
  assert.equal(code(() => A.sealSurvey({ cfg: w.cfg, list: w.list, answers, now: 2000000000 })), 'expired');
  // The auditor's parser refuses what the contract does not allow.
  for (const bad of ['{"survey":1,"answers":{"listened":"maybe"}}', '{"survey":2,"answers":{}}',
    '{"survey":1,"answers":{},"text":"x"}', '{"survey":1,"answers":{"overall":4,"overall":5}}'])
    assert.equal(code(() => A.surveyParse(new TextEncoder().encode(bad))), 'invalid', bad);
});

test('survey codes: canonical form, typing mistakes mapped, others refused', () => {
  assert.equal(A.surveyCodeNormalise('abcd-efgh-jkmn'), 'ABCDEFGHJKMN');
  assert.equal(A.surveyCodeNormalise(' 0o1i-L2 34 5678 '), '001112345678', 'spaces, O, I, L');
  assert.equal(A.surveyCodeNormalise('O0I1-L2Z3-45678'), null, 'too long');
  assert.equal(A.surveyCodeNormalise('ABCD-EFGH-JKMU'), null, 'U is not Crockford');
  assert.equal(A.surveyCodeNormalise('ABCD-EFGH-JKM'), null);
  assert.equal(A.surveyCodeNormalise(42), null);
  assert.equal(A.surveyCodeGroup('ABCDEFGHJKMN'), 'ABCD-EFGH-JKMN');
});

// ---- in the browser, against abrid and the CLI ----

const REPORT = {
  kind: 'discrimination_work', when: 'year', where: 'at work', who: 'my employer',
  what: 'I was not hired after the interview because of my accent.', wants: ['info', 'equality'],
};

/** The CLI as the auditor (web.sh: ABRI_CLI_AUD). */
function auditorCli(args) {
  const cmd = (process.env.ABRI_CLI_AUD || '').split(/\s+/).filter(Boolean);
  assert.ok(cmd.length > 0, 'ABRI_CLI_AUD is set (tests/integration/web.sh)');
  return execFileSync(cmd[0], [...cmd.slice(1), ...args],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60000 });
}

function psql(sql) {
  return execFileSync('psql', [process.env.ABRI_DSN, '-v', 'ON_ERROR_STOP=1', '-Atq', '-c', sql],
    { encoding: 'utf8', timeout: 30000 }).trim();
}

async function axeClean(page, name) {
  const v = await runAxe(page);
  assert.deepEqual(v.map((x) => `${name}: ${x.id} (${x.help}) at ${x.nodes.join(', ')}`), []);
  const { sw, cw } = await page.evaluate(() => ({
    sw: document.documentElement.scrollWidth, cw: document.documentElement.clientWidth,
  }));
  assert.ok(sw <= cw, `${name}: no horizontal scroll (${sw} > ${cw})`);
}

/** A screenshot of one element (the survey section), for review. */
async function shotOf(locator, name) {
  if (!SCREENSHOTS) return;
  const bar = (pos) => locator.page().evaluate((p) => { document.querySelector('.bar').style.position = p; }, pos);
  await bar('static'); // not over the section
  await locator.screenshot({ path: `${SCREENSHOTS}/${name}.png` });
  await bar('');
}

async function answer(page, choices) {
  for (const [q, v] of Object.entries(choices))
    await page.locator(`.survey-q[data-q="${q}"] input[value="${v}"]`).check();
}

test('survey in the browser: offered once the case is closed, sealed to the auditor, one answer per code', async () => {
  browser = await launch();
  const page = await open(browser, 'en', { viewport: { width: 320, height: 700 } });
  const en = catalog('en');
  const ar = catalog('ar');
  await chooseLanguage(page, 'en');
  await fillQuestionnaire(page, REPORT);
  const { token, ref } = await submit(page);

  cli(['survey-codes', 'new', '--count', '2']);
  cli(['reply', ref, '-m', 'Thank you for telling us. We have closed your case; a short survey follows.',
    '--survey-code']);
  // The case is still open: no survey.
  await comeBack(page, 'en', token);
  await page.waitForSelector('.messages .message.theirs');
  assert.equal(await page.locator('#survey').isVisible(), false, 'no survey before the case is closed');

  cli(['state', ref, 'closed']);
  await comeBack(page, 'en', token);
  const section = page.locator('#survey');
  await section.waitFor();
  assert.equal(await page.locator('#survey-heading').innerText(), en['survey.heading']);
  const shown = (await page.locator('#survey-code').innerText()).trim();
  assert.match(shown, /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
  assert.equal(await page.locator('.survey-q').count(), 6);
  for (const li of ['survey.anonymous', 'survey.unlinked', 'survey.yearly'])
    assert.ok(await section.getByText(en[li]).isVisible(), li);
  // Each question may be skipped: "No answer" is chosen until the person picks.
  assert.equal(await page.locator('.survey-q input[value=""]:checked').count(), 6);
  await axeClean(page, 'en-320-survey');
  await screenshot(page, 'en-320-survey');
  await shotOf(section, 'en-320-survey-section');

  // Nothing answered: refused here, nothing sent.
  const posts = [];
  page.on('request', (r) => {
    if (new URL(r.url()).pathname === '/v1/survey') posts.push(r.postData());
  });
  await page.getByRole('button', { name: en['survey.send'] }).click();
  await page.locator('#survey-err').waitFor();
  assert.equal(await page.locator('#survey-err').innerText(), en['survey.err.empty']);
  assert.equal(posts.length, 0);

  // Answer four questions and send.
  const answers = { listened: 'yes', informed: 'partly', recommend: 'unsure', overall: '4' };
  await answer(page, answers);
  const [response] = await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname === '/v1/survey'),
    page.getByRole('button', { name: en['survey.send'] }).click(),
  ]);
  assert.equal(response.status(), 201);
  await page.locator('#survey-thanks').waitFor();
  assert.equal(await page.locator('#survey-thanks').innerText(), en['survey.thanks']);
  assert.equal(await page.locator('.survey-form').isVisible(), false);
  assert.equal(posts.length, 1);
  const body = JSON.parse(posts[0]);
  assert.deepEqual(Object.keys(body).sort(), ['code', 'envelope'], 'only the code and the envelope');
  assert.equal(body.code, shown.replace(/-/g, ''), 'the canonical 12 characters');
  assert.ok(!posts[0].includes(ref) && !posts[0].includes(token), 'nothing about the case');
  await axeClean(page, 'en-320-survey-thanks');
  await screenshot(page, 'en-320-survey-thanks');

  // The envelope: kind 7, the auditor only; stored as sent.
  const env = A.b64decode(body.envelope);
  const info = A.envelopeParse(env, 1 << 30);
  assert.equal(info.kind, A.KIND.survey);
  assert.equal(info.hasReporterStanza, false);
  assert.equal(info.nKeyed, 1);
  const auditor = JSON.parse(fs.readFileSync(`${process.env.ABRI_T}/aud.pub.json`, 'utf8'));
  assert.deepEqual(info.kids[0], A.keyId(A.KID_X25519, A.b64decode(auditor.x25519, 32)));
  // In the inbox until the month ends (abrid's housekeeping then moves the
  // month's answers to the auditors' table: tests/integration/survey.sh).
  assert.equal(psql(`select count(*) from survey_inbox where envelope_hash = '\\x${A.toHex(info.hash)}'`
    + ` and envelope = decode('${body.envelope}', 'base64')`), '1', 'stored as sent');

  // The C side opens it as the auditor, with nine more sealed here.
  await auditorReport(info.hash);

  // A later visit, in Arabic: the same code again is refused as spent.
  await page.context().close();
  const stored = psql('select (select count(*) from survey_answers) + (select count(*) from survey_inbox)');
  const page2 = await open(browser, 'ar', { viewport: { width: 320, height: 700 } });
  await chooseLanguage(page2, 'ar');
  await comeBack(page2, 'ar', token);
  await page2.locator('#survey').waitFor();
  assert.equal(await page2.locator('#survey-heading').innerText(), ar['survey.heading']);
  await axeClean(page2, 'ar-320-survey');
  await screenshot(page2, 'ar-320-survey');
  await answer(page2, { safe: 'yes' });
  const [again] = await Promise.all([
    page2.waitForResponse((r) => new URL(r.url()).pathname === '/v1/survey'),
    page2.getByRole('button', { name: ar['survey.send'] }).click(),
  ]);
  assert.equal(again.status(), 403);
  await page2.locator('#survey .alert').filter({ hasText: ar['survey.err.spent'] }).waitFor();
  assert.equal(await page2.locator('#survey-thanks').isVisible(), false);
  await axeClean(page2, 'ar-320-survey-spent');
  await screenshot(page2, 'ar-320-survey-spent');
  await shotOf(page2.locator('#survey'), 'ar-320-survey-section-spent');
  assert.equal(psql('select (select count(*) from survey_answers) + (select count(*) from survey_inbox)'), stored, 'nothing more stored');
  await page2.context().close();
});

// Nine more answers sealed by this module in node (with the list abrid
// serves, verified with the organisation key) and POSTed with codes the
// listener registered; all ten are then moved to the previous month in the
// database (abrid never takes a month from the network and releases only
// ended months) and `abri audit report` — the C side: GET
// /v1/audit/surveys, abri_survey_open with the auditor's key, the survey
// tables — must open every one and count them exactly. Counts are chosen
// as multiples of 5 (the report rounds to 5) at --threshold 5.
async function auditorReport(browserHash) {
  const T = process.env.ABRI_T;
  const url = process.env.ABRI_WEB_URL;
  const org = JSON.parse(fs.readFileSync(`${T}/org.pub.json`, 'utf8'));
  const cfg = await (await fetch(`${url}/v1/config`)).json();
  const list = A.verifyRecipients(cfg.recipients, cfg.deployment_id, A.b64decode(org.ed25519, 32),
    Math.floor(Date.now() / 1000));
  cli(['survey-codes', 'new', '--count', '9']);
  const codes = cli(['survey-codes', 'list']).trim().split('\n').slice(-9);
  assert.equal(codes.length, 9);
  const mine = [
    ...Array(4).fill({ listened: 'yes', informed: 'partly', recommend: 'unsure', overall: 4 }),
    ...Array(5).fill({ listened: 'no', informed: 'yes', language: 'yes', safe: 'yes', recommend: 'no',
      overall: 2 }),
  ];
  const hashes = [A.toHex(browserHash)];
  for (const [i, answers] of mine.entries()) {
    const { envelope, hash } = A.sealSurvey({ cfg, list, answers });
    const res = await fetch(`${url}/v1/survey`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ code: A.surveyCodeNormalise(codes[i]), envelope: A.b64encode(envelope) }),
    });
    assert.equal(res.status, 201, `answer ${i}: ${await res.text()}`);
    hashes.push(A.toHex(hash));
  }
  const now = new Date();
  const prev = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  const month = prev.toISOString().slice(0, 10);
  // The month's batch, as abrid's housekeeping does it when the month ends
  // (its own test: tests/integration/survey.sh), dated last month here.
  const these = hashes.map((x) => `'\\x${x}'`).join(', ');
  psql(`insert into survey_answers select envelope_hash, '${month}', envelope from survey_inbox`
    + ` where envelope_hash in (${these}); delete from survey_inbox where envelope_hash in (${these})`);
  assert.equal(psql(`select count(*) from survey_answers where month = '${month}'`), '10');

  const out = `${T}/survey-report`;
  const said = auditorCli(['audit', 'report', '--year', String(prev.getUTCFullYear()), '--out', out,
    '--threshold', '5']);
  assert.match(said, /Survey: 10 answer\(s\), 0 set aside/, said);
  const table = (q) => Object.fromEntries(fs.readFileSync(`${out}/survey_${q}.csv`, 'utf8').trim()
    .split('\n').slice(1).map((l) => l.split(',')));
  assert.deepEqual(table('listened'), { yes: '5', partly: '0', no: '5', total: '10' });
  assert.deepEqual(table('informed'), { yes: '5', partly: '5', no: '0', total: '10' });
  assert.deepEqual(table('recommend'), { yes: '0', no: '5', unsure: '5', total: '10' });
  assert.deepEqual(table('overall'), { 1: '0', 2: '5', 3: '0', 4: '5', 5: '0', total: '10' });
  assert.deepEqual(table('safe'), { yes: '5', partly: '0', no: '0', total: '5' });
}
