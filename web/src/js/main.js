// Boot and view router. Views are switched in JS and the URL stays "/":
// nothing about the person's report or code ever appears in a URL or in
// the session history. Nothing is stored on the device.
import { guessLanguage, setLanguage, t, applyStatic } from './i18n.js';
import { installQuickExit, setExitUrl } from './quickexit.js';
import { getConfig } from './api.js';
import { loadCrypto, forget } from './views/session.js';
import { stopRecording, discardFiles } from './views/attach.js';
import * as langView from './views/lang.js';
import * as startView from './views/start.js';
import * as formView from './views/form.js';
import * as reviewView from './views/review.js';
import * as receiptView from './views/receipt.js';
import * as backView from './views/back.js';
import * as caseView from './views/case.js';
import * as erasedView from './views/erased.js';

const VIEWS = {
  lang: langView,
  start: startView,
  form: formView,
  review: reviewView,
  receipt: receiptView,
  back: backView,
  case: caseView,
  erased: erasedView,
};

function freshDraft() {
  return { kind: '', when: '', where: '', who: '', what: '', wants: [], contact: '', attachments: [] };
}

const app = {
  state: { draft: freshDraft(), session: null, view: null, last: null },
  freshDraft,
  go(name, data, { focus = true } = {}) {
    if (name === 'receipt' && data) {
      app.state.session = { token: data.token, keys: data.keys, caseRef: data.caseRef };
    }
    if (name !== 'lang') app.state.last = { name, data };
    const view = VIEWS[name];
    const main = document.getElementById('main');
    app.state.view = name;
    main.replaceChildren(view.render(app, data));
    document.body.dataset.view = name;
    window.scrollTo(0, 0);
    const h1 = main.querySelector('h1');
    if (h1 && focus) h1.focus();
  },
  /** After a language change: back to the view the person was on. */
  resume() {
    const last = app.state.last;
    if (!last || ((last.name === 'case' || last.name === 'receipt') && !app.state.session)) app.go('start');
    else app.go(last.name, last.name === 'case' ? undefined : last.data);
  },
  /** Forget the token and keys (leaving the case, quick exit). */
  leave() {
    forget(app.state.session);
    app.state.session = null;
    app.state.last = null;
  },
};

function wipe() {
  stopRecording(true);
  if (app.state.session) discardFiles(app.state.session.files);
  app.leave();
  discardFiles(app.state.draft.attachments);
  app.state.draft = freshDraft();
}

async function boot() {
  installQuickExit(document.getElementById('quick-exit'), wipe);
  document.getElementById('lang-btn').addEventListener('click', () => {
    if (app.state.view === 'review' && document.querySelector('.view-review button[disabled]')) return;
    app.go('lang');
  });
  getConfig().then((cfg) => setExitUrl(cfg.quick_exit_url), () => {});
  try {
    await setLanguage(guessLanguage());
  } catch {
    await setLanguage('en');
  }
  applyStatic(document);
  app.go('lang', undefined, { focus: false });
  document.body.classList.add('ready');
  // libsodium loads in the background while the person reads and writes.
  loadCrypto().catch(() => {});
}

boot().catch(() => {
  const main = document.getElementById('main');
  main.textContent = t('err.generic');
});
