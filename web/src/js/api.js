// Fetch wrappers for abrid's JSON API (docs/api.md). Secrets travel only in
// POST bodies, never in a URL; no cookies, no referrer, no HTTP cache.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message || code);
    this.status = status; // 0 = no answer (network)
    this.code = code;
  }
}

export function toB64(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

export function fromB64(b64) {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

export function randomBytes(n) {
  return crypto.getRandomValues(new Uint8Array(n));
}

async function call(method, path, body, raw) {
  const init = {
    method,
    credentials: 'omit',
    cache: 'no-store',
    referrerPolicy: 'no-referrer',
    headers: { Accept: 'application/json' },
  };
  if (raw !== undefined) {
    init.headers['Content-Type'] = 'application/octet-stream';
    init.body = raw;
  } else if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch {
    throw new ApiError(0, 'network');
  }
  let json = null;
  try {
    json = await res.json();
  } catch {
    json = null;
  }
  if (!res.ok) {
    const err = (json && json.error) || {};
    throw new ApiError(res.status, err.code || `http_${res.status}`, err.message);
  }
  if (json === null) throw new ApiError(res.status, 'bad_answer');
  return json;
}

export const getConfig = () => call('GET', '/v1/config');
export const getRecipients = (version) => call('GET', `/v1/recipients/${Number(version)}`);
export const getChallenge = () => call('POST', '/v1/challenge', {});
export const createCase = (req) => call('POST', '/v1/cases', req);
export const openCase = (lookupKey) => call('POST', '/v1/cases/open', { lookup_key: toB64(lookupKey) });
export const postMessage = (req) => call('POST', '/v1/cases/messages', req);
export const eraseCase = (lookupKey) => call('POST', '/v1/cases/erase', { lookup_key: toB64(lookupKey) });
// A survey answer: the one-time code and an envelope sealed to the auditors.
export const postSurvey = (req) => call('POST', '/v1/survey', req);

// Uploads (attachments, docs/api.md "Uploads"). The upload id goes in the
// URL as base64url without padding; it is a random name for sealed bytes.
export const uploadPath = (id) => `/v1/uploads/${id.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}`;
export const createUpload = (req) => call('POST', '/v1/uploads', req);
export const putChunk = (id, index, bytes) => call('PUT', `${uploadPath(id)}/${Number(index)}`, undefined, bytes);
export const uploadStatus = (id) => call('GET', uploadPath(id));
