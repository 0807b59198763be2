// Two composers that must never be confused: the message to the person
// (blue, preview before sending, in the person's language) and the internal
// note (amber, staff only, the person never sees it).
import { post, casePath } from './api.js';
import { t, langName, language } from './i18n.js';
import { h, icon, button, personText, statusArea, fill } from './dom.js';
import { modal } from './dialog.js';
import { act, errorWords } from './words.js';

function templateLabel(tpl) {
  return (tpl.label && (tpl.label[language()] || tpl.label.en)) || '';
}

export function replyComposer(app, view, reference, reload) {
  const lang = (view.report && view.report.lang) || 'fr';
  const templates = (reference && reference.templates && reference.templates.templates) || {};
  const status = statusArea();
  const text = h('textarea', { id: 'reply-text', name: 'reply', rows: '8', dir: 'auto', lang,
    'aria-describedby': 'reply-lang' });
  const meaning = h('div', { class: 'tpl-meaning', hidden: true, 'aria-live': 'polite' });
  const sel = h('select', { id: 'reply-tpl' },
    h('option', { value: '' }, t('reply.tpl_none')),
    Object.entries(templates).map(([k, tpl]) => h('option', { value: k }, templateLabel(tpl))));
  const use = button(t('reply.tpl_use'), () => {
    const tpl = templates[sel.value];
    if (!tpl) {
      meaning.hidden = true;
      return;
    }
    const texts = tpl.text || {};
    const inLang = texts[lang];
    text.value = inLang || texts[language()] || texts.en || '';
    const mine = texts[language()] || texts.en || '';
    fill(meaning, 
      h('p', { class: 'tpl-meaning-title' }, t('reply.tpl_meaning', { lang: langName(language()) })),
      h('p', { lang: language() }, mine),
      inLang ? null : h('p', { class: 'warn-text' }, t('reply.tpl_missing', { lang: langName(lang) })),
      /\{[a-z_]+\}/.test(text.value) ? h('p', { class: 'warn-text' }, t('reply.tpl_placeholders')) : null);
    meaning.hidden = false;
    text.focus();
  }, 'btn');

  const preview = button(t('reply.preview'), async () => {
    const body = text.value.trim();
    if (!body) {
      status.error(t('reply.empty'));
      text.focus();
      return;
    }
    if (/\{[a-z_]+\}/.test(body)) {
      status.error(t('reply.placeholders_left'));
      text.focus();
      return;
    }
    status.clear();
    const sent = await modal(t('reply.preview_heading'), (close) => {
      const err = h('div', { class: 'alert', role: 'alert', hidden: true });
      const send = h('button', { type: 'button', class: 'btn primary btn-send' }, icon('send', ''), ' ', t('reply.send'));
      send.addEventListener('click', async () => {
        send.disabled = true;
        try {
          await post(casePath(view.case_ref, '/reply'), { text: body, lang });
          close(true);
        } catch (e) {
          send.disabled = false;
          if (e.code === 'locked') return;
          err.replaceChildren(h('p', {}, errorWords(e)));
          err.hidden = false;
        }
      });
      return h('div', { class: 'preview' },
        h('dl', { class: 'facts' },
          h('dt', {}, t('reply.to')), h('dd', {}, t('reply.to_person', { ref: view.case_ref })),
          h('dt', {}, t('reply.in_lang')), h('dd', {}, langName(lang))),
        h('p', {}, t('reply.preview_exact')),
        h('div', { class: 'preview-text' }, personText(body, lang, 'div')),
        h('p', { class: 'hint' }, t('reply.preview_signed')),
        err,
        h('div', { class: 'actions' }, send,
          h('button', { type: 'button', class: 'btn', autofocus: true, onclick: () => close(false) }, t('reply.edit'))));
    }, 'dialog-reply');
    if (sent) await reload({ text: t('reply.sent'), at: 'thread' });
  }, 'btn primary');

  return h('section', { class: 'composer composer-reply', id: 'reply', 'aria-labelledby': 'reply-title' },
    h('h2', { id: 'reply-title', tabindex: '-1' }, icon('reply', ''), ' ', t('reply.heading')),
    h('p', { id: 'reply-lang', class: 'composer-lang' }, t('reply.lang', { lang: langName(lang) })),
    h('div', { class: 'tpl-row' },
      h('label', { for: 'reply-tpl' }, t('reply.tpl_label')), sel, use),
    meaning,
    h('label', { for: 'reply-text' }, t('reply.label')),
    text,
    status.el,
    h('div', { class: 'actions' }, preview));
}

export function noteComposer(app, view, reload) {
  const status = statusArea();
  const text = h('textarea', { id: 'note-text', name: 'note', rows: '5', dir: 'auto', 'aria-describedby': 'note-help' });
  const save = button('', async () => {
    const body = text.value.trim();
    if (!body) {
      status.error(t('note.empty'));
      text.focus();
      return;
    }
    await act(save, status, async () => {
      await post(casePath(view.case_ref, '/note'), { text: body });
      await reload({ text: t('note.saved'), at: 'thread' });
    });
  }, 'btn btn-note');
  save.append(icon('lock', ''), ' ', t('note.save'));
  return h('section', { class: 'composer composer-note', id: 'note', 'aria-labelledby': 'note-title' },
    h('h2', { id: 'note-title', tabindex: '-1' }, icon('lock', ''), ' ', t('note.heading')),
    h('p', { id: 'note-help', class: 'composer-lang' }, t('note.help')),
    h('label', { for: 'note-text' }, t('note.label')),
    text,
    status.el,
    h('div', { class: 'actions' }, save));
}
