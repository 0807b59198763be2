// Labels in the console's language for the report form's codes
// (web/src/js/views/form.js) and the taxonomy's codes (/api/reference).
import { t, tCode, language } from './i18n.js';

export function kindLabel(code) {
  // The form writes "violence_domestic", the taxonomy "violence.domestic".
  return code ? tCode('form.kind', String(code).replace('.', '_'), code) : t('form.none');
}

export function whenLabel(code) {
  return code ? tCode('form.when', code, code) : t('form.none');
}

export function wantLabel(code) {
  return tCode('form.wants', code, code);
}

/** A taxonomy label: {en, fr, nl} in the console's language, else English. */
export function taxLabel(reference, dim, code) {
  const l = reference && reference.taxonomy && reference.taxonomy[dim] && reference.taxonomy[dim][code];
  if (!l) return code;
  return l[language()] || l.en || code;
}

/** What the person asked for that a referral target answers. */
export const WANT_FOR_REFERRAL = {
  police: 'police',
  health: 'doctor',
  legal_aid: 'lawyer',
  equality_body: 'equality',
};
