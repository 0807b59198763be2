// The console's JSON API (docs/console-api.md): the CSRF token on every
// POST, errors as ApiError with the server's code. A 423 ("locked") from
// any route calls the lock handler, which brings back the unlock screen.
let csrf = '';
let onLocked = () => {};
let lastRequest = Date.now();

export class ApiError extends Error {
  constructor(status, code, body) {
    super(code);
    this.status = status;
    this.code = code;
    this.body = body || {};
  }
}

export function setCsrf(token) {
  csrf = token || '';
}

export function setLockHandler(fn) {
  onLocked = fn;
}

export function sinceLastRequest() {
  return Date.now() - lastRequest;
}

export async function api(method, path, body) {
  const opts = { method, headers: {}, credentials: 'same-origin', cache: 'no-store' };
  if (method === 'POST') {
    opts.headers['Content-Type'] = 'application/json';
    opts.headers['X-Abri-CSRF'] = csrf;
    opts.body = JSON.stringify(body || {});
  }
  let res;
  try {
    res = await fetch(path, opts);
  } catch {
    throw new ApiError(0, 'console_unreachable');
  }
  lastRequest = Date.now();
  let data = null;
  try {
    data = await res.json();
  } catch {
    data = null;
  }
  if (res.status === 423) {
    onLocked();
    throw new ApiError(423, 'locked', data);
  }
  if (!res.ok) {
    const code = (data && data.error && data.error.code) || `http_${res.status}`;
    throw new ApiError(res.status, code, data && data.error);
  }
  return data;
}

export const get = (path) => api('GET', path);
export const post = (path, body) => api('POST', path, body);

/** The path of a case's route, with its reference checked. */
export function casePath(ref, rest) {
  if (!/^[0-9A-Z]{10}$/.test(ref)) throw new ApiError(0, 'bad_ref');
  return `/api/cases/${ref}${rest || ''}`;
}
