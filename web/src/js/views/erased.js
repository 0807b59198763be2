// After erasing: a plain confirmation. The keys were already wiped
// (session.js eraseMyCase, app.leave); nothing of the case is left here.
import { t } from '../i18n.js';
import { h, heading, button } from './dom.js';

export function render(app) {
  // An empty live region first, filled a moment later, so that screen
  // readers announce the result even though the whole view changed.
  const live = h('p', { class: 'status-text', role: 'status', 'aria-live': 'polite', id: 'erased-status' });
  setTimeout(() => { live.textContent = t('erased.done'); }, 150);
  return h('section', { class: 'view view-erased' },
    heading(t('erased.heading')),
    h('div', { class: 'ok' }, live),
    h('p', {}, t('erased.text')),
    h('p', {}, t('erased.code')),
    h('p', {}, t('erased.later')),
    h('div', { class: 'actions' },
      button(t('app.home'), () => app.go('start'), 'btn primary')));
}
