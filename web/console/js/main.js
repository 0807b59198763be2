// abri console: the page only shows what the JSON API gives it and posts
// what the listener writes; the local `abri` process decrypts and verifies.
// Routes live in the fragment: #/ (inbox, with ?state=&attention=&q=&page=)
// and #/case/REF.
import { get, post, setCsrf, setLockHandler, sinceLastRequest, ApiError } from './api.js';
import { setLanguage, t, language } from './i18n.js';
import { h, heading, fill } from './dom.js';
import { closeAll } from './dialog.js';
import { errorWords } from './words.js';
import { renderInbox, stopInbox } from './inbox.js';
import { renderCase } from './case.js';
import { clearPrint } from './print.js';

const main = document.getElementById('main');
const app = {
  session: null,
  reference: null, // /api/reference, fetched once per unlock
  locked: true,
  flash: null, // one message for the next view ({ok|error, text})
  main,
  go(hash) {
    if (location.hash === hash) route();
    else location.hash = hash;
  },
  async ref() {
    if (!app.reference) app.reference = await get('/api/reference');
    return app.reference;
  },
  /** Focus the view's heading after it changed (screen readers, keyboard). */
  focusHeading() {
    const h1 = main.querySelector('h1');
    if (h1) h1.focus();
  },
  show(...nodes) {
    fill(main, ...nodes);
  },
};

function showWho() {
  const who = document.getElementById('who');
  const l = app.session && app.session.listener;
  if (l && !app.locked) {
    who.replaceChildren(t('app.signed_in_as'), ' ', h('strong', {}, h('bdi', {}, l.name)));
    who.hidden = false;
  } else {
    who.hidden = true;
    who.replaceChildren();
  }
  document.getElementById('lock-btn').hidden = app.locked;
}

/** Forget everything shown: the key is wiped on the other side. */
function dropEverything() {
  stopInbox();
  closeAll();
  clearPrint();
  app.reference = null;
  app.flash = null;
  main.replaceChildren();
}

function locked() {
  if (app.locked && main.querySelector('.view-unlock')) return;
  app.locked = true;
  dropEverything();
  showWho();
  renderUnlock();
}
setLockHandler(locked);

function renderUnlock(errorCode) {
  const input = h('input', { type: 'password', id: 'passphrase', name: 'passphrase', required: true,
    'aria-describedby': 'passphrase-hint' });
  const alert = h('div', { class: 'alert', role: 'alert', hidden: !errorCode },
    errorCode ? h('p', {}, errorWords({ code: errorCode })) : null);
  const submit = h('button', { type: 'submit', class: 'btn primary' }, t('unlock.submit'));
  const form = h('form', { class: 'unlock-form', novalidate: true },
    h('label', { for: 'passphrase' }, t('unlock.label')),
    h('p', { class: 'hint', id: 'passphrase-hint' }, t('unlock.hint')),
    input, alert, h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!input.value) {
      alert.replaceChildren(h('p', {}, t('unlock.empty')));
      alert.hidden = false;
      input.focus();
      return;
    }
    submit.disabled = true;
    try {
      const s = await post('/api/unlock', { passphrase: input.value });
      input.value = '';
      app.session = { ...app.session, ...s };
      if (s.csrf) setCsrf(s.csrf);
      app.locked = false;
      showWho();
      route();
    } catch (e) {
      input.value = '';
      submit.disabled = false;
      alert.replaceChildren(h('p', {}, errorWords(e)));
      alert.hidden = false;
      input.focus();
    }
  });
  app.show(h('section', { class: 'view-unlock' },
    h('img', { src: '/img/lock.svg', alt: '', class: 'unlock-icon', width: '48', height: '48' }),
    heading(t('unlock.heading')),
    h('p', {}, t('unlock.intro')),
    form));
  document.title = `${t('unlock.heading')} — abri console`;
  input.focus();
}

function parseHash() {
  const raw = location.hash.replace(/^#/, '');
  const m = /^\/case\/([0-9A-Z]{10})$/.exec(raw);
  if (m) return { view: 'case', ref: m[1] };
  const q = raw.startsWith('/?') ? new URLSearchParams(raw.slice(2)) : new URLSearchParams();
  return { view: 'inbox', params: q };
}

async function route() {
  if (app.locked) return;
  stopInbox();
  clearPrint();
  const r = parseHash();
  try {
    if (r.view === 'case') await renderCase(app, r.ref);
    else await renderInbox(app, r.params);
  } catch (e) {
    if (e instanceof ApiError && e.code === 'locked') return;
    app.show(h('section', { class: 'view-error' }, heading(t('err.heading')),
      h('div', { class: 'alert', role: 'alert' }, h('p', {}, errorWords(e))),
      h('p', {}, h('a', { href: '#/' }, t('case.back')))));
    app.focusHeading();
  }
}
app.route = route;

function noSession() {
  app.show(h('section', { class: 'view-error' }, heading(t('nosession.heading')),
    h('p', {}, t('nosession.text'))));
}

// The idle lock happens in `abri`; the page learns of it at its next
// request. So that a page left open does not keep showing a case, ask once
// the idle time has passed without any request.
function idleWatch() {
  setInterval(async () => {
    if (app.locked || !app.session) return;
    const idle = (app.session.idle_lock || 600) * 1000;
    if (sinceLastRequest() < idle + 1000) return;
    try {
      const s = await get('/api/session');
      if (s.locked) locked();
    } catch (e) {
      if (e.status === 401) noSession();
    }
  }, 1000);
}

async function boot() {
  document.getElementById('skip-link').addEventListener('click', (ev) => {
    ev.preventDefault();
    const h1 = main.querySelector('h1');
    (h1 || main).focus();
  });
  const sel = document.getElementById('lang-select');
  sel.addEventListener('change', async () => {
    const want = sel.value;
    try {
      await post('/api/lang', { lang: want });
    } catch {
      // Still switch for this page; only remembering it failed.
    }
    await setLanguage(want);
    showWho();
    if (app.locked) renderUnlock();
    else route();
    sel.focus();
  });
  document.getElementById('lock-btn').addEventListener('click', async () => {
    try {
      await post('/api/lock', {});
    } catch {
      // Locked anyway below; the idle lock also runs in abri.
    }
    locked();
  });
  let s;
  try {
    s = await get('/api/session');
  } catch (e) {
    await setLanguage('fr');
    if (e.status === 401) noSession();
    else app.show(h('div', { class: 'alert', role: 'alert' }, h('p', {}, errorWords(e))));
    return;
  }
  app.session = s;
  setCsrf(s.csrf);
  await setLanguage(s.lang || 'fr');
  sel.value = language();
  app.locked = !!s.locked;
  showWho();
  window.addEventListener('hashchange', route);
  idleWatch();
  if (app.locked) renderUnlock();
  else route();
}

boot();
