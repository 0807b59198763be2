// What the page says for each error code of the API: the server's own
// message is for developers, never shown.
import { t, tCode } from './i18n.js';

export function errorWords(e) {
  const code = (e && e.code) || 'unknown';
  if (code === 'unknown_code' && e.body && e.body.dimension) {
    return t('err.unknown_code', { what: tCode('coding.dim', e.body.dimension, e.body.dimension) });
  }
  return tCode('err', code, t('err.other', { code: String(code) }));
}

/** Runs work() for the button that asked for it: the button is disabled
 * meanwhile (and stays so once it worked); when work fails the button is
 * enabled again and the error is said in status, in words — except
 * "locked", where the unlock screen takes over. Resolves to work's result,
 * or null when it failed. */
export async function act(btn, status, work) {
  btn.disabled = true;
  try {
    return await work();
  } catch (e) {
    btn.disabled = false;
    if (e.code !== 'locked') status.error(errorWords(e));
    return null;
  }
}
