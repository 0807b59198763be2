// Tiny DOM builder, as in the reporter app (web/src/js/views/dom.js): no
// innerHTML anywhere, so what a person wrote and what the API answers is
// always inserted as text, never as markup.
const NO_TEXT_HELP = { spellcheck: 'false', autocorrect: 'off', autocapitalize: 'off' };
const NOT_TEXT = new Set(['checkbox', 'radio', 'file', 'button', 'submit', 'reset', 'hidden']);

function protectField(el) {
  // Spell checkers may send a field's text to a cloud service.
  for (const [k, v] of Object.entries(NO_TEXT_HELP)) el.setAttribute(k, v);
  if (el.localName === 'textarea' || !NOT_TEXT.has(el.type)) el.setAttribute('autocomplete', 'off');
}

export function h(tag, attrs, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  if (el.localName === 'input' || el.localName === 'textarea') protectField(el);
  for (const kid of kids.flat(Infinity)) {
    if (kid === null || kid === undefined || kid === false) continue;
    el.append(kid instanceof Node ? kid : String(kid));
  }
  return el;
}

/** el.replaceChildren without the nulls (the DOM would write "null"). */
export function fill(el, ...kids) {
  el.replaceChildren(...kids.flat(Infinity).filter((k) => k !== null && k !== undefined && k !== false));
}

let uid = 0;
export function id(prefix) {
  uid += 1;
  return `${prefix}-${uid}`;
}

/** The view's h1, focusable so that focus moves to it on each view change. */
export function heading(text) {
  return h('h1', { tabindex: '-1', class: 'view-heading' }, text);
}

export function button(text, onclick, cls) {
  return h('button', { type: 'button', class: cls || 'btn', onclick }, text);
}

/** An icon from /img with a text alternative ('' when the text is beside it). */
export function icon(name, alt) {
  return h('img', { src: `/img/${name}.svg`, alt: alt || '', class: 'icon', width: '20', height: '20' });
}

/** What a person wrote: its own direction, isolated from the page's. */
export function personText(text, lang, tag) {
  return h(tag || 'p', { class: 'person-text', dir: 'auto', lang: lang || null },
    h('bdi', {}, text));
}

/** A polite status line and an alert box, for one part of a page. */
export function statusArea() {
  const live = h('p', { class: 'status-text', role: 'status' });
  const alert = h('div', { class: 'alert', role: 'alert', hidden: true });
  return {
    el: h('div', { class: 'status-box' }, live, alert),
    ok(msg) {
      alert.hidden = true;
      alert.replaceChildren();
      live.textContent = msg;
    },
    error(msg) {
      live.textContent = '';
      alert.replaceChildren(h('p', {}, msg));
      alert.hidden = false;
    },
    clear() {
      live.textContent = '';
      alert.hidden = true;
      alert.replaceChildren();
    },
  };
}
