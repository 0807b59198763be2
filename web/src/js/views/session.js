// The secure steps behind the views: loading the crypto module in the
// background, the token key derivation in the Web Worker, sealing, proof of
// work, submitting, opening a case and sending a follow-up. The token, seed
// and keys live only in memory, in the objects returned here; forget() drops
// them (quick exit, leaving the case).
import * as api from '../api.js';
import { importChecked } from '../integrity.js';

let cryptoPromise = null;
let dep = null;

function pick(obj, names) {
  for (const n of names) if (obj && obj[n] !== undefined && obj[n] !== null) return obj[n];
  return undefined;
}

/** Starts loading libsodium (called once the first view is shown). */
export function loadCrypto() {
  if (cryptoPromise === null) {
    cryptoPromise = (async () => {
      // Each module preloaded with its integrity before it runs (js/integrity.js).
      const [mod, deployment, vendor] = await Promise.all([
        importChecked('../crypto/abri.js', import.meta.url),
        importChecked('../deployment.js', import.meta.url),
        importChecked('../vendor.js', import.meta.url),
      ]);
      // libsodium is preloaded with Subresource Integrity before init()
      // imports it: a modified file fails here (js/vendor.js).
      await vendor.preloadVendor();
      await mod.init();
      const d = deployment.default || deployment;
      dep = {
        tenant: pick(d, ['deploymentId', 'DEPLOYMENT_ID', 'deployment_id']),
        orgPk: pick(d, ['orgPublicKey', 'ORG_PUBLIC_KEY', 'org_public_key']),
        minList: Number(pick(d, ['minListVersion', 'MIN_LIST_VERSION', 'min_list_version']) || 0),
      };
      if (typeof dep.orgPk === 'string') dep.orgPk = api.fromB64(dep.orgPk);
      try {
        warmWorker = spawnWorker();
      } catch {
        // keysFor reports it when it is needed
      }
      document.documentElement.dataset.crypto = 'ready';
      return mod;
    })();
    cryptoPromise.catch(() => {
      document.documentElement.dataset.crypto = 'failed';
    });
  }
  return cryptoPromise;
}

export class StepError extends Error {
  constructor(kind, cause) {
    super(kind);
    this.kind = kind; // network | busy | server | crypto | recipients | too_large | not_found | generic
    // | files_too_large | files_quota | upload
    this.cause = cause;
  }
}

// Answers after which the files must be sent again (a retry does it).
const UPLOAD_GONE = ['unknown_upload', 'upload_incomplete', 'upload_attached', 'upload_hash_mismatch',
  'chunk_conflict', 'bad_chunk'];

function classify(e) {
  if (e instanceof StepError) return e;
  if (e instanceof api.ApiError) {
    if (e.status === 0) return new StepError('network', e);
    if (e.code === 'case_not_found') return new StepError('not_found', e);
    if (e.code === 'upload_too_large' || e.code === 'case_uploads_too_large') return new StepError('files_too_large', e);
    if (e.code === 'upload_quota') return new StepError('files_quota', e);
    if (UPLOAD_GONE.includes(e.code)) return new StepError('upload', e);
    if (e.status === 413 || e.code === 'envelope_too_large') return new StepError('too_large', e);
    if (e.status === 429 || e.status === 503) return new StepError('busy', e);
    if (e.status >= 500) return new StepError('server', e);
  }
  return new StepError('generic', e);
}

async function crypto() {
  try {
    return await loadCrypto();
  } catch (e) {
    throw new StepError('crypto', e);
  }
}

function nowSeconds() {
  return Math.floor(Date.now() / 1000);
}

function listArg(rec) {
  return { list: api.fromB64(rec.list), sig: api.fromB64(rec.sig) };
}

/** GET /v1/config and verify its recipient list against the pinned org key. */
async function verifiedConfig(abri) {
  const cfg = await api.getConfig();
  if (!cfg.recipients) throw new StepError('server');
  let list;
  try {
    list = abri.verifyRecipients(listArg(cfg.recipients), dep.tenant, dep.orgPk, nowSeconds(),
      { minVersion: dep.minList });
  } catch (e) {
    throw new StepError('recipients', e);
  }
  if (cfg.deployment_id !== dep.tenant || list.version < dep.minList) throw new StepError('recipients');
  return { cfg, list };
}

// The worker is started in the background once the page is ready, so that
// its own copy of libsodium is loaded before the person presses "send"; it
// is used once and terminated (no 64 MiB Argon2 memory kept around).
let warmWorker = null;

function spawnWorker() {
  const w = new Worker(new URL('../kdf-worker.js', import.meta.url), { type: 'module' });
  // An empty request makes the worker load libsodium now; it answers with an error we ignore.
  w.postMessage({ id: 'warm', digits: '', tenant: '' });
  return w;
}

/** Argon2id in the Web Worker (kdf-worker.js); resolves to the reporter keys. */
function keysFor(abri, digits) {
  return new Promise((resolve, reject) => {
    let worker;
    try {
      worker = warmWorker || spawnWorker();
      warmWorker = null;
    } catch (e) {
      reject(new StepError('crypto', e));
      return;
    }
    worker.onmessage = (ev) => {
      const m = ev.data || {};
      if (m.id !== 'derive') return;
      worker.terminate();
      if (m.ok && m.keys) resolve(m.keys);
      else reject(new StepError('crypto', m.code));
    };
    worker.onerror = (e) => {
      worker.terminate();
      reject(new StepError('crypto', e));
    };
    worker.postMessage({ id: 'derive', digits, tenant: dep.tenant });
  });
}

// Work is skipped while the config says difficulty 0; abrid raises the
// difficulty under load and judges a challenge when it is spent, so a
// 403 bad_pow (or an expired challenge) makes the caller ask again with
// force = true. An upload (chunks > 0) always carries work, and more the
// larger it is (powUploadBits, docs/protocol.md section 13).
async function proofOfWork(abri, cfg, hash, force = false, chunks = 0) {
  const difficulty = Number((cfg.pow && cfg.pow.difficulty) || 0);
  if (difficulty <= 0 && !force && chunks === 0) return undefined;
  const ch = await api.getChallenge();
  const bits = chunks > 0 ? abri.powUploadBits(ch.difficulty, chunks) : ch.difficulty;
  const counter = await powInWorker(api.fromB64(ch.challenge), hash, bits);
  return { challenge: ch.challenge, counter: Number(counter) };
}

/** The proof of work in a fresh worker (kdf-worker.js): the page stays responsive. */
function powInWorker(challenge, hash, difficulty) {
  return new Promise((resolve, reject) => {
    let worker;
    try {
      worker = spawnWorker();
    } catch (e) {
      reject(new StepError('crypto', e));
      return;
    }
    worker.onmessage = (ev) => {
      const m = ev.data || {};
      if (m.id !== 'pow') return;
      worker.terminate();
      if (m.ok && Number.isSafeInteger(m.counter)) resolve(m.counter);
      else reject(new StepError('crypto', m.code));
    };
    worker.onerror = (e) => {
      worker.terminate();
      reject(new StepError('crypto', e));
    };
    worker.postMessage({ id: 'pow', pow: { challenge, hash: Uint8Array.from(hash), difficulty } });
  });
}

function serverPk(list) {
  const server = list.members.find((m) => m.role === 'server');
  return server ? server.edPk : null;
}

function checkReceipt(abri, list, receipt, hash, expectRef) {
  try {
    const pk = serverPk(list);
    const r = abri.verifyReceipt(receipt, dep.tenant, pk, hash);
    return { caseRef: r.caseRef, week: r.week, verified: !expectRef || r.caseRef === expectRef };
  } catch {
    return { caseRef: expectRef, week: null, verified: false };
  }
}

function needsWork(e) {
  return e instanceof api.ApiError && e.status === 403 &&
    (e.code === 'bad_pow' || e.code === 'challenge_expired');
}

// Seal and post; on 409 recipients_changed fetch the config again, re-seal
// with a fresh submission id and retry (a few times at most).
async function sealAndPost(abri, seal, post, onStep) {
  for (let attempt = 0; ; attempt++) {
    onStep('seal');
    const { cfg, list } = await verifiedConfig(abri);
    const sealed = seal(cfg, list);
    onStep('pow');
    const pow = await proofOfWork(abri, cfg, sealed.hash);
    onStep('send');
    const req = {
      envelope: api.toB64(sealed.envelope),
      submission_id: api.toB64(api.randomBytes(16)),
    };
    if (pow) req.pow = pow;
    // A lost answer is retried with the same submission id: abrid deduplicates.
    for (let tries = 0, works = 0; ; tries++) {
      try {
        const answer = await post(req);
        return { answer, list, hash: sealed.hash };
      } catch (e) {
        if (e instanceof api.ApiError && e.code === 'recipients_changed' && attempt < 3) break;
        if (needsWork(e) && works++ < 2) {
          onStep('pow');
          req.pow = await proofOfWork(abri, cfg, sealed.hash, true);
          onStep('send');
          continue;
        }
        if (e instanceof api.ApiError && e.status === 0 && tries < 2) continue;
        throw e;
      }
    }
  }
}

/**
 * Seal and submit a new report. onStep(name) reports progress:
 * loading, code, derive, seal, pow, send. Returns the session of the new case.
 */
export async function submitReport(body, onStep, files = []) {
  try {
    onStep('loading');
    const abri = await crypto();
    const uploads = await sendFiles(abri, files, onStep);
    onStep('code');
    const token = abri.tokenGenerate();
    onStep('derive');
    const keys = await keysFor(abri, token);
    const full = uploads.refs.length > 0 ? { ...body, attachments: uploads.refs } : body;
    const { answer, list, hash } = await sealAndPost(
      abri,
      (cfg, l) => abri.sealReport({ cfg, list: l, keys, body: full }),
      (req) => uploads.post(api.createCase, { ...req, lookup_key: api.toB64(keys.lookupKey) }),
      onStep,
    );
    uploads.done();
    const proof = checkReceipt(abri, list, answer.receipt, hash, answer.case_ref);
    return { token, keys, caseRef: answer.case_ref, week: proof.week || answer.week, proof };
  } catch (e) {
    throw classify(e);
  }
}

// ---------------------------------------------------------------- attachments

const sleep = (ms) => new Promise((r) => { setTimeout(r, ms); });
const RESUME_TRIES = 6; // network errors survived per file before giving up

/** The /v1/config limits for attachments, or null when this server takes none. */
export async function uploadLimits() {
  const cfg = await api.getConfig();
  const l = (cfg && cfg.limits) || {};
  const n = (v) => (Number.isSafeInteger(v) && v > 0 ? v : null);
  const limits = {
    maxUpload: n(l.max_upload_bytes),
    maxCase: n(l.max_case_upload_bytes),
    maxFiles: n(l.max_attachments),
    chunk: n(l.upload_chunk_bytes) || 65536,
  };
  return limits.maxUpload && limits.maxCase && limits.maxFiles ? limits : null;
}

/**
 * Sends the chunks an upload lacks. A network error (a dropped connection)
 * is followed by GET /v1/uploads/{id}, which says which chunks arrived, and
 * only the missing ones are sent again, a bounded number of times with a
 * growing pause. progress(k) after each chunk stored.
 */
async function putChunks(id, enc, progress) {
  let missing = enc.chunks.map((_, i) => i);
  let failures = 0;
  const pause = async (e) => {
    if (!(e instanceof api.ApiError) || e.status !== 0 || failures >= RESUME_TRIES) throw e;
    failures += 1;
    await sleep(Math.min(8000, 400 * 2 ** failures));
  };
  for (;;) {
    try {
      let complete = false;
      for (const i of missing) {
        const r = await api.putChunk(id, i, enc.chunks[i]);
        progress(r.received);
        complete = r.complete === true;
      }
      if (complete) return;
    } catch (e) {
      await pause(e);
    }
    let st = null;
    while (st === null) {
      try {
        st = await api.uploadStatus(id);
      } catch (e) {
        await pause(e);
      }
    }
    if (st.complete === true) return;
    missing = Array.isArray(st.missing) ? st.missing.filter((i) => Number.isInteger(i) && i >= 0 && i < enc.n) : [];
    progress(Number(st.received) || 0);
    if (missing.length === 0) throw new api.ApiError(409, 'upload_incomplete');
  }
}

/** Encrypt one file, POST /v1/uploads (proof of work bound to its hash), send it. */
async function uploadOne(abri, file, onChunk) {
  const { attachEncrypt, attachRef } = await importChecked('../crypto/attach.js', import.meta.url);
  const enc = file.enc || (file.enc = await attachEncrypt(file.blob));
  for (let restart = 0; ; restart++) {
    const cfg = await api.getConfig();
    const req = { chunks: enc.n, header: api.toB64(enc.header), hash: api.toB64(enc.hash) };
    req.pow = await proofOfWork(abri, cfg, enc.hash, true, enc.n);
    let up;
    for (let works = 0; ; works++) {
      try {
        up = await api.createUpload(req);
        break;
      } catch (e) {
        if (!needsWork(e) || works >= 2) throw e;
        req.pow = await proofOfWork(abri, cfg, enc.hash, true, enc.n);
      }
    }
    try {
      await putChunks(up.upload, enc, onChunk);
    } catch (e) {
      // abrid dropped the chunks on a hash mismatch: start again once.
      if (e instanceof api.ApiError && e.code === 'upload_hash_mismatch' && restart < 1) continue;
      throw e;
    }
    return attachRef({ upload: up.upload, name: file.name, type: file.type, kind: file.kind, enc });
  }
}

function dropEncrypted(f) {
  if (f.enc) for (const v of [f.enc.key, ...f.enc.chunks]) v.fill(0);
  f.enc = null;
}

/**
 * Encrypts and uploads the files not yet sent (a retry after a failure does
 * not send a finished file again), reporting onStep('files', fraction).
 * Returns {refs, post(fn, req), done()}: post adds "uploads" to the request
 * and, if abrid no longer takes the uploads, forgets them so that the next
 * attempt sends the files again; done() drops the encrypted copies.
 */
async function sendFiles(abri, files, onStep) {
  const todo = files.filter((f) => !f.ref);
  const total = todo.reduce((a, f) => a + (Math.floor(f.size / 65536) + 1), 0);
  let sent = 0;
  if (todo.length > 0) onStep('files', 0);
  for (const f of todo) {
    let mine = 0;
    f.ref = await uploadOne(abri, f, (received) => {
      sent += Math.max(0, received - mine);
      mine = Math.max(mine, received);
      onStep('files', total ? Math.min(1, sent / total) : 1);
    });
    dropEncrypted(f); // uploaded: a cheap phone need not hold the ciphertext too
  }
  const refs = files.map((f) => f.ref);
  const forgetUploads = () => { for (const f of files) f.ref = null; };
  return {
    refs,
    async post(fn, req) {
      if (refs.length === 0) return fn(req);
      try {
        return await fn({ ...req, uploads: refs.map((r) => r.upload) });
      } catch (e) {
        if (e instanceof api.ApiError && UPLOAD_GONE.includes(e.code)) forgetUploads();
        throw e;
      }
    },
    done() {
      for (const f of files) dropEncrypted(f);
    },
  };
}

/** Checks a typed token without any request: {status, digits}. */
export async function normaliseToken(input) {
  const abri = await crypto();
  return abri.tokenNormalise(input);
}

export function groupToken(digits) {
  return digits.replace(/(\d{4})(?=\d)/g, '$1 ');
}

/** Derives the keys of a (normalised) token. */
export async function sessionFor(digits) {
  try {
    const abri = await crypto();
    return { token: digits, keys: await keysFor(abri, digits) };
  } catch (e) {
    throw classify(e);
  }
}

/** POST /v1/cases/open, then decrypt and verify everything locally. */
export async function openMyCase(session) {
  try {
    const abri = await crypto();
    const answer = await api.openCase(session.keys.lookupKey);
    const { list } = await verifiedConfig(abri);
    const lists = new Map([[list.version, list]]);
    const args = {
      envelopes: answer.envelopes.map((e) => ({ pos: e.pos, envelope: api.fromB64(e.envelope) })),
      keys: session.keys,
      lists,
      tenant: dep.tenant,
      currentVersion: list.version,
      state: answer.state,
    };
    let opened = abri.openCase(args);
    if (opened.missingLists && opened.missingLists.length > 0) {
      for (const v of opened.missingLists) {
        try {
          lists.set(v, abri.verifyRecipients(listArg(await api.getRecipients(v)), dep.tenant, dep.orgPk, null));
        } catch {
          // openCase keeps flagging the messages it cannot verify
        }
      }
      opened = abri.openCase(args);
    }
    session.chain = opened.chain;
    session.caseRef = answer.case_ref;
    return { caseRef: answer.case_ref, state: answer.state, week: answer.week, ...opened };
  } catch (e) {
    throw classify(e);
  }
}

/** Seal and send a follow-up message in the reporter's chain. */
export async function sendFollowUp(session, body, onStep, files = []) {
  try {
    const abri = await crypto();
    const uploads = await sendFiles(abri, files, onStep);
    const full = uploads.refs.length > 0 ? { ...body, attachments: uploads.refs } : body;
    const { answer } = await sealAndPost(
      abri,
      (cfg, list) => abri.sealMessage({ cfg, list, keys: session.keys, body: full, chain: session.chain }),
      (req) => uploads.post(api.postMessage, { ...req, lookup_key: api.toB64(session.keys.lookupKey) }),
      onStep,
    );
    uploads.done();
    return answer;
  } catch (e) {
    throw classify(e);
  }
}

/**
 * POST /v1/cases/erase with the lookup key (never the token). On success the
 * code opens nothing any more, so the keys are wiped from memory at once.
 */
export async function eraseMyCase(session) {
  try {
    const answer = await api.eraseCase(session.keys.lookupKey);
    forget(session);
    return answer;
  } catch (e) {
    throw classify(e);
  }
}

/** Drop the secrets this session holds. */
export function forget(session) {
  if (!session) return;
  const k = session.keys;
  if (k) for (const v of Object.values(k)) if (v instanceof Uint8Array) v.fill(0);
  session.keys = null;
  session.token = null;
  session.chain = null;
}

/** The acknowledgement file (contract B, JSON text) of a verified ack
 * message from openMyCase: its signed inner plaintext, verbatim. */
export async function ackFileText(message) {
  const abri = await crypto();
  return `${JSON.stringify(abri.ackFile(message, dep.tenant), null, 2)}\n`;
}

/**
 * Seal survey answers to the auditors of the current list (kind 7, no
 * reporter stanza, nothing linking it to the case) and POST /v1/survey
 * with the one-time code. A lost answer is retried with the same envelope
 * (abrid answers 200 to a repeat). onStep: seal, send.
 */
export async function sendSurvey(code, answers, onStep) {
  try {
    const abri = await crypto();
    const canonical = abri.surveyCodeNormalise(code); // the reply shows it grouped
    if (!canonical) throw new StepError('bad_survey_code');
    onStep('seal');
    const { cfg, list } = await verifiedConfig(abri);
    let sealed;
    try {
      sealed = abri.sealSurvey({ cfg, list, answers });
    } catch (e) {
      throw new StepError(e.code === 'no_auditor' ? 'no_auditor' : 'crypto', e);
    }
    onStep('send');
    const req = { code: canonical, envelope: api.toB64(sealed.envelope) };
    for (let tries = 0; ; tries++) {
      try {
        return await api.postSurvey(req);
      } catch (e) {
        if (e instanceof api.ApiError && e.status === 0 && tries < 2) continue;
        throw e;
      }
    }
  } catch (e) {
    if (e instanceof api.ApiError && e.code === 'bad_survey_code') throw new StepError('bad_survey_code', e);
    throw classify(e);
  }
}
