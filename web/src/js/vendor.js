// SPDX-License-Identifier: AGPL-3.0-or-later
// Integrity of the vendored libsodium modules, which crypto/abri.js loads
// with a dynamic import(): import() carries no Subresource Integrity, and an
// import map with an "integrity" section would be an inline script, which
// the CSP forbids. js/sri.js (written by web/build.mjs) holds their SHA-384.
//
// Page: preloadVendor() inserts <link rel=modulepreload integrity=...> for
// each file, the raw library first (js/integrity.js), and waits for their
// load events. Chromium puts a preloaded module in the document's module
// map, so the later import() and the wrappers' own `import
// "./libsodium-sumo.mjs"` use exactly the checked bytes; a mismatch is a
// failed fetch ("Failed to find a valid digest in the 'integrity'
// attribute" on the console), the link fires "error" and init() is never
// reached (were it reached, import() would fetch the file again, unchecked:
// a failed preload does not block the URL). Same origin: no crossorigin
// needed.
//
// Worker: a worker has no <link>, and the CSP (script-src/worker-src 'self',
// no blob:) forbids running bytes we fetched ourselves. checkVendor()
// fetches each file, compares its SHA-384 with js/sri.js and only then lets
// init() import the same URL. That is a second request (Cache-Control:
// no-store), so it catches a file altered on disk or on the way, not a
// server that answers the check and the import differently — such a server
// can serve any other script too (SECURITY.md, "hostile JavaScript").
import { VENDOR } from './sri.js';
import { IntegrityError, preloadModules } from './integrity.js';

const url = (p) => new URL(`../${p}`, import.meta.url).href;

/** Page only: preloads the libsodium modules with integrity (see above). */
export function preloadVendor() {
  return preloadModules(VENDOR);
}

const b64 = (buf) => {
  let s = '';
  for (const b of new Uint8Array(buf)) s += String.fromCharCode(b);
  return btoa(s);
};

// The SHA-384 of the file at href. file: URLs only in node, where
// web/tests/crypto.test.mjs runs this worker on a built tree.
async function sha384(href) {
  let bytes;
  let subtle = globalThis.crypto?.subtle;
  if (href.startsWith('file:')) {
    const fs = await import('node:fs/promises');
    bytes = await fs.readFile(new URL(href));
    subtle ??= (await import('node:crypto')).webcrypto.subtle;
  } else {
    const res = await fetch(href, { cache: 'no-store', credentials: 'same-origin' });
    if (!res.ok) return null;
    bytes = await res.arrayBuffer();
  }
  // No WebCrypto (an insecure context): fail closed, as a mismatch.
  if (!subtle) return null;
  return `sha384-${b64(await subtle.digest('SHA-384', bytes))}`;
}

/** Worker: fetches each libsodium module and checks its SHA-384 (see above). */
export async function checkVendor() {
  for (const entry of VENDOR) {
    if ((await sha384(url(entry.path))) !== entry.integrity) throw new IntegrityError(entry.path);
  }
}
