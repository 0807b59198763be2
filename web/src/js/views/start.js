// Start page: what this is, why it is safe, an honest note on history.
import { t } from '../i18n.js';
import { h, heading, button } from './dom.js';

export function render(app) {
  return h('section', { class: 'view view-start' },
    heading(t('start.heading')),
    h('p', { class: 'lead' }, t('start.what')),
    h('ul', { class: 'safe-list' },
      h('li', {}, t('start.safe_encrypted')),
      h('li', {}, t('start.safe_status')),
      h('li', {}, t('start.safe_anonymous')),
      h('li', {}, t('start.safe_storage'))),
    h('div', { class: 'actions' },
      button(t('start.new'), () => app.go('form'), 'btn primary'),
      button(t('start.have_code'), () => app.go('back'), 'btn')),
    h('section', { class: 'note', 'aria-labelledby': 'history-h' },
      h('h2', { id: 'history-h' }, t('start.history_heading')),
      h('p', {}, t('start.history')),
      h('p', {}, t('exit.hint'))));
}
