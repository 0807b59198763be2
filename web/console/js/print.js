// Printing: only #print-area is printed (console.css, @media print), and it
// holds only what the listener chose; emptied when the view changes.
import { fill } from './dom.js';
const area = () => document.getElementById('print-area');

export function printNodes(nodes) {
  const a = area();
  fill(a, ...nodes);
  document.body.classList.add('printing');
  const done = () => {
    document.body.classList.remove('printing');
    window.removeEventListener('afterprint', done);
  };
  window.addEventListener('afterprint', done);
  window.print();
}

export function clearPrint() {
  const a = area();
  if (a) a.replaceChildren();
  document.body.classList.remove('printing');
}
