// Attachments on the report form and on the follow-up message: photos
// (decoded and drawn again on a canvas, which keeps the pixels and drops
// everything else: Exif, GPS, maker notes, XMP), a voice note recorded here
// (MediaRecorder) and documents (sent byte for byte, as they are). The files
// stay in memory only, in the list the caller keeps (the draft or the
// session); they are encrypted on this phone when the report is sent
// (session.js sendFiles, crypto/attach.js).
import { t, language } from '../i18n.js';
import { h, id } from './dom.js';
import { uploadLimits } from './session.js';
import { imageFormat, stripJpeg, stripPng } from '../strip.js';

const PIECE = 65536;
const PHOTO_MAX_SIDE = 3072; // px; enough to read a document or see an injury
const PHOTO_QUALITY = 0.88;
const VOICE_MAX_SECONDS = 15 * 60;
const VOICE_TYPES = ['audio/webm;codecs=opus', 'audio/ogg;codecs=opus', 'audio/webm', 'audio/ogg', 'audio/mp4'];

const capacity = (size) => (Math.floor(size / PIECE) + 1) * PIECE;

let limitsPromise = null;
function limits() {
  if (limitsPromise === null) {
    limitsPromise = uploadLimits().catch(() => {
      limitsPromise = null; // try again on the next view
      return null;
    });
  }
  return limitsPromise;
}

export function formatSize(bytes) {
  let nf;
  try {
    nf = new Intl.NumberFormat(language(), { maximumFractionDigits: 1 });
  } catch {
    nf = new Intl.NumberFormat('en', { maximumFractionDigits: 1 });
  }
  if (bytes < 1024 * 1024) return t('attach.size_kb', { n: nf.format(Math.max(1, Math.round(bytes / 1024))) });
  return t('attach.size_mb', { n: nf.format(bytes / (1024 * 1024)) });
}

function formatTime(seconds) {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export function kindText(kind) {
  switch (kind) {
    case 'photo': return t('attach.kind.photo');
    case 'voice': return t('attach.kind.voice');
    default: return t('attach.kind.document');
  }
}

export function canRecord() {
  return typeof MediaRecorder === 'function' && !!navigator.mediaDevices &&
    typeof navigator.mediaDevices.getUserMedia === 'function';
}

function voiceType() {
  if (typeof MediaRecorder.isTypeSupported !== 'function') return '';
  return VOICE_TYPES.find((x) => MediaRecorder.isTypeSupported(x)) || '';
}

function voiceExt(type) {
  if (type.startsWith('audio/ogg')) return 'ogg';
  if (type.startsWith('audio/mp4')) return 'm4a';
  return 'webm';
}

function nextName(files, kind, ext) {
  const n = files.filter((f) => f.kind === kind).length + 1;
  return `${kind}-${n}.${ext}`;
}

/**
 * A photo decoded (orientation applied) and encoded again as JPEG through a
 * canvas: only pixels cross, so no metadata of the original can survive.
 * Returns {blob, thumb (a small data: URL)}.
 */
async function cleanPhoto(file) {
  const bmp = await createImageBitmap(file, { imageOrientation: 'from-image' });
  try {
    const scale = Math.min(1, PHOTO_MAX_SIDE / Math.max(bmp.width, bmp.height));
    const w = Math.max(1, Math.round(bmp.width * scale));
    const ht = Math.max(1, Math.round(bmp.height * scale));
    const canvas = document.createElement('canvas');
    canvas.width = w;
    canvas.height = ht;
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#fff'; // a transparent PNG becomes white, not black
    ctx.fillRect(0, 0, w, ht);
    ctx.drawImage(bmp, 0, 0, w, ht);
    const blob = await new Promise((resolve, reject) => {
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('encode'))), 'image/jpeg', PHOTO_QUALITY);
    });
    const ts = Math.min(1, 96 / Math.max(w, ht));
    const small = document.createElement('canvas');
    small.width = Math.max(1, Math.round(w * ts));
    small.height = Math.max(1, Math.round(ht * ts));
    small.getContext('2d').drawImage(canvas, 0, 0, small.width, small.height);
    const thumb = small.toDataURL('image/jpeg', 0.7);
    canvas.width = 0;
    canvas.height = 0;
    return { blob, thumb, type: 'image/jpeg', ext: 'jpg' };
  } finally {
    bmp.close();
  }
}

// Can this page read a canvas back? Tor Browser (and Firefox resisting
// fingerprinting) answers blank or altered pixels: the canvas route would
// send a white picture. There, JPEG and PNG are cleaned byte by byte.
let readable = null;
function canvasReadable() {
  if (readable !== null) return readable;
  try {
    const c = document.createElement('canvas');
    c.width = 2;
    c.height = 1;
    const g = c.getContext('2d', { willReadFrequently: true });
    g.fillStyle = '#0ac81e';
    g.fillRect(0, 0, 1, 1);
    g.fillStyle = '#c814b4';
    g.fillRect(1, 0, 1, 1);
    const d = g.getImageData(0, 0, 2, 1).data;
    readable = [10, 200, 30, 255, 200, 20, 180, 255].every((v, i) => Math.abs(d[i] - v) <= 12);
  } catch {
    readable = false;
  }
  return readable;
}

/** The byte-level route (strip.js): {blob, thumb: null, type, ext}. */
async function stripPhoto(file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const fmt = imageFormat(bytes);
  if (fmt === 'jpeg') return { blob: new Blob([stripJpeg(bytes)], { type: 'image/jpeg' }), thumb: null, type: 'image/jpeg', ext: 'jpg' };
  if (fmt === 'png') return { blob: new Blob([stripPng(bytes)], { type: 'image/png' }), thumb: null, type: 'image/png', ext: 'png' };
  throw new Error('format');
}

// One recording at a time for the whole page. A view drawn again while it
// runs (language change) takes it over through `notify`.
let active = null;

/** Stops a running recording; cancel = drop it (quick exit). */
export function stopRecording(cancel = false) {
  if (!active) return;
  active.cancelled = active.cancelled || cancel;
  try {
    if (active.rec.state !== 'inactive') active.rec.stop();
    else active.finish();
  } catch {
    active.finish();
  }
}

/** Forgets the files of a list (quick exit, after sending). */
export function discardFiles(files) {
  if (!files) return;
  for (const f of files) {
    if (f.url) URL.revokeObjectURL(f.url);
    if (f.enc) for (const v of [f.enc.key, ...f.enc.chunks]) v.fill(0);
    f.blob = null;
    f.enc = null;
  }
  files.length = 0;
}

/**
 * The attachments field. files: the caller's list (kept across views);
 * used(): capacity already attached to the case (follow-ups).
 * Returns {el}; el stays hidden when the server takes no attachments.
 */
export function attachField(files, { used = () => 0 } = {}) {
  const box = h('fieldset', { class: 'group attach', hidden: true });
  const legendId = id('attach-legend');
  const status = h('p', { class: 'status-text', role: 'status', 'aria-live': 'polite' });
  const alert = h('div', { class: 'alert', role: 'alert', hidden: true });
  const list = h('ul', { class: 'attach-list', 'aria-labelledby': legendId });
  const limitText = h('p', { class: 'hint' });
  let lim = null;

  const photoInput = h('input', { type: 'file', accept: 'image/*', multiple: true, hidden: true, class: 'attach-photo-input', tabindex: '-1' });
  const docInput = h('input', { type: 'file', multiple: true, hidden: true, class: 'attach-doc-input', tabindex: '-1' });
  const photoBtn = h('button', { type: 'button', class: 'btn attach-add-photo' }, t('attach.add_photo'));
  const recordBtn = h('button', { type: 'button', class: 'btn attach-record' }, t('attach.record'));
  const docBtn = h('button', { type: 'button', class: 'btn attach-add-doc' }, t('attach.add_document'));
  const noRecorder = h('p', { class: 'hint attach-no-recorder', hidden: true }, t('attach.no_recorder'));

  const timer = h('span', { class: 'attach-timer', role: 'timer' }, h('bdi', { dir: 'ltr' }, '0:00'));
  const stopBtn = h('button', { type: 'button', class: 'btn primary attach-stop' }, t('attach.stop'));
  const cancelBtn = h('button', { type: 'button', class: 'btn attach-cancel' }, t('attach.cancel_recording'));
  const recorder = h('div', { class: 'attach-recorder', hidden: true },
    h('p', { class: 'attach-recording' }, h('span', { class: 'attach-dot', 'aria-hidden': 'true' }), t('attach.recording'), ' ', timer),
    h('p', { class: 'hint' }, t('attach.recording_limit', { minutes: VOICE_MAX_SECONDS / 60 })),
    h('div', { class: 'actions' }, stopBtn, cancelBtn));

  const buttons = h('div', { class: 'actions attach-actions' }, photoBtn, recordBtn, docBtn);

  box.append(
    h('legend', { id: legendId }, t('attach.legend'), ' ', h('span', { class: 'tag' }, t('form.optional'))),
    h('p', { class: 'hint' }, t('attach.intro')),
    h('ul', { class: 'safe-list attach-notes' },
      h('li', {}, t('attach.photo_note')),
      h('li', {}, t('attach.voice_note')),
      h('li', {}, t('attach.document_note'))),
    limitText,
    buttons, noRecorder, recorder, photoInput, docInput, alert, status, list);

  function say(msg) {
    status.textContent = msg;
  }

  function error(msg) {
    alert.replaceChildren(h('p', {}, msg));
    alert.hidden = false;
  }

  function clearError() {
    alert.hidden = true;
    alert.replaceChildren();
  }

  /** null when the file fits, else the message saying why not. */
  function refuse(name, size) {
    if (!lim) return t('attach.err.upload');
    if (files.length >= lim.maxFiles) return t('attach.err.too_many', { count: lim.maxFiles });
    if (capacity(size) > lim.maxUpload) return t('attach.err.too_big', { name, size: formatSize(lim.maxUpload) });
    const total = used() + files.reduce((a, f) => a + capacity(f.size), 0) + capacity(size);
    if (total > lim.maxCase) return t('attach.err.total', { size: formatSize(lim.maxCase) });
    return null;
  }

  function add(item) {
    files.push(item);
    draw();
    say(t('attach.added', { name: item.name }));
  }

  function remove(item, index) {
    const i = files.indexOf(item);
    if (i < 0) return;
    if (item.url) URL.revokeObjectURL(item.url);
    files.splice(i, 1);
    draw();
    clearError();
    say(t('attach.removed', { name: item.name }));
    const next = list.querySelectorAll('.attach-remove')[Math.min(index, files.length - 1)];
    (next || photoBtn).focus();
  }

  function itemView(f, index) {
    const nameId = id('attach-name');
    const facts = [kindText(f.kind), formatSize(f.size)];
    if (f.kind === 'voice' && Number.isFinite(f.duration)) facts.push(t('attach.duration', { time: formatTime(f.duration) }));
    if (f.kind === 'photo') facts.push(t('attach.photo_cleaned'));
    if (f.kind === 'document') facts.push(t('attach.document_as_is'));
    const del = h('button', { type: 'button', class: 'btn attach-remove', 'aria-describedby': nameId },
      t('attach.remove'));
    del.addEventListener('click', () => remove(f, index));
    const docIsImage = f.kind === 'document' && /^image\//.test(f.type);
    return h('li', { class: `attach-item attach-${f.kind}` },
      f.thumb ? h('img', { class: 'attach-thumb', src: f.thumb, alt: '', width: '48', height: '48' }) : null,
      h('div', { class: 'attach-info' },
        h('p', { class: 'attach-name', id: nameId }, h('bdi', {}, f.name)),
        h('p', { class: 'hint' }, facts.join(' · ')),
        docIsImage ? h('p', { class: 'hint attach-warn' }, t('attach.document_image_hint')) : null,
        f.kind === 'voice' && f.url
          ? h('audio', { controls: true, preload: 'metadata', src: f.url, 'aria-describedby': nameId }) : null),
      del);
  }

  function draw() {
    list.replaceChildren(...files.map(itemView));
    list.hidden = files.length === 0;
  }

  async function onPhotos() {
    const picked = [...photoInput.files];
    photoInput.value = '';
    clearError();
    for (const file of picked) {
      if (!lim || files.length >= lim.maxFiles) {
        error(refuse(file.name, 0) || t('attach.err.upload'));
        return;
      }
      say(t('attach.processing'));
      let clean;
      try {
        clean = canvasReadable() ? await cleanPhoto(file) : await stripPhoto(file);
      } catch {
        say('');
        error(t('attach.err.photo', { name: file.name }));
        continue;
      }
      const name = nextName(files, 'photo', clean.ext);
      const why = refuse(name, clean.blob.size);
      if (why) {
        say('');
        error(why);
        continue;
      }
      add({ kind: 'photo', name, type: clean.type, size: clean.blob.size, blob: clean.blob, thumb: clean.thumb });
    }
  }

  async function onDocuments() {
    const picked = [...docInput.files];
    docInput.value = '';
    clearError();
    for (const file of picked) {
      const why = refuse(file.name, file.size);
      if (why) {
        error(why);
        continue;
      }
      let blob;
      try {
        // Read now: a picked file may stop being readable later (phones).
        blob = new Blob([await file.arrayBuffer()], { type: file.type });
      } catch {
        error(t('attach.err.read', { name: file.name }));
        continue;
      }
      add({ kind: 'document', name: file.name.split(/[\\/]/).pop().slice(0, 128) || 'document',
        type: file.type || 'application/octet-stream', size: blob.size, blob });
    }
  }

  function showRecorder(on) {
    recorder.hidden = !on;
    buttons.hidden = on;
  }

  function tick() {
    if (!active) return;
    const s = (Date.now() - active.started) / 1000;
    timer.firstChild.textContent = formatTime(s);
    if (s >= VOICE_MAX_SECONDS) stopRecording();
  }

  // A recording started by an earlier drawing of this field (language
  // change) now reports here.
  function finished(item, failed) {
    showRecorder(false);
    if (failed) error(t('attach.err.recording'));
    else if (item) {
      const why = refuse(item.name, item.size);
      if (why) {
        URL.revokeObjectURL(item.url);
        error(why);
      } else add(item);
    } else say(t('attach.recording_cancelled'));
    recordBtn.focus();
  }

  async function record() {
    if (active) return;
    clearError();
    if (lim && files.length >= lim.maxFiles) {
      error(t('attach.err.too_many', { count: lim.maxFiles }));
      return;
    }
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch {
      error(t('attach.err.mic'));
      return;
    }
    const type = voiceType();
    let rec;
    try {
      rec = new MediaRecorder(stream, type ? { mimeType: type, audioBitsPerSecond: 32000 } : {});
    } catch {
      for (const tr of stream.getTracks()) tr.stop();
      error(t('attach.err.recording'));
      return;
    }
    const parts = [];
    const me = { rec, started: Date.now(), cancelled: false, notify: finished, timer: 0, done: false };
    me.finish = () => {
      if (me.done) return;
      me.done = true;
      clearInterval(me.timer);
      for (const tr of stream.getTracks()) tr.stop(); // the microphone light goes off
      if (active === me) active = null;
      const seconds = (Date.now() - me.started) / 1000;
      if (me.cancelled) {
        me.notify(null, false);
        return;
      }
      const base = (rec.mimeType || type || 'audio/webm').split(';')[0];
      const blob = new Blob(parts, { type: base });
      if (blob.size === 0) {
        me.notify(null, true);
        return;
      }
      me.notify({ kind: 'voice', name: nextName(files, 'voice', voiceExt(base)), type: base, size: blob.size,
        blob, duration: seconds, url: URL.createObjectURL(blob) }, false);
    };
    rec.addEventListener('dataavailable', (ev) => { if (ev.data && ev.data.size > 0) parts.push(ev.data); });
    rec.addEventListener('stop', () => me.finish());
    rec.addEventListener('error', () => {
      me.cancelled = true;
      me.finish();
      error(t('attach.err.recording'));
    });
    active = me;
    try {
      rec.start(1000);
    } catch {
      me.cancelled = true;
      me.finish();
      error(t('attach.err.recording'));
      return;
    }
    me.timer = setInterval(tick, 250);
    timer.firstChild.textContent = '0:00';
    showRecorder(true);
    say(t('attach.recording_started'));
    stopBtn.focus();
  }

  photoBtn.addEventListener('click', () => photoInput.click());
  docBtn.addEventListener('click', () => docInput.click());
  photoInput.addEventListener('change', (ev) => { ev.stopPropagation(); onPhotos(); });
  docInput.addEventListener('change', (ev) => { ev.stopPropagation(); onDocuments(); });
  recordBtn.addEventListener('click', record);
  stopBtn.addEventListener('click', () => stopRecording());
  cancelBtn.addEventListener('click', () => stopRecording(true));

  if (canRecord()) {
    recordBtn.hidden = false;
  } else {
    recordBtn.hidden = true;
    noRecorder.hidden = false;
  }
  if (active) {
    // drawn again while recording: keep recording, report here
    active.notify = finished;
    showRecorder(true);
    clearInterval(active.timer); // the old field's clock
    active.timer = setInterval(tick, 250);
    tick();
  }
  draw();

  limits().then((l) => {
    lim = l;
    if (!l) return; // this server takes no attachments: the field stays hidden
    limitText.textContent = t('attach.limits', {
      count: l.maxFiles, size: formatSize(l.maxUpload), total: formatSize(l.maxCase),
    });
    box.hidden = false;
  });

  return { el: box };
}

/** The attachments of a sent message (case page): kind, name and size. */
export function sentList(attachments) {
  if (!Array.isArray(attachments) || attachments.length === 0) return null;
  return h('div', { class: 'attach-sent' },
    h('p', { class: 'attach-sent-title' }, t('attach.sent_title')),
    h('ul', { class: 'attach-list' },
      attachments.filter((a) => a && typeof a === 'object').map((a) => h('li', { class: 'attach-item' },
        h('div', { class: 'attach-info' },
          h('p', { class: 'attach-name' }, h('bdi', {}, String(a.name || ''))),
          h('p', { class: 'hint' },
            [kindText(a.kind), Number.isSafeInteger(a.size) ? formatSize(a.size) : null].filter(Boolean).join(' · ')))))));
}

/** Capacity already attached in an opened case (for the per-case limit). */
export function usedCapacity(messages) {
  let total = 0;
  for (const m of messages || []) {
    const list = m && m.body && Array.isArray(m.body.attachments) ? m.body.attachments : [];
    for (const a of list) if (a && Number.isSafeInteger(a.chunks) && a.chunks > 0) total += a.chunks * PIECE;
  }
  return total;
}
