// Modal dialogs on <dialog>.showModal(): the browser keeps focus inside and
// Escape closes it; focus goes back to what opened it.
import { h } from './dom.js';

let open = null;

/** Shows a modal; content is built by build(close); resolves with close()'s value. */
export function modal(title, build, cls) {
  const opener = document.activeElement;
  const titleId = `dlg-title-${Date.now()}`;
  const dlg = h('dialog', { class: `dialog ${cls || ''}`, 'aria-labelledby': titleId });
  return new Promise((resolve) => {
    let value = null;
    const close = (v) => {
      value = v;
      dlg.close();
    };
    dlg.addEventListener('close', () => {
      dlg.remove();
      if (open === dlg) open = null;
      if (opener && opener.isConnected && typeof opener.focus === 'function') opener.focus();
      resolve(value);
    });
    dlg.append(h('h2', { id: titleId, tabindex: '-1', class: 'dialog-title' }, title), build(close));
    document.body.append(dlg);
    open = dlg;
    dlg.showModal();
    const first = dlg.querySelector('[autofocus]') || dlg.querySelector('h2');
    first.focus();
  });
}

/** Closes any open dialog (used when the console locks). */
export function closeAll() {
  if (open) open.close();
}
