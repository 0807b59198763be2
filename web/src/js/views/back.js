// Come back: type the token. The check digit catches a typo before any
// request; only the lookup key derived from it is ever sent.
import { t } from '../i18n.js';
import { h, heading, button, statusArea } from './dom.js';
import { normaliseToken, sessionFor, openMyCase } from './session.js';
import { errorMessage, stepText } from './errors.js';

function tokenError(status) {
  switch (status) {
    case 'bad_char': return t('back.err.bad_char');
    case 'bad_length': return t('back.err.bad_length');
    case 'bad_check': return t('back.err.bad_check');
    default: return t('back.err.empty');
  }
}

export function render(app) {
  const status = statusArea();
  const err = h('p', { class: 'field-error', id: 'token-err', hidden: true });
  const input = h('input', {
    id: 'token-input',
    type: 'text',
    inputmode: 'numeric', // spellcheck, autocorrect... off: h() (dom.js)
    dir: 'ltr',
    class: 'token-input',
    'aria-describedby': 'token-hint token-err',
  });
  const open = h('button', { type: 'submit', class: 'btn primary' }, t('back.open'));
  let busy = false;

  function showError(msg) {
    err.textContent = msg;
    err.hidden = false;
    input.setAttribute('aria-invalid', 'true');
    status.error(msg);
    input.focus();
  }

  const form = h('form', { class: 'token-form', novalidate: true },
    h('div', { class: 'field' },
      h('label', { for: 'token-input' }, t('back.label')),
      h('p', { class: 'hint', id: 'token-hint' }, t('back.intro')),
      err,
      input),
    h('div', { class: 'actions' },
      open,
      button(t('app.home'), () => { if (!busy) app.go('start'); })));

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (busy) return;
    err.hidden = true;
    input.removeAttribute('aria-invalid');
    status.clear();
    if (input.value.trim() === '') {
      showError(t('back.err.empty'));
      return;
    }
    busy = true;
    open.disabled = true;
    try {
      const norm = await normaliseToken(input.value);
      if (norm.status !== 'valid') {
        showError(tokenError(norm.status));
        return;
      }
      status.step(stepText('derive')[0], 1, 3);
      const session = await sessionFor(norm.digits);
      status.step(t('progress.open'), 2, 3);
      let opened;
      try {
        opened = await openMyCase(session);
      } catch (e) {
        if (e.kind === 'not_found') {
          showError(t('back.err.not_found'));
          return;
        }
        throw e;
      }
      input.value = '';
      status.done(t('progress.done'));
      app.state.session = session;
      app.go('case', opened);
    } catch (e) {
      status.error(errorMessage(e));
    } finally {
      busy = false;
      open.disabled = false;
    }
  });

  return h('section', { class: 'view view-back' },
    heading(t('back.heading')),
    form,
    status.el);
}
