// Review, then encrypt and send with visible progress. Nothing leaves the
// phone before "Encrypt and send".
import { t, language } from '../i18n.js';
import { h, heading, button, statusArea } from './dom.js';
import { kindLabel, whenOptions, wantOptions } from './form.js';
import { submitReport } from './session.js';
import { errorMessage, stepText } from './errors.js';
import { kindText, formatSize, discardFiles } from './attach.js';

function row(label, value) {
  const empty = !value;
  return [
    h('dt', {}, label),
    h('dd', { class: empty ? 'muted' : null, dir: empty ? null : 'auto' }, empty ? t('review.not_given') : value),
  ];
}

export function reportBody(d) {
  return {
    text: d.what,
    lang: language(),
    form: { kind: d.kind, when: d.when, where: d.where, who: d.who, wants: d.wants, contact: d.contact },
  };
}

export function render(app) {
  const d = app.state.draft;
  const when = (whenOptions().find(([v]) => v === d.when) || [])[1];
  const wants = wantOptions().filter(([v]) => d.wants.includes(v)).map(([, label]) => label);
  const status = statusArea();
  const files = Array.isArray(d.attachments) ? d.attachments : [];
  const steps = files.length > 0 ? 7 : 6;
  let busy = false;

  const send = h('button', { type: 'button', class: 'btn primary' }, t('review.send'));
  const edit = button(t('review.edit'), () => { if (!busy) app.go('form'); });

  async function submit() {
    if (busy) return;
    busy = true;
    send.disabled = true;
    edit.disabled = true;
    try {
      let shown = -1;
      const result = await submitReport(reportBody(d), (step, fraction) => {
        const [text, pos] = stepText(step);
        if (step === 'files') {
          // the bar moves with every chunk; the text (read out) every 10 %
          const tenth = Math.floor(fraction * 10);
          status.step(tenth === shown ? null : t('progress.files_percent', { percent: tenth * 10 }), 1 + fraction, steps);
          shown = tenth;
        } else status.step(text, files.length > 0 && pos > 1 ? pos + 1 : pos, steps);
      }, files);
      status.done(t('progress.done'));
      discardFiles(files);
      app.state.draft = app.freshDraft();
      app.go('receipt', result);
    } catch (e) {
      busy = false;
      send.disabled = false;
      edit.disabled = false;
      status.error(errorMessage(e), button(t('err.retry'), submit, 'btn'));
      send.focus();
    }
  }
  send.addEventListener('click', submit);

  return h('section', { class: 'view view-review' },
    heading(t('review.heading')),
    h('p', {}, t('review.intro')),
    h('dl', { class: 'answers' },
      row(t('form.kind.legend'), kindLabel(d.kind)),
      row(t('form.when.legend'), when),
      row(t('form.where.label'), d.where),
      row(t('form.who.label'), d.who),
      row(t('form.what.label'), d.what),
      files.length > 0 ? [
        h('dt', {}, t('attach.review_label')),
        h('dd', {}, h('ul', { class: 'attach-review' }, files.map((f) => h('li', {},
          h('bdi', {}, f.name), ` · ${kindText(f.kind)} · ${formatSize(f.size)}`)))),
      ] : null,
      row(t('form.wants.legend'), wants.join(' · ')),
      row(t('form.contact.label'), d.contact)),
    h('div', { class: 'actions' }, send, edit),
    status.el);
}
