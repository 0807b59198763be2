// SPDX-License-Identifier: AGPL-3.0-or-later
// Module Web Worker: the slow Argon2id derivation from the token (64 MiB,
// about a second on a phone) runs here, off the page's thread, so the page
// stays responsive and can show progress.
//
// In:  {id?, digits: "24 ASCII digits" (normalised, valid), tenant}
// Out: {id, ok: true, keys: {lookupKey, xPk, xSk, edPk, edSk, thread, edKid}}
//   or {id, ok: false, code} (AbriError code, or "internal").
// Loads libsodium itself, through the same init() as the page, after
// checking the SHA-384 of the files against js/sri.js (a worker cannot
// preload with integrity: see js/vendor.js for what this check does and
// does not cover).
import { init, tokenSeed, reporterKeys, wipe } from './crypto/abri.js';
import { checkVendor } from './vendor.js';

let checked = null;

self.onmessage = async (e) => {
  const { id = null, digits, tenant } = e.data ?? {};
  let seed = null;
  try {
    checked ??= checkVendor();
    await checked;
    await init();
    seed = tokenSeed(digits, tenant);
    const keys = reporterKeys(seed);
    // Transferred, not copied: no second copy of the secrets stays here.
    const transfer = [...new Set(Object.values(keys).map((v) => v.buffer))];
    self.postMessage({ id, ok: true, keys }, transfer);
  } catch (err) {
    self.postMessage({ id, ok: false, code: err?.code ?? 'internal' });
  } finally {
    wipe(seed);
  }
};
