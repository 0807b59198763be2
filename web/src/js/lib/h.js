// The tiny DOM builder shared by the reporter app (web/src/js/views/dom.js)
// and the listener console (web/console/js/dom.js, embedded into `abri`
// from this directory at /js/lib/): no innerHTML anywhere, so submitted
// text and what a server answers are always inserted as text, never as
// markup. No imports: both apps load it as it is.

// Every <input> and <textarea> made here gets these, whatever the caller
// passed: what a person types (their story, a name, the code that opens
// the case) must stay on the phone. Chrome's and Edge's "enhanced spell
// check" sends a field's text to a cloud service unless spellcheck is off;
// autocorrect and autocapitalize rewrite a code or a name; autofill keeps
// what was typed on a phone that may be shared. The first three are global
// attributes, so radio buttons, checkboxes and file pickers get them too
// and "every field" has no exception; autocomplete, which HTML does not
// allow on those, goes on every field that takes text.
// web/tests/fields.test.mjs checks every field of every reporter's view;
// web/tests/console.test.mjs the console's.
const NO_TEXT_HELP = { spellcheck: 'false', autocorrect: 'off', autocapitalize: 'off' };
const NOT_TEXT = new Set(['checkbox', 'radio', 'file', 'button', 'submit', 'reset', 'image', 'hidden', 'range', 'color']);

function protectField(el) {
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
