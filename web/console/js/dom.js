// The console's DOM helpers around h(), the reporter app's own builder
// (web/src/js/lib/h.js, served here at /js/lib/h.js): no innerHTML
// anywhere, so what a person wrote and what the API answers is always
// inserted as text, never as markup.
import { h } from './lib/h.js';

export { h, id, heading, button } from './lib/h.js';

/** el.replaceChildren without the nulls (the DOM would write "null"). */
export function fill(el, ...kids) {
  el.replaceChildren(...kids.flat(Infinity).filter((k) => k !== null && k !== undefined && k !== false));
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
