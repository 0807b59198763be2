// The case's state and what changing it means, in words.
import { post, casePath } from './api.js';
import { t, tCode, langName, date } from './i18n.js';
import { h, button } from './dom.js';
import { modal } from './dialog.js';
import { errorWords } from './words.js';

async function setState(view, state, reload) {
  try {
    const r = await post(casePath(view.case_ref, '/state'), { state });
    const text = state === 'closed'
      ? (r.purge_after ? t('state.closed_done', { date: date(r.purge_after, true) }) : t('state.closed_done_nodate'))
      : state === 'open' ? t('state.opened_done') : t('state.reopened_done');
    await reload({ text, at: 'state-box' });
  } catch (e) {
    if (e.code !== 'locked') await reload({ error: true, text: errorWords(e) });
  }
}

function confirmClose(view, reference, reload) {
  const days = reference && reference.retention_days;
  return modal(t('state.close_heading', { ref: view.case_ref }), (close) => h('div', {},
    h('p', {}, days ? t('state.close_text', { days }) : t('state.close_text_nodays')),
    h('p', {}, t('state.close_person')),
    h('div', { class: 'actions' },
      button(t('state.close_confirm'), () => close(true), 'btn danger'),
      h('button', { type: 'button', class: 'btn', autofocus: true, onclick: () => close(false) }, t('dialog.cancel')))),
  ).then((yes) => (yes ? setState(view, 'closed', reload) : null));
}

export function stateSection(app, view, reference, reload) {
  const s = view.state;
  const facts = h('dl', { class: 'facts' },
    h('dt', {}, t('case.state')), h('dd', {}, h('span', { class: `state state-${s}` }, tCode('state', s, s))),
    h('dt', {}, t('case.received')), h('dd', {}, t('inbox.week_of', { date: date(view.week_start) })),
    h('dt', {}, t('case.person_lang')), h('dd', {}, langName(view.report && view.report.lang)),
    view.purge_after ? [h('dt', {}, t('case.purge')), h('dd', { class: 'purge' }, date(view.purge_after, true))] : null);
  const help = h('p', { class: 'state-help' }, tCode('state_help', s, ''));
  const actions = [];
  if (s === 'new') actions.push(button(t('state.do_open'), () => setState(view, 'open', reload), 'btn'));
  if (s === 'new' || s === 'open') actions.push(button(t('state.do_close'), () => confirmClose(view, reference, reload), 'btn'));
  if (s === 'closed') actions.push(button(t('state.do_reopen'), () => setState(view, 'open', reload), 'btn'));
  return h('section', { id: 'state-box', class: `state-box card${s === 'erased' ? ' erased' : ''}`, 'aria-labelledby': 'state-title' },
    h('h2', { id: 'state-title', class: 'sr-only' }, t('case.state')),
    s === 'erased' ? h('p', { class: 'erased-banner' }, t('state.erased_banner', { date: view.purge_after ? date(view.purge_after, true) : '?' })) : null,
    facts, help,
    actions.length ? h('div', { class: 'actions' }, actions) : null);
}
