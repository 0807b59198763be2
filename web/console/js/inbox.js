// The inbox: triage at a glance (docs/console-api.md, "Inbox").
import { get } from './api.js';
import { t, tCode, langName, date } from './i18n.js';
import { h, heading, icon, id, fill } from './dom.js';
import { kindLabel, wantLabel } from './labels.js';

const STATES = ['new', 'open', 'closed', 'erased'];
let timer = null;

export function stopInbox() {
  if (timer) clearTimeout(timer);
  timer = null;
}

function query(params) {
  const q = new URLSearchParams();
  for (const k of ['state', 'attention', 'q', 'page']) if (params.get(k)) q.set(k, params.get(k));
  return q;
}

function attachmentsCell(a) {
  const n = (k) => (a && a[k]) || 0;
  const items = [];
  if (n('photo') > 0) items.push(['photo', t('inbox.photos', { n: n('photo') }), n('photo')]);
  if (n('voice') > 0) items.push(['voice', t('inbox.voices', { n: n('voice') }), n('voice')]);
  if (n('document') > 0) items.push(['document', t('inbox.documents', { n: n('document') }), n('document')]);
  if (items.length === 0) return h('span', { class: 'muted' }, t('inbox.none'));
  return h('ul', { class: 'att-list' }, items.map(([kind, words, count]) =>
    h('li', { class: 'att' }, icon(kind, words), h('span', { 'aria-hidden': 'true' }, String(count)))));
}

function row(c) {
  const flags = [];
  if (c.alarm) flags.push(h('span', { class: 'badge badge-bad' }, t('inbox.alarm')));
  if (c.state === 'closed' && c.new_from_person > 0) flags.push(h('span', { class: 'badge badge-warn' }, t('inbox.closed_new')));
  else if (c.attention) flags.push(h('span', { class: 'badge badge-warn' }, t('inbox.attention')));
  const readable = c.readable !== false;
  const wants = (c.wants || []).map((w) => h('li', {}, wantLabel(w)));
  const contactWanted = (c.wants || []).includes('contact');
  return h('tr', { class: `case-row row-${c.state}${c.attention ? ' needs-attention' : ''}`, 'data-ref': c.case_ref },
    h('th', { scope: 'row' },
      h('a', { href: `#/case/${c.case_ref}`, class: 'ref' }, c.case_ref),
      flags.length ? h('div', { class: 'flags' }, flags) : null),
    h('td', {}, t('inbox.week_of', { date: date(c.week_start) })),
    h('td', {}, h('span', { class: `state state-${c.state}` }, tCode('state', c.state, c.state))),
    h('td', {}, readable ? langName(c.lang) : '—'),
    h('td', {}, readable ? kindLabel(c.kind) : h('span', { class: 'bad-text' }, t('inbox.unreadable'))),
    h('td', {}, contactWanted || c.contact
      ? h('div', {}, h('span', {}, t('inbox.contact_yes')),
        c.contact ? h('p', { class: 'person-text small', dir: 'auto' }, h('bdi', {}, c.contact)) : null)
      : h('span', { class: 'muted' }, t('inbox.contact_no'))),
    h('td', {}, wants.length ? h('ul', { class: 'plain-list' }, wants) : h('span', { class: 'muted' }, t('inbox.none'))),
    h('td', {}, attachmentsCell(c.attachments)),
    h('td', { class: 'num' }, c.new_from_person > 0
      ? h('strong', { class: 'new-count' }, t('inbox.new_n', { n: c.new_from_person }))
      : h('span', { class: 'muted' }, '0')));
}

export async function renderInbox(app, params) {
  const q = query(params);
  const data = await get(`/api/cases?${q}`);
  await app.ref().catch(() => null);

  const stateSel = h('select', { id: 'f-state', name: 'state' },
    h('option', { value: '' }, t('inbox.all_states')),
    STATES.map((s) => h('option', { value: s, selected: params.get('state') === s }, tCode('state', s, s))));
  const attention = h('input', { type: 'checkbox', id: 'f-attention', name: 'attention', checked: params.get('attention') === '1' });
  const search = h('input', { type: 'search', id: 'f-q', name: 'q', dir: 'auto' });
  search.value = params.get('q') || '';
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': t('inbox.filters') },
    h('div', { class: 'filter' }, h('label', { for: 'f-state' }, t('inbox.state')), stateSel),
    h('div', { class: 'filter filter-check' }, attention, h('label', { for: 'f-attention' }, t('inbox.attention_only'))),
    h('div', { class: 'filter filter-search' }, h('label', { for: 'f-q' }, t('inbox.search')), search),
    h('button', { type: 'submit', class: 'btn' }, t('inbox.apply')));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const n = new URLSearchParams();
    if (stateSel.value) n.set('state', stateSel.value);
    if (attention.checked) n.set('attention', '1');
    if (search.value.trim()) n.set('q', search.value.trim());
    app.go(`#/?${n}`);
  });

  const progress = h('p', { class: 'progress-line', role: 'status' });
  const tableBox = h('div', { class: 'table-box' });
  const pager = h('nav', { class: 'pager', 'aria-label': t('inbox.pages') });
  const captionId = id('cases-caption');

  function draw(d) {
    progress.textContent = d.complete ? '' : t('inbox.still_reading', { n: d.decrypted ?? 0, m: d.total ?? 0 });
    progress.hidden = !!d.complete;
    if (!d.cases || d.cases.length === 0) {
      tableBox.replaceChildren(h('p', { class: 'empty' }, q.toString() ? t('inbox.empty_filtered') : t('inbox.empty')));
    } else {
      tableBox.replaceChildren(h('table', { class: 'cases', 'aria-describedby': captionId },
        h('caption', { id: captionId }, t('inbox.caption', { n: d.total })),
        h('thead', {}, h('tr', {},
          ['inbox.col.ref', 'inbox.col.week', 'inbox.col.state', 'inbox.col.lang', 'inbox.col.kind',
            'inbox.col.contact', 'inbox.col.wants', 'inbox.col.attachments', 'inbox.col.new'].map((k) => h('th', { scope: 'col' }, t(k))))),
        h('tbody', {}, d.cases.map(row))));
    }
    const page = d.page || 1;
    const pages = d.pages || 1;
    const link = (p, key) => {
      const n = new URLSearchParams(q);
      n.set('page', String(p));
      return h('a', { href: `#/?${n}`, class: 'btn' }, t(key));
    };
    fill(pager, 
      page > 1 ? link(page - 1, 'inbox.prev') : null,
      h('span', { class: 'pager-text' }, t('inbox.page_of', { page, pages })),
      page < pages ? link(page + 1, 'inbox.next') : null);
    pager.hidden = pages <= 1;
  }

  draw(data);
  app.show(h('section', { class: 'view-inbox' },
    heading(t('inbox.heading')),
    app.flashNode ? app.flashNode() : null,
    form, progress, tableBox, pager));
  document.title = `${t('inbox.heading')} — abri console`;
  app.focusHeading();

  // While abri is still decrypting, ask again; keep focus where it was.
  const poll = async () => {
    timer = null;
    let d;
    try {
      d = await get(`/api/cases?${q}`);
    } catch {
      return;
    }
    if (!document.contains(tableBox)) return;
    const focused = document.activeElement && tableBox.contains(document.activeElement)
      ? document.activeElement.closest('tr')?.dataset.ref : null;
    draw(d);
    if (focused) tableBox.querySelector(`tr[data-ref="${focused}"] a`)?.focus();
    if (!d.complete) timer = setTimeout(poll, 3000);
  };
  if (!data.complete) timer = setTimeout(poll, 3000);
}
