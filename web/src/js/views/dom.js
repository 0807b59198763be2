import { t } from '../i18n.js';
// h(), the tiny DOM builder (lib/h.js, shared with the listener console):
// no innerHTML anywhere, so submitted text and messages from the server
// are always inserted as text, never as markup; every field made gets
// spellcheck, autocorrect, autocapitalize and autocomplete off.
import { h } from '../lib/h.js';

export { h, id, heading, button } from '../lib/h.js';


/** A polite live region for progress and a separate alert region for errors. */
export function statusArea() {
  const progress = h('progress', { max: '1', value: '0', hidden: true });
  const text = h('p', { class: 'status-text' });
  const live = h('div', { class: 'status', role: 'status', 'aria-live': 'polite' }, text);
  const alert = h('div', { class: 'alert', role: 'alert', hidden: true });
  const box = h('div', { class: 'status-box' }, progress, live, alert);
  return {
    el: box,
    step(msg, value, max) {
      alert.hidden = true;
      progress.hidden = false;
      progress.max = max;
      progress.value = value;
      progress.setAttribute('aria-label', t('progress.label'));
      if (msg !== null) text.textContent = msg; // null: only the bar moves
    },
    done(msg) {
      progress.hidden = true;
      text.textContent = msg || '';
    },
    error(msg, extra) {
      progress.hidden = true;
      text.textContent = '';
      alert.replaceChildren(h('p', { class: 'alert-title' }, t('err.heading')), h('p', {}, msg), extra || '');
      alert.hidden = false;
    },
    clear() {
      progress.hidden = true;
      text.textContent = '';
      alert.hidden = true;
      alert.replaceChildren();
    },
  };
}
