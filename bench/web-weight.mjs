#!/usr/bin/env node
// Weight of the first view: bytes transferred (CDP Network.loadingFinished
// encodedDataLength: body as sent plus headers) with an empty cache until
// the language view is usable (its buttons rendered, body.ready), against
// the 100 KB budget; what loads later in the background (the crypto module,
// libsodium, the KDF worker) listed apart. Then the same load on a 2G-like
// link (Network.emulateNetworkConditions on the page and on the worker
// target): time to the usable first view, to the crypto module ready
// (html[data-crypto=ready]) and to the worker's copy of libsodium.
// Run by bench/web.sh (ABRI_WEB_URL: abrid serving a build). Prints only.
import { Browser, WEB_URL } from './lib/cdp.mjs';

const BUDGET = 100 * 1000;
const SLOW = {
  offline: false,
  latency: 300, // ms round trip
  downloadThroughput: (250 * 1000) / 8, // 250 kbit/s
  uploadThroughput: (50 * 1000) / 8, // 50 kbit/s
};
// What session.js loadCrypto() pulls in after the first view is shown
// (js/sri.js is now part of the first view: js/integrity.js imports it).
const BACKGROUND = /^\/(vendor\/|js\/crypto\/|js\/vendor\.js$|js\/deployment\.js$|js\/kdf-worker\.js$)/;
// Recorded in the page before any of its scripts (over CDP: not subject to the CSP).
const PROBE = `(() => {
  const rec = { usable: null, crypto: null };
  Object.defineProperty(window, '__bench', { value: rec });
  const check = () => {
    const main = document.getElementById('main');
    if (rec.usable === null && document.body && document.body.classList.contains('ready') &&
        document.body.dataset.view === 'lang' && main && main.querySelector('button')) rec.usable = performance.now();
    const c = document.documentElement.dataset.crypto;
    if (rec.crypto === null && c) rec.crypto = [c, performance.now()];
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true });
})();`;

async function load(conditions) {
  const b = await Browser.launch();
  try {
    const page = await b.newPage();
    const reqs = new Map();
    const extra = new Map(); // requestId -> bytes of the response headers
    let workerNet = 'not tried';
    b.on('event', (method, p, session) => {
      if (method === 'Network.requestWillBeSent') {
        reqs.set(p.requestId, { id: p.requestId, url: p.request.url, session, start: p.timestamp, bytes: 0, enc: '', done: null });
      } else if (method === 'Network.responseReceived') {
        const r = reqs.get(p.requestId);
        if (r) r.enc = p.response.headers['content-encoding'] || p.response.headers['Content-Encoding'] || '';
      } else if (method === 'Network.responseReceivedExtraInfo') {
        extra.set(p.requestId, (p.headersText || '').length);
      } else if (method === 'Network.loadingFinished') {
        const r = reqs.get(p.requestId);
        if (r) Object.assign(r, { bytes: p.encodedDataLength, done: p.timestamp });
      }
    });
    b.on('Target.attachedToTarget', async (p, parent) => {
      if (parent !== page) return;
      await b.send('Network.enable', {}, p.sessionId).catch(() => {});
      if (conditions) {
        workerNet = await b.send('Network.emulateNetworkConditions', conditions, p.sessionId).then(() => 'applied', (e) => e.message);
      }
      await b.send('Runtime.runIfWaitingForDebugger', {}, p.sessionId);
    });
    await b.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: true, flatten: true }, page);
    await b.send('Network.enable', {}, page);
    await b.send('Network.setCacheDisabled', { cacheDisabled: true }, page);
    if (conditions) await b.send('Network.emulateNetworkConditions', conditions, page);
    await b.send('Page.enable', {}, page);
    await b.send('Page.addScriptToEvaluateOnNewDocument', { source: PROBE }, page);
    await b.send('Page.navigate', { url: `${WEB_URL}/` }, page);
    await b.waitFor(page, `window.__bench && window.__bench.usable !== null && window.__bench.crypto !== null`, 300000, 50);
    // Then until the network is quiet for a second (the worker's libsodium).
    for (let quiet = 0; quiet < 10; ) {
      await new Promise((r) => setTimeout(r, 100));
      const busy = [...reqs.values()].some((r) => r.done === null);
      quiet = busy ? 0 : quiet + 1;
    }
    const rec = await b.evaluate(page, `window.__bench`);
    const origin = new URL(WEB_URL).origin;
    const rows = [...reqs.values()].filter((r) => r.url.startsWith(origin)).map((r) => {
      const p = new URL(r.url).pathname;
      const where = r.session !== page ? 'worker' : BACKGROUND.test(p) ? 'background' : 'first';
      return { ...r, path: p, where, headers: extra.get(r.id) ?? 0 };
    });
    const t0 = Math.min(...rows.map((r) => r.start));
    return { rows, rec, t0, workerNet };
  } finally {
    await b.close();
  }
}

const kb = (n) => `${(n / 1000).toFixed(1)} kB`;
const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
function table(rows, where) {
  const sel = rows.filter((r) => r.where === where);
  for (const r of sel) console.log(`  ${kb(r.bytes).padStart(9)}  ${(r.enc || 'identity').padEnd(8)}  ${r.path}`);
  const sum = sel.reduce((a, r) => a + r.bytes, 0);
  const heads = sel.reduce((a, r) => a + r.headers, 0);
  console.log(`  ${kb(sum).padStart(9)}  total (${sel.length} requests; of which ${kb(heads)} response headers)`);
  return sum;
}

const fast = await load(null);
console.log('== first view weight (empty cache, bytes on the wire incl. headers)');
const first = table(fast.rows, 'first');
console.log(`first view: ${kb(first)} of the ${kb(BUDGET)} budget -> ${first <= BUDGET ? 'within' : 'OVER'}`);
const fonts = fast.rows.filter((r) => r.where === 'first' && r.path.startsWith('/fonts/')).reduce((a, r) => a + r.bytes, 0);
if (fonts) console.log(`  of which fonts: ${kb(fonts)} (the Ethiopic subset, for the language list's Tigrinya name); without: ${kb(first - fonts)}`);
console.log('-- loaded later, in the background (page: crypto module + libsodium)');
table(fast.rows, 'background');
console.log('-- loaded later by the KDF worker (its own libsodium: integrity check fetch + import)');
table(fast.rows, 'worker');
const encs = new Set(fast.rows.filter((r) => r.bytes > 1000).map((r) => r.enc || 'identity'));
console.log(`content codings used by Chromium: ${[...encs].join(', ')}`);

const slow = await load(SLOW);
const last = (where) => Math.max(...slow.rows.filter((r) => r.where === where).map((r) => r.done ?? 0));
console.log();
console.log('== 2G-like link: 250 kbit/s down, 50 kbit/s up, 300 ms RTT (empty cache)');
console.log(`network emulation on the worker target: ${slow.workerNet}`);
console.log(`first view usable:            ${s(slow.rec.usable)}`);
console.log(`crypto module ready:          ${s(slow.rec.crypto[1])} (data-crypto=${slow.rec.crypto[0]})`);
console.log(`worker's libsodium loaded:    ${s((last('worker') - slow.t0) * 1000)}`);
