// "Tell us how it went" (issue 4, contract C): once the case is closed and
// a listener's verified reply carries a one-time survey code, six optional
// questions. The answers are sealed on this phone to the auditors only
// (kind 7: no inner message, no reporter stanza, nothing linking them to
// the case) and sent with the code to POST /v1/survey. The code comes from
// the reply; it is never put in a URL.
import { t } from '../i18n.js';
import { h, id, statusArea } from './dom.js';
import { sendSurvey } from './session.js';
import { errorMessage } from './errors.js';

const THREE = () => [['yes', t('survey.a.yes')], ['partly', t('survey.a.partly')], ['no', t('survey.a.no')]];

// Questions in the contract's order; labels written out for the i18n test.
function questions() {
  return [
    ['listened', t('survey.q.listened'), THREE()],
    ['informed', t('survey.q.informed'), THREE()],
    ['language', t('survey.q.language'), THREE()],
    ['safe', t('survey.q.safe'), THREE()],
    ['recommend', t('survey.q.recommend'),
      [['yes', t('survey.a.yes')], ['no', t('survey.a.no')], ['unsure', t('survey.a.unsure')]]],
    ['overall', t('survey.q.overall'), [
      ['5', t('survey.overall.5')], ['4', t('survey.overall.4')], ['3', t('survey.overall.3')],
      ['2', t('survey.overall.2')], ['1', t('survey.overall.1')]]],
  ];
}

/** The survey code of the latest verified listener reply, or null. */
export function surveyCodeOf(messages) {
  let code = null;
  for (const m of messages || []) {
    if (m.verified && (m.kind === 'reply' || m.kind === 3) && m.body &&
        typeof m.body.survey_code === 'string' && m.body.survey_code !== '')
      code = m.body.survey_code;
  }
  return code;
}

function question(name, label, options) {
  const choice = (value, text, checked) => {
    const rid = id(`survey-${name}`);
    return h('div', { class: 'choice' },
      h('input', { type: 'radio', id: rid, name: `survey-${name}`, value, checked }),
      h('label', { for: rid }, text));
  };
  return h('fieldset', { class: 'group survey-q', 'data-q': name },
    h('legend', {}, label),
    options.map(([v, text]) => choice(v, text, false)),
    choice('', t('survey.a.skip'), true));
}

function answersOf(form) {
  const out = {};
  for (const [name] of questions()) {
    const el = form.querySelector(`input[name="survey-${name}"]:checked`);
    if (el && el.value !== '') out[name] = name === 'overall' ? Number(el.value) : el.value;
  }
  return out;
}

/**
 * The survey section of the case page. update(opened, alarmed) shows it
 * only for a closed case whose verified reply carries a code, and never on
 * a case with an alarm. session.surveySent remembers, for this visit only,
 * that it was answered.
 */
export function surveySection(session) {
  const status = statusArea();
  const thanks = h('p', { class: 'ok', id: 'survey-thanks', role: 'status', hidden: true }, t('survey.thanks'));
  const err = h('p', { class: 'field-error', id: 'survey-err', role: 'alert', hidden: true }, t('survey.err.empty'));
  const codeEl = h('bdi', { dir: 'ltr', class: 'mono', id: 'survey-code' });
  const send = h('button', { type: 'submit', class: 'btn primary' }, t('survey.send'));
  const form = h('form', { class: 'survey-form', novalidate: true, 'aria-describedby': 'survey-err' },
    questions().map(([name, label, options]) => question(name, label, options)),
    err,
    h('div', { class: 'actions' }, send),
    status.el);
  const el = h('section', { class: 'survey', id: 'survey', 'aria-labelledby': 'survey-heading', hidden: true },
    h('h2', { id: 'survey-heading' }, t('survey.heading')),
    h('p', {}, t('survey.intro')),
    h('ul', { class: 'safe-list' },
      h('li', {}, t('survey.anonymous')),
      h('li', {}, t('survey.unlinked')),
      h('li', {}, t('survey.yearly'))),
    h('p', { class: 'hint' }, t('survey.code_label'), ' ', codeEl),
    form,
    thanks);
  let code = null;
  let busy = false;

  function finish() {
    form.hidden = true;
    thanks.hidden = false;
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (busy || !code) return;
    const answers = answersOf(form);
    err.hidden = Object.keys(answers).length > 0;
    if (!err.hidden) {
      form.querySelector('input[type=radio]').focus();
      return;
    }
    busy = true;
    send.disabled = true;
    try {
      await sendSurvey(code, answers, (step) => {
        status.step(step === 'seal' ? t('progress.seal') : t('progress.send'), step === 'seal' ? 1 : 2, 3);
      });
      status.done('');
      session.surveySent = code;
      finish();
      thanks.focus();
    } catch (e) {
      if (e.kind === 'bad_survey_code') status.error(t('survey.err.spent'));
      else if (e.kind === 'no_auditor') status.error(t('survey.err.unavailable'));
      else status.error(errorMessage(e));
    } finally {
      busy = false;
      send.disabled = false;
    }
  });
  thanks.tabIndex = -1;

  return {
    el,
    update(opened, alarmed) {
      const c = surveyCodeOf(opened.messages);
      el.hidden = alarmed || opened.state !== 'closed' || !c;
      if (el.hidden || c === code) return;
      code = c;
      codeEl.textContent = c;
      if (session.surveySent === c) finish();
    },
  };
}
