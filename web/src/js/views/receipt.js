// Receipt: the token (big, grouped, LTR) with copy / save / print, and the
// proof of receipt verified with the server key from the recipient list.
import { t } from '../i18n.js';
import { h, heading, button } from './dom.js';
import { tokenElement } from './token.js';
import { groupToken } from './session.js';

function saveFile(text) {
  const blob = new Blob([text], { type: 'text/plain;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: 'code.txt', class: 'visually-hidden' }, 'code.txt');
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

export function render(app, result) {
  const session = app.state.session;
  const grouped = groupToken(session.token);
  const tokenEl = tokenElement(session.token);
  const copyMsg = h('p', { class: 'status-text', role: 'status', 'aria-live': 'polite' });
  const proofOk = result.proof && result.proof.verified;

  const copy = button(t('receipt.copy'), async () => {
    try {
      await navigator.clipboard.writeText(grouped);
      copyMsg.textContent = t('receipt.copied');
    } catch {
      // No clipboard (e.g. not a secure context): select it for a manual copy.
      window.getSelection().selectAllChildren(tokenEl);
      copyMsg.textContent = t('receipt.copy_failed');
    }
  });
  const save = button(t('receipt.save'), () => saveFile(`${t('receipt.file_intro')}\n${grouped}\n`));
  const print = button(t('receipt.print'), () => window.print());

  return h('section', { class: 'view view-receipt' },
    heading(t('receipt.heading')),
    h('section', { class: 'token-box printable', 'aria-labelledby': 'code-h' },
      h('h2', { id: 'code-h' }, t('receipt.code_label')),
      h('p', { class: 'token-line' }, tokenEl),
      h('p', {}, t('receipt.code_explain')),
      h('p', { class: 'no-print' }, t('receipt.keep'))),
    h('div', { class: 'actions no-print' }, copy, save, print),
    copyMsg,
    h('p', { class: 'warning no-print' }, t('receipt.save_warning')),
    h('section', { class: 'proof printable', 'aria-labelledby': 'proof-h' },
      h('h2', { id: 'proof-h' }, t('receipt.proof_heading')),
      h('p', {}, t('receipt.proof_intro')),
      h('dl', { class: 'answers' },
        h('dt', {}, t('receipt.case_ref')),
        h('dd', {}, h('bdi', { dir: 'ltr', class: 'mono', id: 'case-ref' }, result.caseRef)),
        h('dt', {}, t('receipt.week')),
        h('dd', {}, h('bdi', { dir: 'ltr', class: 'mono' }, result.week || ''))),
      proofOk
        ? h('p', { class: 'ok', id: 'proof-status' }, t('receipt.proof_ok'))
        : h('p', { class: 'warning', id: 'proof-status', role: 'alert' }, t('receipt.proof_bad'))),
    h('section', { class: 'no-print', 'aria-labelledby': 'next-h' },
      h('h2', { id: 'next-h' }, t('receipt.next_heading')),
      h('p', {}, t('receipt.next'))),
    h('div', { class: 'actions no-print' },
      button(t('receipt.go_case'), () => app.go('case'), 'btn primary'),
      button(t('receipt.finish'), () => { app.leave(); app.go('start'); })));
}
