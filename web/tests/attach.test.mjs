// Attachments in real Chromium against a real abrid (web.sh), Chromium with
// its fake microphone (launch({ fakeMedia: true })):
//   1. a report with a photo that carries Exif (camera make, orientation,
//      GPS position — spliced into a JPEG made by the browser's canvas), a
//      voice note recorded here (played back before sending; another one
//      recorded and removed; a recording cancelled) and a ~100 KB PDF-ish
//      document; the first chunk PUT is answered by abrid but the answer is
//      dropped once, and the document's second chunk is lost on the way
//      once, so the resume path (GET /v1/uploads/{id}) runs twice; then
//      `abri show REF --save DIR`: the photo is a JPEG with no Exif, no make
//      and no GPS bytes, turned upright; the voice note is a non-empty WebM
//      or Ogg; the document is byte-identical;
//   2. the journey of a new user: the listener replies, the reporter sends
//      a follow-up with a file, the listener codes (consent and referral to
//      the police) and closes the case; the reporter sees the reply and the
//      closed state; the case is purged by `abrid --purge-now` and its
//      uploads and chunks are gone from PostgreSQL;
//   3. the limits of /v1/config give clear messages (count, per file, in all);
//      an upload carries work even at difficulty 0 (abrid accepts it), and a
//      refusal for upload_quota is told in plain words;
//      without MediaRecorder the voice button is hidden and explained;
//      where canvas pixels cannot be read back (Tor Browser) a photo is
//      cleaned byte by byte (web/src/js/strip.js) and still has no GPS;
//   4. axe: no violation on the form with attachments, 320 px, en and ar.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launch, newPage, runAxe, cli, screenshot } from './lib/browser.mjs';
import { canvasJpeg, catalog, chooseLanguage, submit, comeBack } from './lib/flow.mjs';
import { withExif, jpegInfo, GPS_BYTES, MAKE } from './lib/jpeg.mjs';
import { stripJpeg, exifOrientation } from '../src/js/strip.js';

const NARROW = { width: 320, height: 700 };
const UPLOAD_STATUS = /^\/v1\/uploads\/[A-Za-z0-9_-]{22}$/;
const FIRST_CHUNK = /\/v1\/uploads\/[A-Za-z0-9_-]{22}\/0$/;
const SECOND_CHUNK = /\/v1\/uploads\/[A-Za-z0-9_-]{22}\/1$/;

let browser;
before(async () => {
  browser = await launch({ fakeMedia: true });
});
after(async () => {
  await browser?.close();
});

function sql(q) {
  return execFileSync('psql', [process.env.ABRI_DSN, '-v', 'ON_ERROR_STOP=1', '-Atq', '-c', q], {
    encoding: 'utf8',
  }).trim();
}

/** The app at 320 px with a CSP-violation log and the microphone allowed. */
async function openApp(lang, { viewport = NARROW } = {}) {
  const page = await newPage(browser, { lang, viewport, permissions: ['microphone'] });
  page.on('pageerror', (e) => console.error(`[page ${lang}] ${e.message}`));
  const console_ = [];
  page.on('console', (m) => { if (m.type() === 'error') console_.push(m.text()); });
  page.consoleErrors = console_;
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  await page.goto('/');
  await page.waitForSelector('.view-lang h1');
  await chooseLanguage(page, lang);
  await page.locator('.view-start .btn.primary').click();
  await page.waitForSelector('.view-form h1');
  await page.waitForSelector('.view-form fieldset.attach:not([hidden])');
  return page;
}


/** Something that looks like a PDF, ~100 KB (two chunks), not compressible. */
function pdfDocument() {
  const body = Buffer.alloc(100000);
  for (let i = 0, x = 12345; i < body.length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    body[i] = x >>> 24;
  }
  return Buffer.concat([Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1'), body, Buffer.from('\n%%EOF\n')]);
}

/** Through the "Add a photo" button and the browser's file chooser. */
async function addPhoto(page, name, buffer) {
  const before_ = await page.locator('.attach-item').count();
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.locator('.attach-add-photo').click()]);
  assert.equal(chooser.isMultiple(), true);
  await chooser.setFiles({ name, mimeType: 'image/jpeg', buffer });
  await page.waitForFunction((n) => document.querySelectorAll('.attach-item').length > n, before_);
}

async function addDocument(page, name, mimeType, buffer, scope = '') {
  const before_ = await page.locator(`${scope} .attach-item`).count();
  await page.locator(`${scope} .attach-doc-input`).setInputFiles({ name, mimeType, buffer });
  await page.waitForFunction(([s, n]) => document.querySelectorAll(`${s} .attach-item`).length > n, [scope, before_]);
}

async function recordVoice(page, ms) {
  await page.locator('.attach-record').click();
  await page.waitForSelector('.attach-recorder:not([hidden])');
  assert.equal(await page.evaluate(() => document.activeElement.classList.contains('attach-stop')), true,
    'focus moves to "Stop recording"');
  await page.waitForTimeout(ms);
}

async function axeClean(page, what) {
  const v = await runAxe(page);
  assert.deepEqual(v, [], `${what}: axe violations ${JSON.stringify(v, null, 1)}`);
  const { sw, cw } = await page.evaluate(() => ({
    sw: document.documentElement.scrollWidth, cw: document.documentElement.clientWidth,
  }));
  assert.ok(sw <= cw, `${what}: horizontal scroll (${sw} > ${cw})`);
}

function savedFiles(dir) {
  return fs.readdirSync(dir).sort().map((n) => ({ name: n, bytes: fs.readFileSync(path.join(dir, n)) }));
}

const find = (files, suffix) => {
  const f = files.find((x) => x.name.endsWith(suffix));
  assert.ok(f, `no saved file ending in ${suffix}: ${files.map((x) => x.name).join(', ')}`);
  return f;
};

test('a report with a photo (Exif and GPS removed), a voice note and a document; resume; abri show --save; reply, closing and purge', async () => {
  const en = catalog('en');
  const page = await openApp('en');

  // Plain words about what is and is not removed.
  const field = page.locator('.view-form fieldset.attach');
  assert.ok((await field.innerText()).includes(en['attach.photo_note']));
  assert.ok((await field.innerText()).includes(en['attach.document_note']));

  // 1. The photo: canvas JPEG + Exif {make, orientation 6, GPS}.
  const original = withExif(await canvasJpeg(page), { orientation: 6 });
  assert.ok(original.includes(GPS_BYTES) && original.includes(Buffer.from(MAKE)), 'the test photo carries GPS');
  await addPhoto(page, 'IMG_20260101_1200.jpg', original);
  const photoItem = page.locator('.attach-item.attach-photo');
  assert.ok((await photoItem.innerText()).includes('photo-1.jpg'));
  assert.ok((await photoItem.innerText()).includes(en['attach.photo_cleaned']));

  // 2. Voice notes: one kept (played back), one removed, one cancelled.
  await recordVoice(page, 2500);
  assert.notEqual(await page.locator('.attach-timer').innerText(), '0:00', 'the duration runs');
  await page.locator('.attach-stop').click();
  await page.waitForSelector('.attach-item.attach-voice audio');
  await page.waitForFunction(() => document.querySelector('.attach-voice audio').readyState >= 1, null, { timeout: 10000 });
  const played = await page.evaluate(async () => {
    const a = document.querySelector('.attach-voice audio');
    a.muted = true;
    await a.play();
    await new Promise((r) => { setTimeout(r, 300); });
    const t = a.currentTime;
    a.pause();
    return t;
  });
  assert.ok(played > 0, 'the voice note plays back before sending');
  assert.match(await page.locator('.attach-item.attach-voice').innerText(), /0:0[2-3]/);

  await recordVoice(page, 800);
  await page.locator('.attach-stop').click();
  await page.waitForFunction(() => document.querySelectorAll('.attach-item.attach-voice').length === 2);
  await page.locator('.attach-item.attach-voice').nth(1).locator('.attach-remove').click();
  await page.waitForFunction(() => document.querySelectorAll('.attach-item.attach-voice').length === 1);
  assert.ok((await page.locator('.view-form .attach [role=status]').innerText()).includes('voice-2.webm') ||
    (await page.locator('.view-form .attach [role=status]').innerText()).includes('voice-2.ogg'));

  await recordVoice(page, 500);
  await page.locator('.attach-cancel').click();
  await page.waitForSelector('.attach-recorder[hidden]', { state: 'attached' });
  assert.equal(await page.locator('.attach-item').count(), 2, 'a cancelled recording is not kept');

  // 3. The document, sent as it is.
  const pdf = pdfDocument();
  await addDocument(page, 'report.pdf', 'application/pdf', pdf);
  assert.ok((await page.locator('.attach-item.attach-document').innerText()).includes(en['attach.document_as_is']));

  await axeClean(page, 'en form with attachments (320 px)');
  await screenshot(page, 'en-320-attachments-form');

  // The rest of the questionnaire, then the review lists the files.
  await page.locator('input[name=kind][value=violence_domestic]').check();
  await page.locator('input[name=when][value=week]').check();
  const what = 'He hit me again last night. The photo shows the bruise; the letter is from the landlord.';
  await page.locator('textarea[name=what]').fill(what);
  await page.locator('.view-form button[type=submit]').click();
  await page.waitForSelector('.view-review h1');
  const review = await page.locator('.attach-review').innerText();
  for (const n of ['photo-1.jpg', 'report.pdf']) assert.ok(review.includes(n), `review lists ${n}: ${review}`);
  assert.match(review, /voice-1\.(webm|ogg)/);
  await axeClean(page, 'en review with attachments');
  await screenshot(page, 'en-320-attachments-review');

  // The first chunk PUT reaches abrid, but its answer is lost once; the
  // first PUT of a second chunk (the document's) never reaches abrid.
  const seen = { dropped: 0, lost: 0, status: 0, puts: 0, second: 0 };
  await page.route(FIRST_CHUNK, async (route) => {
    if (route.request().method() === 'PUT' && seen.dropped === 0) {
      seen.dropped += 1;
      await route.fetch();
      await route.abort('connectionreset');
    } else await route.continue();
  });
  await page.route(SECOND_CHUNK, async (route) => {
    if (route.request().method() === 'PUT' && seen.lost === 0) {
      seen.lost += 1;
      await route.abort('connectionreset');
    } else await route.continue();
  });
  page.on('request', (r) => {
    const p = new URL(r.url()).pathname;
    if (r.method() === 'GET' && UPLOAD_STATUS.test(p)) seen.status += 1;
    if (r.method() === 'PUT' && p.startsWith('/v1/uploads/')) seen.puts += 1;
    if (r.method() === 'PUT' && SECOND_CHUNK.test(p)) seen.second += 1;
  });
  const { token, ref } = await submit(page);
  assert.equal(seen.dropped, 1, 'the answer to the first chunk was lost once');
  assert.equal(seen.lost, 1, 'a second chunk was lost once');
  assert.ok(seen.status >= 2, 'the app asked abrid which chunks arrived (resume), after each loss');
  assert.equal(seen.second, 2, 'the lost chunk was sent again');
  assert.ok(seen.puts >= 5, `all chunks were sent (${seen.puts} PUTs)`);
  assert.deepEqual(await page.evaluate(() => window.__csp), [], 'no CSP violation');
  assert.deepEqual(page.consoleErrors.filter((e) => !/Failed to load resource/.test(e)), [], 'no console error');

  // The listener's CLI lists and saves the files.
  const shown = cli(['show', ref]);
  for (const n of ['photo-1.jpg', 'report.pdf']) assert.ok(shown.includes(n), `abri show lists ${n}:\n${shown}`);
  assert.match(shown, /voice-1\.(webm|ogg)/);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'abri-attach-'));
  try {
    const saved = cli(['show', ref, '--save', dir]);
    assert.match(saved, /hash verified/);
    const files = savedFiles(dir);
    assert.equal(files.length, 3, `three files saved: ${files.map((f) => f.name)}`);
    for (const f of files) {
      assert.equal(fs.statSync(path.join(dir, f.name)).mode & 0o777, 0o600, `${f.name} is 0600`);
    }
    const photo = find(files, 'photo-1.jpg').bytes;
    const info = jpegInfo(photo);
    assert.ok(info.jpeg && info.end, 'the photo is a JPEG');
    assert.ok(!photo.includes(Buffer.from('Exif')), 'no "Exif" marker');
    assert.ok(!info.markers.includes(0xe1), 'no APP1 segment');
    assert.ok(!photo.includes(GPS_BYTES), 'no GPS bytes');
    assert.ok(!photo.includes(Buffer.from(MAKE)), 'no camera make');
    assert.deepEqual([info.width, info.height], [48, 64], 'turned upright by its Exif orientation, then stripped');
    const voice = files.find((f) => /voice-1\.(webm|ogg)$/.test(f.name));
    assert.ok(voice && voice.bytes.length > 500, 'the voice note is not empty');
    const magic = voice.bytes.subarray(0, 4).toString('hex');
    assert.ok(magic === '1a45dfa3' || magic === '4f676753', `WebM or Ogg (${magic})`);
    assert.ok(find(files, 'report.pdf').bytes.equals(pdf), 'the document is byte-identical');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }

  // 2. The journey: reply, follow-up with a file, coding, closing.
  const replyText = 'We have read your report and looked at the photo. A doctor can document the injury.';
  cli(['reply', ref, '-m', replyText, '--lang', 'en']);
  await comeBack(page, 'en', token);
  await page.locator('.message.theirs', { hasText: replyText }).waitFor();
  const mine = page.locator('.message.mine', { hasText: what });
  assert.ok((await mine.locator('.attach-sent').innerText()).includes('report.pdf'), 'the report lists its files');

  await page.waitForSelector('.view-case fieldset.attach:not([hidden])');
  const letter = Buffer.from('Second letter from the landlord, typed out.\n');
  await addDocument(page, 'letter.txt', 'text/plain', letter, '.view-case');
  await page.locator('#followup').fill('Here is the second letter.');
  await page.locator('.view-case form.write button[type=submit]').click();
  await page.locator('.message.mine', { hasText: 'Here is the second letter.' }).waitFor({ timeout: 60000 });
  assert.equal(await page.locator('.view-case form.write .attach-item').count(), 0, 'the sent file left the composer');
  assert.ok(cli(['show', ref]).includes('letter.txt'), 'abri show lists the follow-up file');
  await axeClean(page, 'en case page with attachments');
  await screenshot(page, 'en-320-attachments-case');

  cli(['code', ref, '--kind', 'violence.domestic', '--context', 'family', '--listened', '--informed',
    '--consent', 'police', '--referred', 'police', '--outcome', 'ongoing']);
  cli(['state', ref, 'closed']);
  await page.locator('.view-case .actions .btn', { hasText: en['case.refresh'] }).click();
  await page.waitForFunction((want) => document.getElementById('case-state')?.textContent === want,
    en['case.state.closed'], { timeout: 30000 });
  assert.equal(await page.locator('.message.theirs', { hasText: replyText }).count(), 1);
  await screenshot(page, 'en-320-attachments-closed');

  // The purge takes the case with its uploads and chunks.
  const tags = sql(`select string_agg(encode(tag, 'hex'), ',') from uploads where case_ref = '${ref}'`).split(',');
  assert.equal(tags.length, 4, `four uploads attached to ${ref}`);
  const inList = tags.map((x) => `decode('${x}', 'hex')`).join(',');
  assert.equal(sql(`select count(*) from upload_chunks where tag in (${inList})`), '5', 'five chunks stored');
  sql(`update cases set purge_after = date '2000-01-03' where case_ref = '${ref}'`);
  const abrid = path.join(process.env.ABRI_BUILD, 'src', 'abrid', 'abrid');
  const out = execFileSync(abrid, ['--purge-now', '-c', path.join(process.env.ABRI_T, 'abrid.conf')],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  assert.match(out, /purged [1-9]\d* cases/);
  assert.equal(sql(`select count(*) from cases where case_ref = '${ref}'`), '0', 'the case is purged');
  assert.equal(sql(`select count(*) from uploads where tag in (${inList})`), '0', 'its uploads are gone');
  assert.equal(sql(`select count(*) from upload_chunks where tag in (${inList})`), '0', 'their chunks are gone');
  await page.context().close();
});

test('limits from /v1/config: clear messages for too many files, a file too big, too much in all', async () => {
  const en = catalog('en');
  const page = await newPage(browser, { lang: 'en', viewport: NARROW });
  await page.route('**/v1/config', async (route) => {
    const res = await route.fetch();
    const cfg = await res.json();
    cfg.limits = { ...cfg.limits, max_upload_bytes: 131072, max_case_upload_bytes: 262144, max_attachments: 3 };
    await route.fulfill({ response: res, json: cfg });
  });
  await page.goto('/');
  await page.waitForSelector('.view-lang h1');
  await chooseLanguage(page, 'en');
  await page.locator('.view-start .btn.primary').click();
  await page.waitForSelector('.view-form fieldset.attach:not([hidden])');
  assert.ok((await page.locator('.view-form fieldset.attach').innerText()).includes('3 files'));
  const alert = page.locator('.view-form .attach [role=alert]');

  // 131072 bytes would need 3 chunks (196608 > 131072): refused.
  await page.locator('.attach-doc-input').setInputFiles({ name: 'big.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(131072) });
  await alert.waitFor();
  assert.equal((await alert.innerText()).trim(), en['attach.err.too_big'].replace('{name}', 'big.bin').replace('{size}', '128 KB'));
  const alertIs = (want) => page.waitForFunction((w) => {
    const a = document.querySelector('.view-form .attach [role=alert]');
    return !a.hidden && a.textContent.trim() === w;
  }, want);
  await addDocument(page, 'a.bin', 'application/octet-stream', Buffer.alloc(70000)); // 2 chunks = 131072
  await addDocument(page, 'b.bin', 'application/octet-stream', Buffer.alloc(70000)); // in all 262144 = the limit
  await page.locator('.attach-doc-input').setInputFiles({ name: 'c.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(10) });
  await alertIs(en['attach.err.total'].replace('{size}', '256 KB'));
  assert.equal(await page.locator('.attach-item').count(), 2);
  // Remove one: a small file fits again; a fourth file is refused by count.
  await page.locator('.attach-item').nth(1).locator('.attach-remove').click();
  await addDocument(page, 'c.bin', 'application/octet-stream', Buffer.alloc(10));
  await addDocument(page, 'd.bin', 'application/octet-stream', Buffer.alloc(10));
  await page.locator('.attach-doc-input').setInputFiles({ name: 'e.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(10) });
  await alertIs(en['attach.err.too_many'].replace('{count}', '3'));
  assert.equal(await page.locator('.attach-item').count(), 3);
  // A picture that cannot be decoded is refused as a photo, with the reason.
  await page.locator('.attach-item').nth(2).locator('.attach-remove').click();
  await page.locator('.attach-photo-input').setInputFiles({ name: 'broken.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('not a jpeg') });
  await page.waitForFunction(() => /broken\.jpg/.test(document.querySelector('.view-form .attach [role=alert]').textContent));
  await axeClean(page, 'en form with attachment errors');
  await page.context().close();
});

test('an upload always carries work that grows with its size; past the quota the person is told plainly', async () => {
  const en = catalog('en');
  const page = await openApp('en');
  const announced = [];
  await page.route('**/v1/uploads', async (route) => {
    announced.push(JSON.parse(route.request().postData()));
    if (announced.length === 1) {
      // abrid's real answer to the first: the work is accepted.
      const res = await route.fetch();
      assert.equal(res.status(), 201, 'abrid accepts the announcement and its work');
      await route.fulfill({ response: res });
      return;
    }
    await route.fulfill({
      status: 503, contentType: 'application/json', headers: { 'Retry-After': '600' },
      body: JSON.stringify({ error: { code: 'upload_quota', message: 'The server cannot take more files now.' } }),
    });
  });
  await addDocument(page, 'a.pdf', 'application/pdf', pdfDocument()); // 2 chunks
  await addDocument(page, 'b.pdf', 'application/pdf', pdfDocument());
  await page.locator('input[name=kind][value=violence_domestic]').check();
  await page.locator('input[name=when][value=week]').check();
  await page.locator('textarea[name=what]').fill('The letters are attached.');
  await page.locator('.view-form button[type=submit]').click();
  await page.waitForSelector('.view-review h1');
  await page.locator('.view-review .btn.primary').click();
  const alert = page.locator('.view-review .alert');
  await alert.filter({ hasText: en['attach.err.quota'] }).waitFor({ timeout: 60000 });
  assert.equal(announced.length, 2, 'the second file was refused');
  for (const a of announced) {
    assert.equal(a.chunks, 2);
    assert.ok(a.pow && typeof a.pow.challenge === 'string' && Number.isInteger(a.pow.counter),
      'work on an upload even at difficulty 0');
  }
  assert.equal(await page.locator('.view-receipt h1').count(), 0, 'nothing was submitted');
  await page.context().close();
});

test('without MediaRecorder (Tor Browser, old browsers) the voice button is hidden and explained', async () => {
  const en = catalog('en');
  const page = await newPage(browser, { lang: 'en', viewport: NARROW });
  await page.addInitScript(() => { delete window.MediaRecorder; });
  await page.goto('/');
  await page.waitForSelector('.view-lang h1');
  await chooseLanguage(page, 'en');
  await page.locator('.view-start .btn.primary').click();
  await page.waitForSelector('.view-form fieldset.attach:not([hidden])');
  assert.equal(await page.locator('.attach-record').isVisible(), false);
  assert.equal((await page.locator('.attach-no-recorder').innerText()).trim(), en['attach.no_recorder']);
  assert.equal(await page.locator('.attach-add-photo').isVisible(), true);
  assert.equal(await page.locator('.attach-add-doc').isVisible(), true);
  await page.context().close();
});

test('where the page cannot read a canvas back (Tor Browser), photos are cleaned byte by byte', async () => {
  const page = await newPage(browser, { lang: 'en', viewport: NARROW });
  // As Tor Browser does: pixels read back from a canvas are blank.
  await page.addInitScript(() => {
    const real = CanvasRenderingContext2D.prototype.getImageData;
    CanvasRenderingContext2D.prototype.getImageData = function blank(...args) {
      const d = real.apply(this, args);
      d.data.fill(255);
      return d;
    };
  });
  await page.goto('/');
  await page.waitForSelector('.view-lang h1');
  await chooseLanguage(page, 'en');
  await page.locator('.view-start .btn.primary').click();
  await page.waitForSelector('.view-form fieldset.attach:not([hidden])');
  const original = withExif(await canvasJpeg(page), { orientation: 6 });
  await addPhoto(page, 'IMG_0001.jpg', original);
  assert.equal(await page.locator('.attach-item.attach-photo .attach-thumb').count(), 0, 'no canvas, no thumbnail');
  await page.locator('input[name=kind][value=violence_other]').check();
  await page.locator('input[name=when][value=year]').check();
  await page.locator('textarea[name=what]').fill('A photo from a browser that blocks canvas reading.');
  await page.locator('.view-form button[type=submit]').click();
  await page.waitForSelector('.view-review h1');
  const { ref } = await submit(page);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'abri-attach-'));
  try {
    cli(['show', ref, '--save', dir]);
    const photo = find(savedFiles(dir), 'photo-1.jpg').bytes;
    assert.ok(!photo.includes(GPS_BYTES) && !photo.includes(Buffer.from(MAKE)), 'no GPS, no camera make');
    assert.ok(photo.equals(Buffer.from(stripJpeg(new Uint8Array(original)))), 'exactly strip.js\'s output');
    const info = jpegInfo(photo);
    assert.ok(info.jpeg && info.end);
    assert.deepEqual([info.width, info.height], [64, 48], 'the image data as it was');
    assert.equal(exifOrientation(photo.subarray(2)), 6, 'only the orientation remains, so it shows upright');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  await page.context().close();
});

test('Arabic, 320 px: the attachments field is right to left and has no axe violation', async () => {
  const ar = catalog('ar');
  const page = await openApp('ar');
  assert.equal(await page.evaluate(() => document.documentElement.dir), 'rtl');
  await addPhoto(page, 'صورة.jpg', withExif(await canvasJpeg(page)));
  await addDocument(page, 'رسالة.pdf', 'application/pdf', pdfDocument());
  await recordVoice(page, 1200);
  await axeClean(page, 'ar form while recording (320 px)');
  await screenshot(page, 'ar-320-attachments-recording');
  await page.locator('.attach-stop').click();
  await page.waitForSelector('.attach-item.attach-voice');
  const text = await page.locator('.view-form fieldset.attach').innerText();
  for (const k of ['attach.legend', 'attach.photo_note', 'attach.document_note', 'attach.kind.photo', 'attach.kind.voice']) {
    assert.ok(text.includes(ar[k]), `Arabic text ${k}`);
  }
  await axeClean(page, 'ar form with attachments (320 px)');
  await screenshot(page, 'ar-320-attachments-form');
  await page.context().close();
});
