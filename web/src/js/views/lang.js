// Language choice: native names, the choice kept in memory for this visit only.
import { LANGUAGES, language, setLanguage, t } from '../i18n.js';
import { h, heading, statusArea } from './dom.js';

export function render(app) {
  const status = statusArea();
  const list = h('ul', { class: 'lang-list', 'aria-label': t('lang.list_label') },
    LANGUAGES.map((l) => h('li', {},
      h('button', {
        type: 'button',
        class: 'btn lang-btn',
        lang: l.code,
        dir: l.dir,
        'aria-current': l.code === language() ? 'true' : null,
        onclick: async () => {
          try {
            await setLanguage(l.code);
            app.resume();
          } catch {
            status.error(t('lang.load_error'));
          }
        },
      }, l.name))));
  return h('section', { class: 'view view-lang' },
    heading(t('lang.heading')),
    h('p', {}, t('lang.intro')),
    list,
    status.el);
}
