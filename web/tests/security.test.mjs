// Security properties of the web app as served by the real abrid
// (tests/integration/web.sh): the headers on every static file and API
// answer, Clear-Site-Data on /v1/exit, precompressed variants, path
// traversal, and in Chromium: no CSP violation, nothing stored, no other
// origin contacted, WebAssembly really used by the crypto module, and a
// modified libsodium or app module (of the first page, or loaded later)
// refused before it runs.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import zlib from 'node:zlib';

import { launch, newPage, screenshot, WEB_URL } from './lib/browser.mjs';

const ROOT = process.env.ABRI_T ? path.join(process.env.ABRI_T, 'web') : null;
const CSP =
  "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; " +
  "img-src 'self' data:; media-src blob:; font-src 'self'; connect-src 'self'; worker-src 'self'; " +
  "manifest-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const COMMON = {
  'content-security-policy': CSP,
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(self), geolocation=(), interest-cohort=()',
};
const TYPES = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  mjs: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  json: 'application/json; charset=utf-8',
  wasm: 'application/wasm',
  woff2: 'font/woff2',
  svg: 'image/svg+xml',
  png: 'image/png',
  ico: 'image/x-icon',
  txt: 'text/plain; charset=utf-8',
};

// One raw HTTP exchange: the path goes out exactly as given (no
// normalisation of "..", no automatic decompression).
function request(method, rawPath, { headers = {}, body } = {}) {
  const url = new URL(WEB_URL);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, method, path: rawPath, headers, agent: false },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

function assertCommon(res, what) {
  for (const [name, value] of Object.entries(COMMON)) {
    assert.equal(res.headers[name], value, `${what}: ${name}`);
  }
  assert.equal(res.headers['set-cookie'], undefined, `${what}: Set-Cookie`);
}

// Every file of the build that abrid serves by name (not the .gz/.br copies).
function servedFiles(dir, rel = '') {
  const out = [];
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    if (e.name.startsWith('.')) continue;
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...servedFiles(dir, r));
    else if (e.isFile() && TYPES[path.extname(e.name).slice(1)]) out.push(r);
  }
  return out.sort();
}

describe('static files served by abrid', { skip: ROOT === null && 'ABRI_T not set' }, () => {
  test('every file: 200, its bytes, its Content-Type and the security headers', async () => {
    const files = servedFiles(ROOT);
    assert.ok(files.includes('index.html'), 'the build has index.html');
    assert.ok(files.includes('js/deployment.js'), 'the build has js/deployment.js');
    for (const f of files) {
      const res = await request('GET', `/${f}`);
      assert.equal(res.status, 200, f);
      assert.ok(res.body.equals(fs.readFileSync(path.join(ROOT, f))), `${f}: body`);
      assert.equal(res.headers['content-type'], TYPES[path.extname(f).slice(1)], `${f}: type`);
      assert.equal(res.headers['content-encoding'], undefined, `${f}: not encoded unasked`);
      assert.equal(res.headers.vary, 'Accept-Encoding', `${f}: Vary`);
      assertCommon(res, f);
    }
  });

  test('"/" is index.html; HEAD has the headers and no body', async () => {
    const index = fs.readFileSync(path.join(ROOT, 'index.html'));
    const res = await request('GET', '/?from=somewhere');
    assert.equal(res.status, 200);
    assert.ok(res.body.equals(index));
    const head = await request('HEAD', '/');
    assert.equal(head.status, 200);
    assert.equal(head.body.length, 0);
    assert.equal(Number(head.headers['content-length']), index.length);
    assertCommon(head, 'HEAD /');
  });

  test('precompressed copies are served when accepted and decode to the same bytes', async () => {
    let br = 0;
    let gz = 0;
    for (const f of servedFiles(ROOT)) {
      const plain = fs.readFileSync(path.join(ROOT, f));
      if (fs.existsSync(path.join(ROOT, `${f}.br`))) {
        const res = await request('GET', `/${f}`, { headers: { 'Accept-Encoding': 'gzip, deflate, br' } });
        assert.equal(res.headers['content-encoding'], 'br', f);
        assert.equal(res.headers.vary, 'Accept-Encoding');
        assert.ok(zlib.brotliDecompressSync(res.body).equals(plain), `${f}.br decodes`);
        assertCommon(res, `${f} (br)`);
        br++;
      }
      if (fs.existsSync(path.join(ROOT, `${f}.gz`))) {
        const res = await request('GET', `/${f}`, { headers: { 'Accept-Encoding': 'gzip' } });
        assert.equal(res.headers['content-encoding'], 'gzip', f);
        assert.ok(zlib.gunzipSync(res.body).equals(plain), `${f}.gz decodes`);
        assertCommon(res, `${f} (gzip)`);
        gz++;
      }
    }
    assert.ok(br > 0 && gz > 0, 'the build has precompressed files');
    const refused = await request('GET', '/index.html', { headers: { 'Accept-Encoding': 'br;q=0, gzip;q=0' } });
    assert.equal(refused.headers['content-encoding'], undefined, 'q=0 refuses a coding');
  });

  test('the page references its scripts and module preloads with matching Subresource Integrity', async () => {
    const html = fs.readFileSync(path.join(ROOT, 'index.html'), 'utf8');
    const scripts = [...html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"[^>]*>/g)];
    const preloads = [...html.matchAll(/<link\b[^>]*\brel="modulepreload"[^>]*\bhref="([^"]+)"[^>]*>/g)];
    assert.ok(scripts.length > 0, 'index.html loads a script');
    assert.ok(preloads.length > 10, 'index.html preloads the modules');
    const tags = [...scripts, ...preloads];
    for (const [tag, src] of tags) {
      if (/^[a-z]+:|^\/\//i.test(src)) assert.fail(`third-party script ${src}`);
      const m = tag.match(/integrity="sha384-([^"]+)"/);
      assert.ok(m, `${src} has an integrity attribute`);
      const file = path.join(ROOT, src.replace(/^\//, ''));
      assert.equal(m[1], createHash('sha384').update(fs.readFileSync(file)).digest('base64'), src);
    }
  });

  test('js/sri.js holds the SHA-384 of the vendored libsodium modules', async () => {
    // Read as text: node would take the build's .js files for CommonJS.
    const all = fs.readFileSync(path.join(ROOT, 'js', 'sri.js'), 'utf8');
    const text = all.slice(all.indexOf('export const VENDOR'), all.indexOf('export const DYNAMIC'));
    const VENDOR = [...text.matchAll(/path: "([^"]+)", integrity: "([^"]+)"/g)].map((m) => ({ path: m[1], integrity: m[2] }));
    const names = VENDOR.map((v) => v.path);
    assert.deepEqual(names, ['vendor/libsodium-sumo.mjs', 'vendor/libsodium-wrappers.mjs'], 'load order');
    for (const { path: p, integrity } of VENDOR) {
      const digest = createHash('sha384').update(fs.readFileSync(path.join(ROOT, p))).digest('base64');
      assert.equal(integrity, `sha384-${digest}`, p);
    }
  });

  test('traversal, dotfiles, encoded tricks and symlinks give 404', async () => {
    const leak = path.join(ROOT, 'leak.txt');
    fs.symlinkSync('/etc/passwd', leak);
    try {
      const bad = [
        '/../../../../etc/passwd',
        '/js/../../../../etc/passwd',
        '/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
        '/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd',
        '/js/%2e%2e/index.html',
        '/..%2f..%2fetc%2fpasswd',
        '/index.html%00.png',
        '/js%5c..%5cindex.html',
        '/.abri-web-build',
        '/index.html.gz',
        '/index.html.br',
        '/js/',
        '/js',
        '//etc/passwd',
        '/leak.txt',
        '/does-not-exist.js',
      ];
      for (const p of bad) {
        const res = await request('GET', p);
        assert.equal(res.status, 404, p);
        assert.ok(!res.body.toString('latin1').includes('root:'), `${p}: no /etc/passwd`);
        assertCommon(res, p);
      }
    } finally {
      fs.unlinkSync(leak);
    }
    const post = await request('POST', '/index.html', { body: '' });
    assert.equal(post.status, 405);
    assertCommon(post, 'POST /index.html');
  });
});

describe('API answers', () => {
  test('JSON answers carry the same headers, errors included', async () => {
    const cases = [
      ['GET', '/healthz', undefined, 200],
      ['GET', '/v1/config', undefined, 200],
      ['POST', '/v1/challenge', '{}', 200],
      ['GET', '/v1/recipients/1', undefined, 200],
      ['GET', '/v1/nothing-here', undefined, 404],
      ['GET', '/v1/../index.html', undefined, 404],
      ['DELETE', '/v1/config', undefined, 405],
      ['POST', '/v1/cases/open', '{"lookup_key": "bad"}', 400],
      ['POST', '/v1/cases/open', 'not json', 400],
    ];
    for (const [method, p, body, status] of cases) {
      const res = await request(method, p, { body, headers: body ? { 'Content-Type': 'application/json' } : {} });
      assert.equal(res.status, status, `${method} ${p}`);
      assert.equal(res.headers['content-type'], 'application/json', `${method} ${p}`);
      JSON.parse(res.body.toString('utf8'));
      assertCommon(res, `${method} ${p}`);
    }
  });

  test('/v1/config names the neutral quick-exit site', async () => {
    const res = await request('GET', '/v1/config');
    const cfg = JSON.parse(res.body.toString('utf8'));
    assert.equal(cfg.quick_exit_url, 'https://www.wikipedia.org/');
  });

  test('POST /v1/exit answers 204 with Clear-Site-Data', async () => {
    for (const body of [undefined, '', 'x']) {
      const res = await request('POST', '/v1/exit', { body, headers: { 'Content-Type': 'text/plain' } });
      assert.equal(res.status, 204);
      assert.equal(res.body.length, 0);
      assert.equal(res.headers['clear-site-data'], '"cache", "cookies", "storage"');
      assertCommon(res, 'POST /v1/exit');
    }
    const get = await request('GET', '/v1/exit');
    assert.equal(get.status, 405);
  });
});

// Counts WebAssembly compilations and remembers CSP violations; runs before
// any page script (injected over the DevTools protocol, so the CSP does not
// apply to it).
const INIT_SCRIPT = `(() => {
  const rec = { wasm: 0, wasmOk: 0, csp: [] };
  Object.defineProperty(window, '__abriTest', { value: rec });
  document.addEventListener('securitypolicyviolation', (e) => {
    rec.csp.push(e.violatedDirective + ' ' + e.blockedURI);
  }, true);
  for (const name of ['instantiate', 'compile', 'instantiateStreaming', 'compileStreaming']) {
    const orig = WebAssembly[name];
    if (typeof orig !== 'function') continue;
    WebAssembly[name] = function (...args) {
      rec.wasm++;
      const p = orig.apply(this, args);
      p.then(() => { rec.wasmOk++; }, () => {});
      return p;
    };
  }
})();`;

describe('in Chromium', { skip: ROOT === null && 'ABRI_T not set' }, () => {
  let browser;
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  test('no CSP violation, no other origin, nothing stored, WebAssembly used', async () => {
    const page = await newPage(browser, { lang: 'en' });
    const context = page.context();
    const origin = new URL(WEB_URL).origin;
    const problems = [];
    const foreign = [];
    const badHeaders = [];
    page.on('console', (m) => {
      if (/Content.Security.Policy|Refused to|integrity/i.test(m.text())) problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    context.on('request', (r) => {
      const u = r.url();
      if (!u.startsWith('data:') && !u.startsWith('blob:') && new URL(u).origin !== origin) foreign.push(u);
    });
    context.on('response', async (r) => {
      if (new URL(r.url()).origin !== origin) return;
      const h = await r.allHeaders();
      for (const [name, value] of Object.entries(COMMON)) {
        if (h[name] !== value) badHeaders.push(`${r.url()}: ${name}=${h[name]}`);
      }
      if (h['set-cookie'] !== undefined) badHeaders.push(`${r.url()}: Set-Cookie`);
    });
    await context.addInitScript(INIT_SCRIPT);
    const cdp = await context.newCDPSession(page);
    const wasmScripts = [];
    cdp.on('Debugger.scriptParsed', (e) => {
      if (e.scriptLanguage === 'WebAssembly') wasmScripts.push(e.url);
    });
    await cdp.send('Debugger.enable');

    const res = await page.goto('/', { waitUntil: 'load' });
    assert.equal(res.status(), 200);
    assert.equal(await page.title(), 'Information', 'neutral title');
    assert.equal(new URL(page.url()).pathname, '/');

    // The app loads libsodium in the background (html[data-crypto=ready]);
    // if it does not, load the crypto module as the app would.
    let ready = await page
      .waitForFunction(() => document.documentElement.dataset.crypto === 'ready', null, { timeout: 30000 })
      .then(() => true, () => false);
    if (!ready) {
      await page.evaluate(async () => {
        const m = await import('/js/crypto/abri.js');
        await m.init();
      });
      ready = true;
    }
    // Use the page a little: twice the first visible button of the view
    // (the quick exit is outside <main>): a language, then the first step.
    for (let step = 0; step < 2; step++) {
      for (const b of await page.locator('main button').all()) {
        if (await b.isVisible().catch(() => false)) {
          await b.click({ timeout: 2000 }).catch(() => {});
          break;
        }
      }
      await page.waitForTimeout(300);
    }
    await screenshot(page, 'security-first-view');

    const rec = await page.evaluate(() => window.__abriTest);
    assert.ok(rec.wasm > 0 && rec.wasmOk > 0, `WebAssembly instantiated (${JSON.stringify(rec)})`);
    assert.ok(wasmScripts.length > 0, 'DevTools saw a WebAssembly module compiled');
    assert.deepEqual(rec.csp, [], 'securitypolicyviolation events');
    assert.deepEqual(problems, [], 'console CSP/SRI messages and page errors');
    assert.deepEqual(foreign, [], 'requests to another origin');
    assert.deepEqual(badHeaders, [], 'headers of every same-origin answer');

    const stored = await page.evaluate(async () => ({
      local: localStorage.length,
      session: sessionStorage.length,
      idb: indexedDB.databases ? (await indexedDB.databases()).length : 0,
      sw: navigator.serviceWorker ? (await navigator.serviceWorker.getRegistrations()).length : 0,
      caches: globalThis.caches ? (await caches.keys()).length : 0,
      cookie: document.cookie,
    }));
    assert.deepEqual(stored, { local: 0, session: 0, idb: 0, sw: 0, caches: 0, cookie: '' });
    assert.deepEqual(await context.cookies(), []);
    await context.close();
  });

  // The worker's answer to an empty request: 'invalid' when libsodium
  // loaded (the empty token is refused), 'integrity' when the check failed.
  const workerCode = (page) =>
    page.evaluate(
      () =>
        new Promise((resolve) => {
          const w = new Worker('/js/kdf-worker.js', { type: 'module' });
          w.onmessage = (e) => resolve(e.data.code ?? 'ok');
          w.onerror = (e) => resolve(`error ${e.message}`);
          w.postMessage({ id: 't', digits: '', tenant: '' });
        }),
    );

  for (const name of ['libsodium-wrappers.mjs', 'libsodium-sumo.mjs']) {
    test(`a modified vendor/${name} is refused by the page and the worker`, async () => {
      const file = path.join(ROOT, 'vendor', name);
      const original = fs.readFileSync(file);
      const copies = {};
      for (const x of ['.gz', '.br']) {
        if (fs.existsSync(file + x)) copies[x] = fs.readFileSync(file + x);
      }
      // One byte changed, still valid JavaScript: only the integrity check
      // can refuse it. The compressed copies go, so these bytes are served.
      const tampered = Buffer.from(original);
      assert.equal(tampered[tampered.length - 1], 0x0a, 'ends with a newline');
      tampered[tampered.length - 1] = 0x20;
      fs.writeFileSync(file, tampered);
      for (const x of Object.keys(copies)) fs.unlinkSync(file + x);
      try {
        const page = await newPage(browser, { lang: 'en' });
        const integrity = [];
        page.on('console', (m) => {
          if (/integrity/i.test(m.text()) && m.text().includes(`vendor/${name}`)) integrity.push(m.text());
        });
        await page.goto('/', { waitUntil: 'load' });
        await page.waitForFunction(() => document.documentElement.dataset.crypto, null, { timeout: 30000 });
        assert.equal(await page.evaluate(() => document.documentElement.dataset.crypto), 'failed');
        assert.ok(integrity.length > 0, 'Chromium reports the integrity failure on the console');
        assert.ok(await page.locator('main button').first().isVisible(), 'the first view still works');
        assert.equal(await workerCode(page), 'integrity', 'the worker refuses the file too');
        await page.context().close();
      } finally {
        fs.writeFileSync(file, original);
        for (const [x, data] of Object.entries(copies)) fs.writeFileSync(file + x, data);
      }
      // Restored: both load again.
      const page = await newPage(browser, { lang: 'en' });
      await page.goto('/', { waitUntil: 'load' });
      await page.waitForFunction(() => document.documentElement.dataset.crypto, null, { timeout: 30000 });
      assert.equal(await page.evaluate(() => document.documentElement.dataset.crypto), 'ready');
      assert.equal(await workerCode(page), 'invalid', 'the worker loads libsodium');
      await page.context().close();
    });
  }

  // Every module the page runs is integrity-checked before any of it runs
  // (docs/web.md, "Integrity of every module"). One module at a time is
  // modified in the build: a line is appended that records that it ran
  // (still valid JavaScript, so only the integrity check can refuse it) and
  // its .gz/.br copies are removed, so that these bytes are served.
  const MODULES = (() => {
    if (ROOT === null) return { boot: [], later: [] };
    const boot = fs.readFileSync(path.join(ROOT, 'js', 'boot.js'), 'utf8');
    const sri = fs.readFileSync(path.join(ROOT, 'js', 'sri.js'), 'utf8');
    return {
      // Checked by js/boot.js before the app starts (index.html preloads them).
      boot: [...boot.matchAll(/^ {2}\["([^"]+)", "sha384-[^"]+"\],$/gm)].map((m) => m[1]),
      // Loaded later through importChecked() (js/sri.js DYNAMIC).
      later: [...new Set([...sri.slice(sri.indexOf('export const DYNAMIC')).matchAll(/path: "([^"]+)"/g)].map((m) => m[1]))],
    };
  })();

  function tamper(rel) {
    const file = path.join(ROOT, ...rel.split('/'));
    const original = fs.readFileSync(file);
    const copies = {};
    for (const x of ['.gz', '.br']) {
      if (fs.existsSync(file + x)) copies[x] = fs.readFileSync(file + x);
    }
    const mark = `\n;(globalThis.__abriTampered ??= []).push(${JSON.stringify(rel)});\n`;
    fs.writeFileSync(file, Buffer.concat([original, Buffer.from(mark)]));
    for (const x of Object.keys(copies)) fs.unlinkSync(file + x);
    return () => {
      fs.writeFileSync(file, original);
      for (const [x, data] of Object.entries(copies)) fs.writeFileSync(file + x, data);
    };
  }

  // A fresh page on "/" that notes the requests for `rel` and Chromium's
  // integrity errors naming it.
  async function openWatching(rel) {
    const page = await newPage(browser, { lang: 'en' });
    const url = `${new URL(WEB_URL).origin}/${rel}`;
    const seen = { fetched: 0, refused: 0 };
    page.on('request', (r) => {
      if (r.url() === url) seen.fetched++;
    });
    page.on('console', (m) => {
      if (/integrity/i.test(m.text()) && m.text().includes(`'${url}'`)) seen.refused++;
    });
    await page.goto('/', { waitUntil: 'load' });
    return { page, seen };
  }
  const ran = (page) => page.evaluate(() => globalThis.__abriTampered ?? []);

  test('js/boot.js and the modules of the first page: a modified one stops the app before any of it runs', async () => {
    assert.ok(MODULES.boot.includes('js/main.js') && MODULES.boot.includes('js/views/session.js'), 'boot.js lists them');
    for (const rel of ['js/boot.js', ...MODULES.boot]) {
      const undo = tamper(rel);
      try {
        const { page, seen } = await openWatching(rel);
        if (rel === 'js/boot.js') {
          // The page's only script is refused: nothing at all runs.
          await page.waitForTimeout(1500);
        } else {
          // Stopped, or (were the check missing) the app started.
          await page.waitForFunction(() => document.documentElement.dataset.app === 'stopped' ||
            document.querySelector('.view-lang') !== null, null, { timeout: 15000 });
        }
        assert.deepEqual(await ran(page), [], `${rel}: the modified module did not run`);
        assert.equal(await page.locator('.view-lang').count(), 0, `${rel}: the app drew no view`);
        if (rel === 'js/boot.js') {
          assert.equal(await page.evaluate(() => document.documentElement.dataset.app), undefined, rel);
        } else {
          assert.equal(await page.evaluate(() => document.documentElement.dataset.app), 'stopped', rel);
          assert.ok(await page.locator('#load-stopped').isVisible(), `${rel}: the page says it stopped`);
          assert.equal(await page.locator('#main').isVisible(), false, `${rel}: no "Loading…" left`);
          assert.equal(await page.locator('#lang-btn').isVisible(), false, `${rel}: no language button`);
        }
        assert.equal(await page.evaluate(() => document.documentElement.dataset.crypto), undefined, rel);
        assert.ok(seen.fetched > 0, `${rel}: fetched`);
        assert.ok(seen.refused > 0, `${rel}: Chromium reports the integrity failure`);
        if (rel === 'js/quickexit.js') {
          // Its module is the one refused: the quick exit still leaves.
          await screenshot(page, 'security-stopped');
          const exitUrl = 'https://www.wikipedia.org/';
          await page.route(exitUrl, (route) => route.fulfill({ contentType: 'text/html', body: '<p>neutral page</p>' }));
          const left = page.waitForURL(exitUrl);
          await page.locator('#quick-exit').click();
          await left;
        }
        await page.context().close();
      } finally {
        undo();
      }
    }
    // Restored: the app starts.
    const { page } = await openWatching('js/main.js');
    await page.waitForSelector('.view-lang h1');
    await page.waitForFunction(() => document.documentElement.dataset.crypto === 'ready', null, { timeout: 30000 });
    assert.equal(await page.evaluate(() => document.documentElement.dataset.app), undefined);
    await page.context().close();
  });

  // Loaded once the first view is shown (session.js loadCrypto()); the
  // attachment module, loaded only when files are sent, is tested below.
  for (const rel of MODULES.later.filter((r) => r !== 'js/crypto/attach.js')) {
    test(`a modified ${rel} is refused: it does not run, the crypto module fails`, async () => {
      const undo = tamper(rel);
      try {
        const { page, seen } = await openWatching(rel);
        await page.waitForFunction(() => document.documentElement.dataset.crypto, null, { timeout: 30000 });
        assert.deepEqual(await ran(page), [], 'the modified module did not run');
        assert.equal(await page.evaluate(() => document.documentElement.dataset.crypto), 'failed');
        assert.ok(seen.fetched > 0, 'fetched');
        assert.ok(seen.refused > 0, 'Chromium reports the integrity failure');
        assert.ok(await page.locator('.view-lang h1').isVisible(), 'the first view is drawn');
        await page.context().close();
      } finally {
        undo();
      }
      const { page } = await openWatching(rel);
      await page.waitForFunction(() => document.documentElement.dataset.crypto, null, { timeout: 30000 });
      assert.equal(await page.evaluate(() => document.documentElement.dataset.crypto), 'ready', 'restored: it loads');
      assert.deepEqual(await ran(page), []);
      await page.context().close();
    });
  }

  test('a modified js/crypto/attach.js is refused when a file is sent: nothing is uploaded', async () => {
    assert.ok(MODULES.later.includes('js/crypto/attach.js'));
    const undo = tamper('js/crypto/attach.js');
    try {
      const { page, seen } = await openWatching('js/crypto/attach.js');
      const posts = [];
      page.on('request', (r) => {
        if (r.method() !== 'GET' && new URL(r.url()).pathname.startsWith('/v1/')) posts.push(new URL(r.url()).pathname);
      });
      await page.waitForFunction(() => document.documentElement.dataset.crypto === 'ready', null, { timeout: 30000 });
      await page.locator('.lang-btn[lang="en"]').click();
      await page.locator('.view-start .btn.primary').click();
      await page.locator('input[name=kind][value=violence_domestic]').check();
      await page.locator('input[name=when][value=week]').check();
      await page.locator('textarea[name=what]').fill('A report with a document.');
      await page.locator('.attach-doc-input').setInputFiles({ name: 'note.txt', mimeType: 'text/plain',
        buffer: Buffer.from('a document\n') });
      await page.waitForSelector('.attach-item');
      await page.locator('.view-form button[type=submit]').click();
      await page.waitForSelector('.view-review h1');
      await page.locator('.view-review .btn.primary').click();
      await page.locator('.view-review .alert:not([hidden])').waitFor({ timeout: 30000 });
      assert.equal(seen.fetched > 0 && seen.refused > 0, true, 'fetched and refused');
      assert.deepEqual(await ran(page), [], 'the modified module did not run');
      assert.deepEqual(posts.filter((p) => p.startsWith('/v1/uploads') || p.startsWith('/v1/cases')), [],
        'nothing uploaded or submitted');
      await page.context().close();
    } finally {
      undo();
    }
  });
});
