// SPDX-License-Identifier: AGPL-3.0-or-later
// Module Web Worker: the slow work runs here, off the page's thread, so the
// page stays responsive and can show progress — the Argon2id derivation
// from the token (64 MiB, about a second on a phone) and the proof of work
// (up to seconds when abrid raises the difficulty under load).
//
// In:  {id?, digits: "24 ASCII digits" (normalised, valid), tenant}
// Out: {id, ok: true, keys: {lookupKey, xPk, xSk, edPk, edSk, thread, edKid}}
// In:  {id?, pow: {challenge: Uint8Array(57), hash: Uint8Array(32), difficulty}}
// Out: {id, ok: true, counter}
// Either may answer {id, ok: false, code} (AbriError code, or "internal").
// Loads libsodium itself, through the same init() as the page, after
// checking the SHA-384 of the files against js/sri.js (a worker cannot
// preload with integrity: see js/vendor.js for what this check does and
// does not cover).
import { init, tokenSeed, reporterKeys, powSolve, wipe } from './crypto/abri.js';
import { checkVendor } from './vendor.js';

let checked = null;

self.onmessage = async (e) => {
  const { id = null, digits, tenant, pow } = e.data ?? {};
  let seed = null;
  try {
    checked ??= checkVendor();
    await checked;
    await init();
    if (pow) {
      self.postMessage({ id, ok: true, counter: powSolve(pow.challenge, pow.hash, pow.difficulty) });
      return;
    }
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
