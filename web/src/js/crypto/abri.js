// SPDX-License-Identifier: AGPL-3.0-or-later
// abri protocol in JavaScript: the reporter's side of libabri (src/lib/),
// byte for byte. docs/protocol.md is the specification, tests/vectors/*.json
// pin it (web/tests/crypto.test.mjs). Only libsodium 1.0.18 APIs are used,
// although the bundled libsodium.js is newer.
//
// libsodium is NOT imported at module top level: the first page must stay
// small, so init() loads the vendored sumo build with a dynamic import()
// (or takes a module handed in, as the node tests do). The path is where
// web/build.mjs vendors it (its bare import of libsodium-sumo rewritten).
//
// Errors are thrown as AbriError with a short .code the UI translates:
// invalid, crypto, not_for_me, too_big, expired, version, bucket, rollback,
// no_auditor.
import { DIGITS, IGNORE } from './unicode-tables.js';

let S = null; // the ready libsodium instance

export class AbriError extends Error {
  constructor(code) {
    super(code);
    this.name = 'AbriError';
    this.code = code;
  }
}

const fail = (code) => {
  throw new AbriError(code);
};

/** Loads libsodium once. sodiumModule: the libsodium-wrappers-sumo module
 * (node tests); by default the copy vendored by web/build.mjs. */
export async function init(sodiumModule) {
  if (S) return S;
  const m = sodiumModule ?? (await import('../../vendor/libsodium-wrappers.mjs'));
  const s = m.default ?? m;
  await s.ready;
  S = s;
  return s;
}

const need = () => S ?? fail('not_initialised');

// ---------------------------------------------------------------- bytes

const enc = new TextEncoder();
const utf8 = (s) => enc.encode(s);
const ZERO32 = new Uint8Array(32);

export function concat(...parts) {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function u32le(v) {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v, true);
  return b;
}

function u64le(v) {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(v), true);
  return b;
}

const loadU32 = (p, o = 0) => new DataView(p.buffer, p.byteOffset, p.byteLength).getUint32(o, true);
const loadU64 = (p, o = 0) =>
  new DataView(p.buffer, p.byteOffset, p.byteLength).getBigUint64(o, true);

function eq(a, b) {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
  return d === 0;
}

export const toHex = (b) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

export function fromHex(s) {
  if (s.length % 2 || /[^0-9a-fA-F]/.test(s)) fail('invalid');
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.substr(2 * i, 2), 16);
  return out;
}

/** Standard base64 with padding. */
export const b64encode = (b) => need().to_base64(b, need().base64_variants.ORIGINAL);

/** Strict standard base64 (protocol section 1): canonical, padded, no
 * whitespace; size, when given, must match exactly. */
export function b64decode(s, size) {
  if (typeof s !== 'string' || s.length % 4 !== 0) fail('invalid');
  if (s.length === 0) {
    if (size !== undefined && size !== 0) fail('invalid');
    return new Uint8Array(0);
  }
  let b;
  try {
    b = need().from_base64(s, need().base64_variants.ORIGINAL);
  } catch {
    fail('invalid');
  }
  if (b64encode(b) !== s) fail('invalid'); // canonical: unused bits zero
  if (size !== undefined && b.length !== size) fail('invalid');
  return b;
}

const bin = (v, size) => (typeof v === 'string' ? b64decode(v, size) : v);

/** Wipes a secret buffer (best effort: JS may have copied it). */
export function wipe(b) {
  if (b instanceof Uint8Array) {
    if (S) S.memzero(b);
    else b.fill(0);
  }
}

// ---------------------------------------------------------------- hashes, key ids

export const KID_X25519 = 0x01;
export const KID_ED25519 = 0x02;

export const hash = (m, n = 32, key = null) => need().crypto_generichash(n, m, key);

export function keyId(type, pk) {
  if (!(pk instanceof Uint8Array) || pk.length !== 32) fail('invalid');
  return hash(concat(utf8('abri-kid'), Uint8Array.of(type), pk), 16);
}

export function fingerprint(kid) {
  return toHex(kid).match(/.{4}/g).join(' ');
}

export function tenantValid(t) {
  return typeof t === 'string' && t.length >= 1 && t.length <= 64 && /^[a-z0-9.-]+$/.test(t);
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const caseRefValid = (s) =>
  typeof s === 'string' && s.length === 10 && [...s].every((c) => CROCKFORD.includes(c));

export function weekValid(w) {
  if (typeof w !== 'string' || !/^[0-9]{4}-W[0-9]{2}$/.test(w)) return false;
  const n = Number(w.slice(6));
  return n >= 1 && n <= 53;
}

/** ISO-8601 week (UTC) of unix seconds, "YYYY-Www" (protocol section 15). */
export function isoWeek(unix) {
  const lo = -62135596800 + 7 * 86400;
  const hi = 253402300799 - 7 * 86400;
  const t = Math.min(Math.max(unix, lo), hi);
  const days = Math.floor(t / 86400);
  const wd = (((days + 3) % 7) + 7) % 7; // 0 = Monday
  const thursday = days - wd + 3;
  const y = new Date(thursday * 86400000).getUTCFullYear();
  const jan1 = new Date(0);
  jan1.setUTCFullYear(y, 0, 1);
  const week = Math.floor((thursday - Math.round(jan1.getTime() / 86400000)) / 7) + 1;
  return `${String(y).padStart(4, '0')}-W${String(week).padStart(2, '0')}`;
}

// ---------------------------------------------------------------- signed objects

export const PURPOSES = [
  'recipients', 'request', 'receipt', 'report', 'message', 'reply', 'note', 'ack', 'stats-batch',
];
export const FIELDS_MAX = 16;

const asBytes = (v) => (typeof v === 'string' ? utf8(v) : v);

/** fields blob: u32le(len) || value for each value (Uint8Array or string). */
export function fieldsEncode(values) {
  const parts = [];
  for (const v of values) {
    const b = asBytes(v);
    parts.push(u32le(b.length), b);
  }
  return concat(...parts);
}

/** Strict decode: exactly `expected` fields (0 = any, up to 16), nothing
 * left over. Returns subarrays of blob. */
export function fieldsDecode(blob, expected = 0) {
  if (expected > FIELDS_MAX) fail('invalid');
  const out = [];
  let pos = 0;
  while (pos < blob.length) {
    if (out.length === FIELDS_MAX || blob.length - pos < 4) fail('invalid');
    const n = loadU32(blob, pos);
    pos += 4;
    if (n > blob.length - pos) fail('invalid');
    out.push(blob.subarray(pos, pos + n));
    pos += n;
  }
  if (expected && out.length !== expected) fail('invalid');
  return out;
}

export function signedBytes(purpose, tenant, fields) {
  if (!PURPOSES.includes(purpose) || !tenantValid(tenant)) fail('invalid');
  return concat(utf8(`abri/${purpose}/v1\0`), fieldsEncode([tenant]), fields);
}

export function sign(purpose, tenant, fields, sk) {
  const m = signedBytes(purpose, tenant, fields);
  const sig = need().crypto_sign_detached(m, sk);
  return sig;
}

/** true when sig is a valid signature (unknown purpose / bad tenant: false). */
export function verify(sig, purpose, tenant, fields, pk) {
  if (!PURPOSES.includes(purpose) || !tenantValid(tenant)) return false;
  if (sig?.length !== 64 || pk?.length !== 32) return false;
  try {
    return need().crypto_sign_verify_detached(sig, signedBytes(purpose, tenant, fields), pk);
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------- token

const DAMM = [
  [0, 3, 1, 7, 5, 9, 8, 6, 4, 2], [7, 0, 9, 2, 1, 5, 4, 8, 6, 3], [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
  [1, 7, 5, 0, 9, 8, 3, 4, 2, 6], [6, 1, 2, 3, 0, 4, 5, 9, 7, 8], [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
  [5, 8, 6, 9, 7, 2, 0, 1, 3, 4], [8, 9, 4, 5, 3, 6, 2, 0, 1, 7], [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
  [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
];

export const TOKEN_DIGITS = 24;

/** Damm check digit of an ASCII digit string; -1 on a non-digit. */
export function dammDigit(digits) {
  let interim = 0;
  for (const c of digits) {
    if (c < '0' || c > '9' || c.length !== 1) return -1;
    interim = DAMM[interim][c.charCodeAt(0) - 48];
  }
  return interim;
}

export const dammValid = (digits) => digits.length > 0 && dammDigit(digits) === 0;

/** 23 uniformly random digits (rejection sampling) + Damm check digit. */
export function tokenGenerate() {
  let out = '';
  while (out.length < TOKEN_DIGITS - 1) {
    const r = need().randombytes_buf(32);
    for (let k = 0; k < r.length && out.length < TOKEN_DIGITS - 1; k++)
      if (r[k] < 250) out += String(r[k] % 10); // bytes >= 250 would bias 0..5
    wipe(r);
  }
  return out + String(dammDigit(out));
}

function rangeFind(table, c) {
  let lo = 0;
  let hi = table.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (c < table[mid][0]) hi = mid;
    else if (c > table[mid][1]) lo = mid + 1;
    else return table[mid];
  }
  return null;
}

const ucDigit = (c) => {
  const r = rangeFind(DIGITS, c);
  return r ? r[2] + (c - r[0]) : -1;
};
const ucIgnorable = (c) => rangeFind(IGNORE, c) !== null;

// Code points of strict UTF-8 bytes (as abri_utf8_next); -1 marks the
// first invalid sequence, after which nothing more is produced.
function* utf8CodePoints(s) {
  let i = 0;
  while (i < s.length) {
    const b = s[i];
    let n;
    let c;
    let min;
    if (b < 0x80) {
      yield b;
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) [n, c, min] = [1, b & 0x1f, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [n, c, min] = [2, b & 0x0f, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [n, c, min] = [3, b & 0x07, 0x10000];
    else return yield -1;
    if (s.length - i - 1 < n) return yield -1;
    for (let k = 1; k <= n; k++) {
      if ((s[i + k] & 0xc0) !== 0x80) return yield -1;
      c = (c << 6) | (s[i + k] & 0x3f);
    }
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) return yield -1;
    yield c;
    i += n + 1;
  }
}

// Code points of a JS string. A lone surrogate comes out as itself: neither
// a digit nor ignorable, so bad_char (a string has no bad_utf8).
function* stringCodePoints(s) {
  for (const ch of s) yield ch.codePointAt(0);
}

/** Normalise what a person typed (a string, or UTF-8 bytes) to 24 ASCII
 * digits: Nd mapped, Cf/Zs/Pd/U+2212/TAB/LF/CR dropped, anything else
 * bad_char (protocol section 4). status: valid | bad_char | bad_length |
 * bad_check, and bad_utf8 for invalid UTF-8 bytes (never for a string);
 * digits is "" unless valid. */
export function tokenNormalise(input) {
  const cps = input instanceof Uint8Array ? utf8CodePoints(input) : stringCodePoints(String(input));
  let status = 'valid';
  let out = '';
  let n = 0;
  for (const c of cps) {
    const d = c < 0 ? -1 : ucDigit(c);
    if (c < 0) status = 'bad_utf8';
    else if (d >= 0) {
      if (n++ < TOKEN_DIGITS) out += String(d);
    } else if (!ucIgnorable(c)) status = 'bad_char';
    if (status !== 'valid') break;
  }
  if (status === 'valid' && n !== TOKEN_DIGITS) status = 'bad_length';
  if (status === 'valid' && !dammValid(out)) status = 'bad_check';
  return { status, digits: status === 'valid' ? out : '' };
}

/** "4821 0937 5520 1186 3074 9916" (display always left to right). */
export const tokenGroup = (digits) => digits.match(/.{1,4}/g)?.join(' ') ?? '';

/** salt = BLAKE2b-128("abri-token-v1" || deployment id). */
export const tokenSalt = (tenant) => hash(concat(utf8('abri-token-v1'), utf8(tenant)), 16);

export const ARGON2_T = 2;
export const ARGON2_M_BYTES = 64 * 1024 * 1024;

/** Argon2id(digits, salt, t=2, m=64 MiB, p=1) -> 32-byte seed. Slow: run it
 * in the Worker (kdf-worker.js). */
export function tokenSeed(digits, tenant) {
  if (!tenantValid(tenant) || typeof digits !== 'string' || !/^[0-9]{24}$/.test(digits) ||
      !dammValid(digits))
    fail('invalid');
  const pw = utf8(digits);
  try {
    return need().crypto_pwhash(32, pw, tokenSalt(tenant), ARGON2_T, ARGON2_M_BYTES,
      need().crypto_pwhash_ALG_ARGON2ID13);
  } finally {
    wipe(pw);
  }
}

const kdf = (key, id, ctx) => need().crypto_kdf_derive_from_key(32, id, ctx, key);

/** Seed -> {lookupKey, xPk, xSk, edPk, edSk, thread, edKid}. */
export function reporterKeys(seed) {
  if (!(seed instanceof Uint8Array) || seed.length !== 32) fail('invalid');
  const lookupKey = kdf(seed, 1, 'abricas1');
  const xs = kdf(seed, 2, 'abricas1');
  const es = kdf(seed, 3, 'abricas1');
  const x = need().crypto_box_seed_keypair(xs);
  const e = need().crypto_sign_seed_keypair(es);
  wipe(xs);
  wipe(es);
  return {
    lookupKey, xPk: x.publicKey, xSk: x.privateKey, edPk: e.publicKey, edSk: e.privateKey,
    thread: hash(e.publicKey), edKid: keyId(KID_ED25519, e.publicKey),
  };
}

export function wipeKeys(k) {
  if (k) for (const v of Object.values(k)) wipe(v);
}

// ---------------------------------------------------------------- buckets, padding

export const BUCKET_MIN = 4096;
const BUCKET_POW2_MAX = 65536;

function ilog2(n) {
  let r = 0;
  while (n >= 2) {
    n = Math.floor(n / 2);
    r++;
  }
  return r;
}

/** Smallest bucket >= n (protocol section 8). */
export function bucket(n) {
  if (n <= BUCKET_MIN) return BUCKET_MIN;
  if (n <= BUCKET_POW2_MAX) {
    let b = BUCKET_MIN;
    while (b < n) b *= 2;
    return b;
  }
  const e = ilog2(n);
  const s = ilog2(e) + 1;
  const step = 2 ** (e - s);
  return Math.ceil(n / step) * step; // (n + mask) & ~mask
}

export const isBucket = (n) => n > 0 && bucket(n) === n;

/** PAD to bucket(len + 1); too_big above maxPadded. */
export function pad(pt, maxPadded) {
  const target = bucket(pt.length + 1);
  if (target > maxPadded) fail('too_big');
  const out = need().pad(pt, target);
  if (out.length !== target) fail('internal');
  return out;
}

/** Strict unpadding: a bucket, well-formed padding, no more than needed.
 * Returns a subarray. */
export function unpad(p) {
  if (!isBucket(p.length)) fail('bucket');
  let out;
  try {
    out = need().unpad(p, p.length);
  } catch {
    fail('invalid');
  }
  if (bucket(out.length + 1) !== p.length) fail('invalid');
  return p.subarray(0, out.length);
}

// ---------------------------------------------------------------- envelope

export const KIND = { report: 1, message: 2, reply: 3, note: 4, ack: 5, stats: 6, survey: 7 };
export const KIND_NAME = [null, 'report', 'message', 'reply', 'note', 'ack', 'stats', 'survey'];
const KIND_PURPOSE = [null, 'report', 'message', 'reply', 'note', 'ack', 'stats-batch', null];
export const kindPurpose = (k) => KIND_PURPOSE[k] ?? null;

const MAGIC = utf8('ABR1');
const STANZAS_MAX = 64;
const SEALED = 80;
const KEYED_BYTES = 1 + 16 + SEALED;
const REPORTER_BYTES = 1 + SEALED;

/** Structural parse without a key (what abrid checks). */
export function envelopeParse(env, maxPadded) {
  if (!(env instanceof Uint8Array) || env.length < 7) fail('invalid');
  if (!eq(env.subarray(0, 4), MAGIC) || env[4] !== 1) fail('version');
  const kind = env[5];
  const tlen = env[6];
  if (!KIND_NAME[kind] || tlen < 1 || tlen > 64 || env.length - 7 < tlen + 5) fail('invalid');
  const tb = env.subarray(7, 7 + tlen);
  const tenant = String.fromCharCode(...tb);
  if (!tenantValid(tenant)) fail('invalid');
  let pos = 7 + tlen;
  const listVersion = loadU32(env, pos);
  const nStanzas = env[pos + 4];
  pos += 5;
  if (nStanzas < 1 || nStanzas > STANZAS_MAX) fail('invalid');
  const stanzas = [];
  const kids = [];
  let hasReporter = false;
  for (let i = 0; i < nStanzas; i++) {
    if (pos >= env.length) fail('invalid');
    const type = env[pos];
    if (type === 0x01) {
      if (env.length - pos < KEYED_BYTES) fail('invalid');
      const kid = env.subarray(pos + 1, pos + 17);
      if (kids.some((k) => eq(k, kid))) fail('invalid');
      kids.push(kid);
      stanzas.push({ type, kid, sealed: env.subarray(pos + 17, pos + KEYED_BYTES) });
      pos += KEYED_BYTES;
    } else if (type === 0x02) {
      if (hasReporter || env.length - pos < REPORTER_BYTES) fail('invalid');
      hasReporter = true;
      stanzas.push({ type, kid: null, sealed: env.subarray(pos + 1, pos + REPORTER_BYTES) });
      pos += REPORTER_BYTES;
    } else fail('invalid');
  }
  if (env.length - pos < 24 + 32 + 16) fail('invalid');
  const headerLen = pos + 24;
  const bodyLen = env.length - headerLen - 32;
  const paddedLen = bodyLen - 16;
  if (!isBucket(paddedLen)) fail('bucket');
  if (paddedLen > maxPadded) fail('too_big');
  return {
    version: 1, kind, tenant, listVersion, nStanzas, hasReporterStanza: hasReporter,
    nKeyed: kids.length, kids, headerLen, bodyLen, paddedLen, hash: hash(env),
    stanzas, nonce: env.subarray(pos, pos + 24),
  };
}

function envKeys(K) {
  return { enc: kdf(K, 1, 'abrienv1'), mac: kdf(K, 2, 'abrienv1') };
}

/** Seal plaintext to keyed recipients `to` ([{kid, xPk}]) and optionally
 * the reporter (reporterPk). K and nonce are for tests only. */
export function envelopeSeal({ kind, tenant, listVersion, to, reporterPk = null, plaintext,
  maxPadded, K = null, nonce = null }) {
  const s = need();
  const total = to.length + (reporterPk ? 1 : 0);
  if (!KIND_NAME[kind] || !tenantValid(tenant) || total < 1 || total > STANZAS_MAX)
    fail('invalid');
  to.forEach((r, i) => {
    if (!eq(keyId(KID_X25519, r.xPk), r.kid) || to.slice(0, i).some((o) => eq(o.kid, r.kid)))
      fail('invalid');
  });
  const padded = pad(plaintext, maxPadded);
  const key = K ?? s.crypto_kdf_keygen();
  const n = nonce ?? s.randombytes_buf(24);
  const parts = [MAGIC, Uint8Array.of(1, kind, tenant.length), utf8(tenant), u32le(listVersion),
    Uint8Array.of(total)];
  for (const r of to) parts.push(Uint8Array.of(0x01), r.kid, s.crypto_box_seal(key, r.xPk));
  if (reporterPk) parts.push(Uint8Array.of(0x02), s.crypto_box_seal(key, reporterPk));
  parts.push(n);
  const header = concat(...parts);
  const k = envKeys(key);
  const commit = hash(header, 32, k.mac);
  const ad = concat(header, commit);
  const body = s.crypto_aead_xchacha20poly1305_ietf_encrypt(padded, ad, null, n, k.enc);
  wipe(k.enc);
  wipe(k.mac);
  wipe(padded);
  if (!K) wipe(key);
  return concat(ad, body);
}

/** Open with an X25519 key pair: kid given = the keyed stanza with that key
 * id; kid null = trial decryption of the reporter stanza. Commit checked
 * before decrypting. Returns {plaintext, info}. */
export function envelopeOpen(env, { kid = null, xPk, xSk, maxPadded }) {
  const s = need();
  const info = envelopeParse(env, maxPadded);
  const st = info.stanzas.find((x) => (kid ? x.type === 0x01 && eq(x.kid, kid) : x.type === 0x02));
  if (!st) fail('not_for_me');
  let K;
  try {
    K = s.crypto_box_seal_open(st.sealed, xPk, xSk);
  } catch {
    fail(kid ? 'crypto' : 'not_for_me');
  }
  if (K.length !== 32) fail('crypto');
  const k = envKeys(K);
  wipe(K);
  try {
    const commit = hash(env.subarray(0, info.headerLen), 32, k.mac);
    if (!s.memcmp(commit, env.subarray(info.headerLen, info.headerLen + 32))) fail('crypto');
    let padded;
    try {
      padded = s.crypto_aead_xchacha20poly1305_ietf_decrypt(null,
        env.subarray(info.headerLen + 32), env.subarray(0, info.headerLen + 32), info.nonce, k.enc);
    } catch {
      fail('crypto');
    }
    try {
      return { plaintext: unpad(padded).slice(), info };
    } finally {
      wipe(padded);
    }
  } finally {
    wipe(k.enc);
    wipe(k.mac);
  }
}

// ---------------------------------------------------------------- inner message

const INNER_WIDTHS = [32, 16, 8, 32, 32, 4, 0, 0, 64];

/** Decode the nine-field inner message (counter as BigInt). */
export function innerDecode(pt) {
  const f = fieldsDecode(pt, 9);
  INNER_WIDTHS.forEach((w, i) => {
    if (w && f[i].length !== w) fail('invalid');
  });
  if (f[6].length !== 0 && f[6].length !== 64) fail('invalid');
  const counter = loadU64(f[2]);
  if (counter === 0n) fail('invalid');
  const keys = f[6].length === 64;
  return {
    thread: f[0], authorKid: f[1], counter, prev: f[3], seen: f[4], listVersion: loadU32(f[5]),
    hasReporterKeys: keys, reporterXPk: keys ? f[6].subarray(0, 32) : null,
    reporterEdPk: keys ? f[6].subarray(32) : null, body: f[7], sig: f[8],
    signedLen: f[8].byteOffset - pt.byteOffset - 4,
  };
}

/** Encode and sign: m = {thread, authorKid, counter, prev, seen, listVersion,
 * reporterXPk?, reporterEdPk?, body (bytes)}. */
export function innerEncode(m, kind, tenant, sk) {
  const purpose = kindPurpose(kind);
  const keys = m.reporterXPk && m.reporterEdPk ? concat(m.reporterXPk, m.reporterEdPk) : null;
  if (!purpose || !tenantValid(tenant) || BigInt(m.counter) < 1n ||
      (kind === KIND.report) !== (keys !== null))
    fail('invalid');
  const fields = fieldsEncode([m.thread, m.authorKid, u64le(m.counter), m.prev ?? ZERO32,
    m.seen ?? ZERO32, u32le(m.listVersion), keys ?? new Uint8Array(0), m.body]);
  const sig = sign(purpose, tenant, fields, sk);
  return concat(fields, fieldsEncode([sig]));
}

/** Verify (abri_inner_verify): throws invalid or crypto; returns decoded. */
export function innerVerify(pt, kind, tenant, authorPk) {
  const purpose = kindPurpose(kind);
  if (!purpose) fail('invalid');
  const m = innerDecode(pt);
  if ((kind === KIND.report) !== m.hasReporterKeys) fail('invalid');
  if (!eq(keyId(KID_ED25519, authorPk), m.authorKid)) fail('crypto');
  if ((kind === KIND.report || kind === KIND.message) && !eq(hash(authorPk), m.thread))
    fail('crypto');
  if (kind === KIND.report && !eq(m.reporterEdPk, authorPk)) fail('crypto');
  if (!verify(m.sig, purpose, tenant, pt.subarray(0, m.signedLen), authorPk)) fail('crypto');
  return m;
}

// ---------------------------------------------------------------- chain check

export const CHAIN = {
  wrong_thread: 1, duplicate: 2, gap: 4, bad_prev: 8, unknown_seen: 16, out_of_order: 32,
};
export const chainFlagNames = (f) => Object.keys(CHAIN).filter((k) => f & CHAIN[k]);
const REJECTED = CHAIN.wrong_thread | CHAIN.duplicate | CHAIN.out_of_order;

const accepted = (it) => it.m && !(it.flags & REJECTED);

function chainCheckOne(items, i, thread) {
  const m = items[i].m;
  let flags = 0;
  let seenOk = !m.seen.some((x) => x);
  if (!eq(m.thread, thread)) return CHAIN.wrong_thread;
  for (let j = 0; j < i; j++) {
    if (eq(items[j].hash, items[i].hash)) return CHAIN.duplicate;
    if (!seenOk && eq(items[j].hash, m.seen)) seenOk = true;
  }
  if (!seenOk) flags |= CHAIN.unknown_seen;
  let last = -1;
  for (let j = i - 1; j >= 0 && last < 0; j--)
    if (accepted(items[j]) && eq(items[j].m.authorKid, m.authorKid)) last = j;
  if (last < 0) {
    if (m.counter > 1n) flags |= CHAIN.gap;
    else if (!eq(m.prev, ZERO32)) flags |= CHAIN.bad_prev;
    return flags;
  }
  for (let j = 0; j < i; j++)
    if (accepted(items[j]) && items[j].m.counter === m.counter &&
        eq(items[j].m.authorKid, m.authorKid))
      return flags | CHAIN.duplicate;
  const lc = items[last].m.counter;
  if (m.counter < lc) return flags | CHAIN.out_of_order;
  if (m.counter > lc + 1n) return flags | CHAIN.gap;
  if (!eq(m.prev, items[last].hash)) flags |= CHAIN.bad_prev;
  return flags;
}

/** abri_chain_check: items [{hash, m: {thread, authorKid, counter (BigInt),
 * prev, seen} | null}] in server order; sets items[i].flags, returns the OR. */
export function chainCheck(items, thread) {
  let all = 0;
  for (const it of items) it.flags = 0;
  items.forEach((it, i) => {
    it.flags = it.m ? chainCheckOne(items, i, thread) : CHAIN.wrong_thread;
    all |= it.flags;
  });
  return all;
}

// ---------------------------------------------------------------- JSON documents

// JSON.parse accepts what jansson (used by libabri) refuses: repeated keys,
// lone surrogates and NUL in strings. This scan (over text JSON.parse has
// already accepted) rejects those and reports, for checks by the caller,
// which values were written as non-integers: intPaths gets "a.b" paths.
function jsonStrictScan(text, nonIntPaths) {
  const stack = []; // {obj, keys, expectKey, key, path}
  let i = 0;
  const readString = () => {
    const start = i++;
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    const v = JSON.parse(text.slice(start, i));
    if (/[\uD800-\uDFFF]/.test(v.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, '')) || v.includes('\0'))
      fail('invalid');
    return v;
  };
  const top = () => stack[stack.length - 1];
  const pathHere = () => {
    const t = top();
    if (!t) return '';
    return t.obj ? `${t.path}.${t.key}` : `${t.path}[]`;
  };
  while (i < text.length) {
    const c = text[i];
    if (c === '{' || c === '[') {
      stack.push({ obj: c === '{', keys: new Set(), expectKey: c === '{', key: null, path: pathHere() });
      i++;
    } else if (c === '}' || c === ']') {
      stack.pop();
      i++;
    } else if (c === ',') {
      if (top()?.obj) top().expectKey = true;
      i++;
    } else if (c === '"') {
      const v = readString();
      const t = top();
      if (t?.obj && t.expectKey) {
        if (t.keys.has(v)) fail('invalid');
        t.keys.add(v);
        t.key = v;
        t.expectKey = false;
      }
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      const m = /^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?/.exec(text.slice(i, i + 400));
      if (m[1] !== undefined || m[2] !== undefined) nonIntPaths?.add(pathHere());
      i += m[0].length;
    } else i++;
  }
}

/** JSON.parse with jansson's strictness (UTF-8, no repeated key, no lone
 * surrogate or NUL in strings); throws invalid. */
export function parseJsonStrict(bytes, nonIntPaths) {
  let text;
  let v;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    v = JSON.parse(text);
  } catch {
    fail('invalid');
  }
  if (v === null || typeof v !== 'object') fail('invalid'); // jansson: object or array
  jsonStrictScan(text, nonIntPaths);
  return v;
}

// ---------------------------------------------------------------- recipient list

const ROLES = ['listener', 'auditor', 'server'];

function nameValid(s) {
  if (typeof s !== 'string') return false;
  const n = utf8(s).length;
  if (n < 1 || n > 128) return false;
  for (const ch of s) {
    const c = ch.codePointAt(0);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return false;
  }
  return true;
}

const intIn = (v, min, max) => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

function parseMember(o, i, nonInt) {
  if (o === null || typeof o !== 'object' || Array.isArray(o)) fail('invalid');
  if (!ROLES.includes(o.role) || !nameValid(o.name)) fail('invalid');
  if (typeof o.x25519 !== 'string' || typeof o.ed25519 !== 'string') fail('invalid');
  const xPk = b64decode(o.x25519, 32);
  const edPk = b64decode(o.ed25519, 32);
  if (!intIn(o.epoch, 0, 0xffffffff) || nonInt.has('.members[].epoch')) fail('invalid');
  if (xPk.every((x) => x === 0) || !need().crypto_core_ed25519_is_valid_point(edPk))
    fail('invalid');
  return { role: o.role, name: o.name, xPk, edPk, xKid: keyId(KID_X25519, xPk),
    edKid: keyId(KID_ED25519, edPk), epoch: o.epoch };
}

/** Parse and check a list document (bytes of the verified field). */
export function recipientsParseDoc(doc, tenant) {
  const nonInt = new Set();
  const r = parseJsonStrict(doc, nonInt);
  if (Array.isArray(r) || typeof r.deployment_id !== 'string' || !Array.isArray(r.members))
    fail('invalid');
  if (!tenantValid(r.deployment_id) || r.deployment_id !== tenant) fail('invalid');
  if (!intIn(r.version, 1, 0xffffffff) || nonInt.has('.version')) fail('invalid');
  if (!intIn(r.not_after, 1, Number.MAX_SAFE_INTEGER) || nonInt.has('.not_after')) fail('invalid');
  if (r.members.length < 1 || r.members.length > 64) fail('invalid');
  const members = r.members.map((m, i) => parseMember(m, i, nonInt));
  members.forEach((m, i) => {
    for (const o of members.slice(0, i))
      if (eq(o.xKid, m.xKid) || eq(o.edKid, m.edKid)) fail('invalid');
  });
  if (members.filter((m) => m.role === 'server').length !== 1) fail('invalid');
  return { deploymentId: r.deployment_id, version: r.version, notAfter: r.not_after, members };
}

/** Verify a signed list {list, sig} (base64 strings or bytes) with the
 * organisation key, THEN parse it. now (unix seconds, null = skip, for old
 * lists that only verify old messages): expired when now >= not_after.
 * opts.minVersion: rollback below the version pinned in the bundle. */
export function verifyRecipients({ list, sig }, tenant, orgPk, now, { minVersion = 0 } = {}) {
  const blob = bin(list);
  const s = bin(sig, 64);
  if (!verify(s, 'recipients', tenant, blob, bin(orgPk, 32))) fail('crypto');
  const doc = fieldsDecode(blob, 1)[0];
  const r = recipientsParseDoc(doc, tenant);
  if (now !== null && now !== undefined && now >= r.notAfter) fail('expired');
  if (r.version < minVersion) fail('rollback');
  return r;
}

export const listServer = (list) => list.members.find((m) => m.role === 'server');
export const listListeners = (list) => list.members.filter((m) => m.role === 'listener');

// ---------------------------------------------------------------- composing

function cfgTenant(cfg, list) {
  return cfg?.deploymentId ?? cfg?.deployment_id ?? list.deploymentId;
}

function cfgMaxPadded(cfg) {
  const v = cfg?.maxPadded ?? cfg?.limits?.max_padded;
  if (!Number.isInteger(v) || v < BUCKET_MIN) fail('invalid');
  return v;
}

const jsonBytes = (body) => utf8(JSON.stringify(body));

function composeSeal({ kind, cfg, list, keys, body, chain, now }) {
  const tenant = cfgTenant(cfg, list);
  if (tenant !== list.deploymentId) fail('invalid');
  const t = now ?? Math.floor(Date.now() / 1000);
  if (t >= list.notAfter) fail('expired'); // never seal to an expired list
  const to = listListeners(list).map((m) => ({ kid: m.xKid, xPk: m.xPk }));
  if (to.length === 0 || !chain || BigInt(chain.counter) < 1n) fail('invalid');
  const bodyBytes = body instanceof Uint8Array ? body : jsonBytes(body);
  const pt = innerEncode({
    thread: keys.thread, authorKid: keys.edKid, counter: chain.counter, prev: chain.prev,
    seen: chain.seen, listVersion: list.version,
    reporterXPk: kind === KIND.report ? keys.xPk : null,
    reporterEdPk: kind === KIND.report ? keys.edPk : null, body: bodyBytes,
  }, kind, tenant, keys.edSk);
  try {
    const envelope = envelopeSeal({ kind, tenant, listVersion: list.version, to,
      reporterPk: keys.xPk, plaintext: pt, maxPadded: cfgMaxPadded(cfg) });
    return { envelope, hash: hash(envelope) };
  } finally {
    wipe(pt);
    wipe(bodyBytes);
  }
}

/** The report (first envelope of a case): counter 1, sealed to every
 * listener of the (verified, unexpired) list and to the reporter.
 * cfg: GET /v1/config answer ({deployment_id, limits: {max_padded}}) or
 * {deploymentId, maxPadded}. body: a JS object (sent as JSON). */
export function sealReport({ cfg, list, keys, body, now }) {
  return composeSeal({ kind: KIND.report, cfg, list, keys, body, now,
    chain: { counter: 1, prev: ZERO32, seen: ZERO32 } });
}

/** A follow-up: chain = openCase(...).chain (the next position). Do not
 * extend a chain openCase raised alarms on. */
export function sealMessage({ cfg, list, keys, body, chain, now }) {
  return composeSeal({ kind: KIND.message, cfg, list, keys, body, chain, now });
}

// ---------------------------------------------------------------- survey (kind 7)

export const listAuditors = (list) => list.members.filter((m) => m.role === 'auditor');

/** The six questions and their answers (issue 4 contract C), in order. */
export const SURVEY_QUESTIONS = Object.freeze({
  listened: ['yes', 'partly', 'no'],
  informed: ['yes', 'partly', 'no'],
  language: ['yes', 'partly', 'no'],
  safe: ['yes', 'partly', 'no'],
  recommend: ['yes', 'no', 'unsure'],
  overall: [1, 2, 3, 4, 5],
});

/** {"survey":1,"answers":{...}} as UTF-8: only the six known questions,
 * each optional (undefined/null/"" = no answer), nothing else. */
export function surveyPlaintext(answers) {
  const a = answers ?? {};
  if (typeof a !== 'object' || Array.isArray(a)) fail('invalid');
  for (const k of Object.keys(a)) if (!(k in SURVEY_QUESTIONS)) fail('invalid');
  const out = {};
  for (const [q, allowed] of Object.entries(SURVEY_QUESTIONS)) {
    const v = a[q];
    if (v === undefined || v === null || v === '') continue;
    if (!allowed.includes(v)) fail('invalid');
    out[q] = v;
  }
  return jsonBytes({ survey: 1, answers: out });
}

/** Parse a survey plaintext strictly (the auditor's side, for tests). */
export function surveyParse(pt) {
  const v = parseJsonStrict(pt);
  const keys = Object.keys(v);
  if (Array.isArray(v) || v.survey !== 1 || keys.length !== 2 || !keys.includes('answers'))
    fail('invalid');
  const a = v.answers;
  if (a === null || typeof a !== 'object' || Array.isArray(a)) fail('invalid');
  for (const [k, x] of Object.entries(a))
    if (!(k in SURVEY_QUESTIONS) || !SURVEY_QUESTIONS[k].includes(x)) fail('invalid');
  return a;
}

/** A survey answer: NOT an inner message (unsigned, no thread, nothing that
 * links it to a case), the plaintext JSON padded to a bucket, sealed to the
 * auditors of the (verified, unexpired) list only — no reporter stanza.
 * cfg as for sealReport. Throws no_auditor when the list has none. */
export function sealSurvey({ cfg, list, answers, now }) {
  const tenant = cfgTenant(cfg, list);
  if (tenant !== list.deploymentId) fail('invalid');
  const t = now ?? Math.floor(Date.now() / 1000);
  if (t >= list.notAfter) fail('expired');
  const to = listAuditors(list).map((m) => ({ kid: m.xKid, xPk: m.xPk }));
  if (to.length === 0) fail('no_auditor');
  const pt = surveyPlaintext(answers);
  try {
    const envelope = envelopeSeal({ kind: KIND.survey, tenant, listVersion: list.version, to,
      reporterPk: null, plaintext: pt, maxPadded: cfgMaxPadded(cfg) });
    return { envelope, hash: hash(envelope) };
  } finally {
    wipe(pt);
  }
}

/** Open a survey envelope as an auditor ({kid, xPk, xSk}); returns the answers. */
export function surveyOpen(env, { kid, xPk, xSk, maxPadded = 1 << 30 }) {
  const info = envelopeParse(env, maxPadded);
  if (info.kind !== KIND.survey || info.hasReporterStanza) fail('invalid');
  const { plaintext } = envelopeOpen(env, { kid, xPk, xSk, maxPadded });
  return surveyParse(plaintext);
}

/** A typed survey code in its canonical 12 characters (uppercase, spaces
 * and dashes dropped, O→0, I/L→1), or null when it is not one. */
export function surveyCodeNormalise(s) {
  if (typeof s !== 'string') return null;
  const c = s.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  return c.length === 12 && [...c].every((x) => CROCKFORD.includes(x)) ? c : null;
}

/** "XXXX-XXXX-XXXX". */
export const surveyCodeGroup = (c) => c.match(/.{1,4}/g)?.join('-') ?? '';

// ---------------------------------------------------------------- acknowledgement file

/** The acknowledgement file (issue 4 contract B) of a verified ack message
 * from openCase: the signed inner plaintext, verbatim, unpadded. */
export function ackFile(message, tenant) {
  if (!message || message.kind !== 'ack' || !message.verified || !message.signed ||
      !tenantValid(tenant))
    fail('invalid');
  return { abri_ack: 1, tenant, list_version: message.listVersion, kind: KIND.ack,
    inner: b64encode(message.signed) };
}

/** Check an acknowledgement file (object or JSON text) against the verified
 * list of its version (what `abri verify-ack` does): signature with purpose
 * ack by a listener of that list. Returns {author, ack}. */
export function ackFileVerify(file, list) {
  const f = typeof file === 'string' ? parseJsonStrict(utf8(file)) : file;
  if (!f || f.abri_ack !== 1 || f.kind !== KIND.ack || !tenantValid(f.tenant) ||
      f.tenant !== list.deploymentId || f.list_version !== list.version)
    fail('invalid');
  const pt = b64decode(f.inner);
  const m = innerDecode(pt);
  const a = list.members.find((x) => eq(x.edKid, m.authorKid));
  if (!a || a.role !== 'listener' || m.listVersion !== list.version) fail('crypto');
  innerVerify(pt, KIND.ack, f.tenant, a.edPk);
  const body = parseJsonStrict(m.body);
  if (!body.ack || typeof body.ack !== 'object') fail('invalid');
  return { author: { name: a.name, fingerprint: fingerprint(a.edKid) }, ack: body.ack };
}

// ---------------------------------------------------------------- reading a case

export const PROBLEMS = [
  'bad_envelope', 'wrong_tenant', 'open_failed', 'bad_inner', 'bad_signature', 'unknown_author',
  'list_mismatch', 'list_unavailable', 'future_list', 'bad_kind', 'bad_body', 'unverifiable',
  'wrong_reporter',
];

function listGet(lists, v) {
  if (!lists) return null;
  return (lists instanceof Map ? lists.get(v) : lists[v]) ?? null;
}

function listVersions(lists) {
  if (!lists) return [];
  return (lists instanceof Map ? [...lists.keys()] : Object.keys(lists)).map(Number);
}

function openOne(m, keys, tenant, maxPadded, current) {
  try {
    m.env = bin(m.raw);
  } catch {
    m.problems.add('bad_envelope');
    return;
  }
  m.hash = hash(m.env);
  try {
    m.info = envelopeParse(m.env, maxPadded);
  } catch {
    m.problems.add('bad_envelope');
    return;
  }
  if (m.info.tenant !== tenant) {
    m.problems.add('wrong_tenant');
    return;
  }
  if (m.info.listVersion > current) m.problems.add('future_list');
  m.forMe = m.info.hasReporterStanza;
  if (!m.forMe) return; // a note: not for the reporter, no alarm
  try {
    m.pt = envelopeOpen(m.env, { kid: null, xPk: keys.xPk, xSk: keys.xSk, maxPadded }).plaintext;
  } catch {
    m.problems.add('open_failed');
    return;
  }
  try {
    m.inner = innerDecode(m.pt);
  } catch {
    m.problems.add('bad_inner');
    return;
  }
  m.opened = true;
  if (m.inner.listVersion !== m.info.listVersion) m.problems.add('list_mismatch');
  try {
    m.body = parseJsonStrict(m.inner.body);
    if (Array.isArray(m.body) || ('text' in m.body && typeof m.body.text !== 'string'))
      throw new AbriError('invalid');
  } catch {
    m.body = null;
    m.problems.add('bad_body');
  }
}

function verifyMsg(m, keys, lists, tenant, missing) {
  const kind = m.info.kind;
  if (kind === KIND.report || kind === KIND.message) {
    if (!eq(m.inner.thread, keys.thread)) {
      m.chain |= CHAIN.wrong_thread; // another reporter's message, moved here
      return;
    }
    try {
      if (!eq(keys.edKid, m.inner.authorKid)) fail('crypto');
      innerVerify(m.pt, kind, tenant, keys.edPk);
    } catch {
      m.problems.add('bad_signature');
      return;
    }
    m.verified = true;
    m.author = 'reporter';
    return;
  }
  const list = listGet(lists, m.inner.listVersion);
  if (!list) {
    m.problems.add('list_unavailable');
    missing.add(m.inner.listVersion);
    return;
  }
  const a = list.members.find((x) => eq(x.edKid, m.inner.authorKid));
  if (!a || a.role !== 'listener') {
    m.problems.add('unknown_author');
    return;
  }
  try {
    innerVerify(m.pt, kind, tenant, a.edPk);
  } catch {
    m.problems.add('bad_signature');
    return;
  }
  if (m.inner.hasReporterKeys) m.problems.add('bad_kind');
  m.verified = true;
  m.author = { role: a.role, name: a.name, fingerprint: fingerprint(a.edKid) };
}

function findHash(msgs, before, h, onlyUnopened) {
  for (let j = 0; j < before; j++)
    if (msgs[j].hash && (!onlyUnopened || !msgs[j].opened) && eq(msgs[j].hash, h)) return j;
  return -1;
}

// A link to an envelope present but not readable by the reporter (a note)
// is not a gap: the hash proves it is there (casecheck.c relax()).
function relax(msgs, i, f) {
  const m = msgs[i].inner;
  if (f & (CHAIN.gap | CHAIN.bad_prev) && m.counter > 1n && findHash(msgs, i, m.prev, true) >= 0)
    f &= ~(CHAIN.gap | CHAIN.bad_prev);
  if (f & CHAIN.unknown_seen && findHash(msgs, i, m.seen, false) >= 0) f &= ~CHAIN.unknown_seen;
  return f;
}

function checkChains(msgs, thread) {
  const idx = [];
  const items = [];
  msgs.forEach((m, i) => {
    if (m.verified) {
      idx.push(i);
      items.push({ hash: m.hash, m: m.inner });
    }
  });
  if (items.length) chainCheck(items, thread);
  items.forEach((it, j) => {
    msgs[idx[j]].chain |= relax(msgs, idx[j], it.flags);
  });
  for (let i = 1; i < msgs.length; i++)
    if (msgs[i].hash && findHash(msgs, i, msgs[i].hash, false) >= 0) msgs[i].chain |= CHAIN.duplicate;
}

/** Read a case as the reporter (src/client/casecheck.c, reporter side).
 * envelopes: [{pos, envelope (base64 or bytes)}] in server order (the
 * POST /v1/cases/open answer); keys: reporterKeys(); lists: Map or object
 * version -> verified list (verifyRecipients with now = null); fetch the
 * versions in .missingLists and call again. currentVersion: the server's
 * current list version (default: highest in lists). state: the case state
 * ("erased" = no report is not an alarm).
 * Returns {messages, chain (the next position for sealMessage), alarms,
 * missingLists}. Envelopes not addressed to the reporter (notes) are
 * skipped silently; everything else that fails is an alarm. */
export function openCase({ envelopes, keys, lists, tenant, maxPadded = 1 << 30,
  currentVersion, state }) {
  const current = currentVersion ?? Math.max(0, ...listVersions(lists));
  const msgs = envelopes.map((e) => ({
    pos: e.pos, raw: e.envelope, problems: new Set(), chain: 0, opened: false, verified: false,
  }));
  msgs.forEach((m, i) => {
    openOne(m, keys, tenant, maxPadded, current);
    if (m.info && !m.problems.has('bad_envelope') && !m.problems.has('wrong_tenant')) {
      const k = m.info.kind;
      if ((i === 0) !== (k === KIND.report) || k < KIND.report || k > KIND.ack)
        m.problems.add('bad_kind');
    }
  });
  const first = msgs[0];
  if (first?.opened && first.info.kind === KIND.report && first.inner.hasReporterKeys &&
      (!eq(first.inner.reporterEdPk, keys.edPk) || !eq(first.inner.reporterXPk, keys.xPk)))
    first.problems.add('wrong_reporter');
  const missing = new Set();
  for (const m of msgs) if (m.opened) verifyMsg(m, keys, lists, tenant, missing);
  checkChains(msgs, keys.thread);
  const chain = nextPosition(msgs, keys.edKid);

  const alarms = [];
  if (msgs.length === 0 && state !== 'erased') alarms.push({ pos: null, problems: ['no_report'], flags: [] });
  const messages = [];
  for (const m of msgs) {
    const problems = PROBLEMS.filter((p) => m.problems.has(p));
    const flags = chainFlagNames(m.chain);
    if (problems.length || flags.length) alarms.push({ pos: m.pos, problems, flags });
    if (m.info && !m.forMe && !problems.length && !flags.length) continue; // a note
    messages.push({
      pos: m.pos, kind: m.info ? KIND_NAME[m.info.kind] : null, author: m.author ?? null,
      body: m.verified ? m.body : null, verified: m.verified, flags, problems, hash: m.hash ?? null,
      counter: m.inner ? Number(m.inner.counter) : null,
      listVersion: m.inner ? m.inner.listVersion : null,
      // An acknowledgement is a document the person may keep: its signed
      // inner plaintext, verbatim, for the acknowledgement file (ackFile).
      signed: m.verified && m.info.kind === KIND.ack ? m.pt.slice() : null,
    });
  }
  for (const m of msgs) if (m.pt) wipe(m.pt); // inner fields point into it
  return { messages, chain, alarms,
    missingLists: [...missing].sort((a, b) => a - b) };
}

// abri_case_next: counter = highest own + 1, prev = hash of that message,
// seen = hash of the latest verified message by another author.
function nextPosition(msgs, kid) {
  let counter = 0n;
  let prev = ZERO32;
  let seen = ZERO32;
  for (const m of msgs) {
    if (!m.verified) continue;
    if (eq(m.inner.authorKid, kid)) {
      if (m.inner.counter > counter) {
        counter = m.inner.counter;
        prev = m.hash;
      }
    } else seen = m.hash;
  }
  return { counter: Number(counter + 1n), prev, seen };
}

// ---------------------------------------------------------------- receipts, proof of work

/** Verify a proof of receipt {fields, sig, key_id} (base64) with the list's
 * server key; envelopeHash must be the hash of what was sent. */
export function verifyReceipt(receipt, tenant, serverPk, envelopeHash) {
  if (!receipt || typeof receipt !== 'object') fail('invalid');
  const sig = bin(receipt.sig, 64);
  const fields = bin(receipt.fields);
  if (receipt.key_id !== undefined && receipt.key_id !== null &&
      !eq(bin(receipt.key_id, 16), keyId(KID_ED25519, serverPk)))
    fail('crypto');
  if (!verify(sig, 'receipt', tenant, fields, serverPk)) fail('crypto');
  const f = fieldsDecode(fields, 3);
  if (f[0].length !== 10 || f[2].length !== 32) fail('invalid');
  const caseRef = String.fromCharCode(...f[0]);
  const week = String.fromCharCode(...f[1]);
  if (!caseRefValid(caseRef) || !weekValid(week)) fail('invalid');
  if (envelopeHash && !eq(f[2], envelopeHash)) fail('crypto');
  return { caseRef, week, envelopeHash: f[2].slice() };
}

/** Leading zero bits of H(challenge || envelope hash || u64le(counter)). */
export function powBits(challenge, envelopeHash, counter) {
  return zeroBits(hash(concat(challenge, envelopeHash, u64le(counter))));
}

function zeroBits(h) {
  let bits = 0;
  for (const b of h) {
    if (b) return bits + Math.clz32(b) - 24;
    bits += 8;
  }
  return bits;
}

/** Uploads: the zero bits the work must reach for an announcement of
 * `chunks` chunks on a challenge of `difficulty` (docs/protocol.md,
 * section 13; abri_pow_upload_bits in C): difficulty + 12 + ceil(log2
 * chunks), so the work grows with the size and is never nothing. */
export const POW_UPLOAD_BITS = 12;
export function powUploadBits(difficulty, chunks) {
  let log = 0;
  while (log < 64 && 2 ** log < chunks) log++;
  return difficulty + POW_UPLOAD_BITS + log;
}

/** Smallest counter whose work hash has `difficulty` leading zero bits. */
export function powSolve(challenge, envelopeHash, difficulty) {
  const ch = bin(challenge, 57);
  const buf = concat(ch, envelopeHash, new Uint8Array(8));
  const dv = new DataView(buf.buffer);
  for (let c = 0; c <= Number.MAX_SAFE_INTEGER; c++) {
    dv.setBigUint64(89, BigInt(c), true);
    if (zeroBits(hash(buf)) >= difficulty) return c;
  }
  return fail('too_big');
}
