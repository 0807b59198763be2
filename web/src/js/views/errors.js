// One plain sentence per kind of failure (session.js StepError.kind).
import { t } from '../i18n.js';

export function errorMessage(e) {
  switch (e && e.kind) {
    case 'network': return t('err.network');
    case 'busy': return t('err.busy');
    case 'server': return t('err.server');
    case 'crypto': return t('err.crypto');
    case 'recipients': return t('err.recipients');
    case 'too_large': return t('err.too_large');
    case 'not_found': return t('back.err.not_found');
    case 'files_too_large': return t('attach.err.server_too_large');
    case 'files_quota': return t('attach.err.quota');
    case 'upload': return t('attach.err.upload');
    default: return t('err.generic');
  }
}

/** Progress steps, as [text, position of 6]. */
export function stepText(step) {
  switch (step) {
    case 'loading': return [t('progress.loading'), 1];
    case 'code': return [t('progress.code'), 2];
    case 'derive': return [t('progress.derive'), 3];
    case 'seal': return [t('progress.seal'), 4];
    case 'pow': return [t('progress.pow'), 5];
    case 'send': return [t('progress.send'), 6];
    case 'open': return [t('progress.open'), 5];
    case 'files': return [t('progress.files'), 1];
    default: return [t('progress.loading'), 0];
  }
}
