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
