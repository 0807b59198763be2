// The token, always left to right (also on RTL pages), in groups of four.
import { h } from './dom.js';

export function tokenElement(digits, cls) {
  const groups = digits.match(/\d{1,4}/g) || [];
  const parts = [];
  groups.forEach((g, i) => {
    if (i > 0) parts.push(' ');
    parts.push(h('span', { class: 'token-group' }, g));
  });
  return h('bdi', { dir: 'ltr', class: cls || 'token', translate: 'no' }, parts);
}
