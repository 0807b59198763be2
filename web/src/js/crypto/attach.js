// SPDX-License-Identifier: AGPL-3.0-or-later
// Attachment encryption (contract: docs/protocol.md "Attachments",
// include/abri/attach.h in C). Per file a fresh secretstream key; the
// file's bytes cut into 65536-byte pieces, the last one (the remainder,
// possibly empty) padded with sodium_pad to 65536 bytes, so every piece is
// 65536 bytes and n = floor(size / 65536) + 1; each piece pushed with tag
// MESSAGE, the last with tag FINAL. Ciphertext = header (24 B) || chunk_0 ||
// ... || chunk_{n-1} (65553 B each); hash = BLAKE2b-256 of the whole of it.
// tests/vectors/attach.json pins it (web/tests/crypto.test.mjs).
//
// Only libsodium 1.0.18 APIs. init() of abri.js must have run (it returns
// the same ready instance here).
import { init, AbriError, b64encode } from './abri.js';

export const PIECE = 65536;
export const CHUNK = PIECE + 17; // secretstream ABYTES
export const HEADER = 24;

const fail = (code) => {
  throw new AbriError(code);
};

/** Number of chunks for a file of size bytes. */
export const chunksFor = (size) => Math.floor(size / PIECE) + 1;

/** Plaintext capacity counted against the server's limits (n * 65536). */
export const capacityFor = (size) => chunksFor(size) * PIECE;

async function piece(input, off, end) {
  if (input instanceof Uint8Array) return input.slice(off, end);
  return new Uint8Array(await input.slice(off, end).arrayBuffer());
}

/**
 * Encrypt a file: input is a Uint8Array or a Blob (read piece by piece,
 * never whole). onProgress(done, n) after each chunk.
 * Returns {key, header, chunks: [Uint8Array(65553)...], hash, size, n}.
 */
export async function attachEncrypt(input, { onProgress } = {}) {
  const s = await init();
  const size = input instanceof Uint8Array ? input.length : input?.size;
  if (!Number.isSafeInteger(size) || size < 0) fail('invalid');
  const n = chunksFor(size);
  const key = s.crypto_secretstream_xchacha20poly1305_keygen();
  const { state, header } = s.crypto_secretstream_xchacha20poly1305_init_push(key);
  const h = s.crypto_generichash_init(null, 32);
  s.crypto_generichash_update(h, header);
  const chunks = [];
  for (let i = 0; i < n; i++) {
    const off = i * PIECE;
    const last = i === n - 1;
    let pt = await piece(input, off, last ? size : off + PIECE);
    if (last) {
      const raw = pt;
      pt = s.pad(raw, PIECE);
      s.memzero(raw);
    }
    if (pt.length !== PIECE) fail('invalid'); // the Blob changed under us
    const tag = last ? s.crypto_secretstream_xchacha20poly1305_TAG_FINAL
      : s.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
    const c = s.crypto_secretstream_xchacha20poly1305_push(state, pt, null, tag);
    s.memzero(pt);
    if (c.length !== CHUNK) fail('internal');
    s.crypto_generichash_update(h, c);
    chunks.push(c);
    if (onProgress) onProgress(i + 1, n);
  }
  const hash = s.crypto_generichash_final(h, 32);
  return { key, header, chunks, hash, size, n };
}

const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Decrypt and check, in the contract's order: length form, hash of the
 * whole ciphertext, every tag MESSAGE but the last FINAL, the last piece's
 * padding, and the size. ciphertext: the whole (header || chunks) bytes.
 * Throws AbriError invalid (form, size) or crypto (hash, authentication).
 */
export async function attachDecrypt({ key, ciphertext, hash, size }) {
  const s = await init();
  if (!(key instanceof Uint8Array) || key.length !== 32) fail('invalid');
  const len = ciphertext.length;
  if (len < HEADER + CHUNK || (len - HEADER) % CHUNK !== 0) fail('invalid');
  const n = (len - HEADER) / CHUNK;
  if (Number.isSafeInteger(size) && chunksFor(size) !== n) fail('invalid');
  if (!same(s.crypto_generichash(32, ciphertext, null), hash)) fail('crypto');
  const state = s.crypto_secretstream_xchacha20poly1305_init_pull(ciphertext.subarray(0, HEADER), key);
  const out = new Uint8Array(n * PIECE);
  for (let i = 0; i < n; i++) {
    const off = HEADER + i * CHUNK;
    const r = s.crypto_secretstream_xchacha20poly1305_pull(state, ciphertext.subarray(off, off + CHUNK), null);
    if (!r) fail('crypto');
    const want = i === n - 1 ? s.crypto_secretstream_xchacha20poly1305_TAG_FINAL
      : s.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
    if (r.tag !== want) fail('crypto');
    out.set(r.message, i * PIECE);
    s.memzero(r.message);
  }
  let last;
  try {
    last = s.unpad(out.subarray((n - 1) * PIECE), PIECE);
  } catch {
    fail('invalid');
  }
  const total = (n - 1) * PIECE + last.length;
  if (Number.isSafeInteger(size) && total !== size) fail('invalid');
  return out.slice(0, total);
}

/** Concatenates header and chunks (what the server stores). */
export function attachCiphertext({ header, chunks }) {
  const out = new Uint8Array(HEADER + chunks.length * CHUNK);
  out.set(header, 0);
  chunks.forEach((c, i) => out.set(c, HEADER + i * CHUNK));
  return out;
}

/** A display name: no control characters, at most 128 characters. */
export function displayName(name, fallback) {
  const base = String(name ?? '').split(/[\\/]/).pop().replace(/[\u0000-\u001f\u007f-\u009f]/g, '').trim();
  const chars = [...(base || fallback || 'file')];
  return chars.slice(0, 128).join('');
}

/** The reference carried in the envelope body ("attachments": [...]). */
export function attachRef({ upload, name, type, kind, enc }) {
  return {
    upload,
    name: displayName(name),
    type: String(type || 'application/octet-stream').slice(0, 128),
    size: enc.size,
    chunks: enc.n,
    key: b64encode(enc.key),
    hash: b64encode(enc.hash),
    kind,
  };
}
