// The Faces to name view's import: any number of photos chosen or dropped at once, sent one per request with at
// most two requests in flight, each file's row showing its state and then what the import kept, with the batch's
// progress. A batch that ends tells the view, which lists the groups again.

import { api, IMPORT_PHOTOS } from '../api.js';
import { $, el, plural } from '../dom.js';
import { plainError, refuseTooLarge } from '../errors.js';
import { upload } from '../graphql.js';

/** Requests in flight at once: the server works on one photo per request, and two keep it busy while one uploads. */
const IN_FLIGHT = 2;

const importZone = $('[data-testid=import-drop]');
const importInput = $('[data-testid=import-file]');
const importList = $('[data-testid=import-list]');
const importProgress = $('[data-testid=import-progress]');
const importBar = $('[data-testid=import-bar]');
const importCount = $('[data-testid=import-count]');
const importAnnounce = $('[data-testid=import-announce]');

/** The batch under way: files waiting, how many there are in all and how many are done, and the answers so far. */
const batch = { queue: [], total: 0, done: 0, running: 0, results: [] };
let onBatchDone = () => {};

/** What runs when every file of a batch has its answer (the groups are listed again). */
export function whenBatchDone(run) {
  onBatchDone = run;
}

const STATE_WORDS = {
  PENDING: 'Waiting',
  IMPORTING: 'Importing…',
  ALREADY_IMPORTED: 'Imported before: nothing was stored again',
  NO_FACE_FOUND: 'No face found',
};

/** "3 faces: 1 named (John Salley), 2 to name", and what was not kept and why. */
function importedWords(r) {
  const names = [...new Set(r.named.map((f) => f.person.fullName))];
  let words = `${plural(r.facesFound, 'face')}: ${r.named.length} named${names.length ? ` (${names.join(', ')})` : ''}, ${r.unnamed.length} to name`;
  const unclear = r.facesFound - r.named.length - r.unnamed.length - r.dropped;
  if (unclear > 0) words += `; ${unclear} too small or unclear to keep`;
  if (r.dropped > 0) words += `; ${r.dropped} not kept: the service holds as many faces to name as it may`;
  return words;
}

function setRow(item, status, words, code) {
  item.row.dataset.status = status;
  if (code) item.row.dataset.code = code;
  item.state.textContent = words ?? STATE_WORDS[status];
}

function addFiles(files) {
  if (files.length === 0) return;
  if (batch.running === 0 && batch.queue.length === 0) {
    // A new batch: the last one's rows and counts go.
    importList.replaceChildren();
    Object.assign(batch, { total: 0, done: 0, results: [] });
    importAnnounce.textContent = `Importing ${plural(files.length, 'photo')}…`;
  }
  for (const file of files) {
    const state = el('span', { class: 'state', testid: 'import-state' });
    const row = el(
      'li',
      { class: 'import-row', testid: 'import-row' },
      el('span', { class: 'name', testid: 'import-name' }, file.name || 'photo'),
      state,
    );
    importList.append(row);
    const item = { file, row, state };
    setRow(item, 'PENDING');
    batch.queue.push(item);
  }
  batch.total += files.length;
  showProgress();
  while (batch.running < IN_FLIGHT && batch.queue.length > 0) {
    batch.running += 1;
    importNext().finally(() => {
      batch.running -= 1;
      if (batch.running === 0 && batch.queue.length === 0) finishBatch();
    });
  }
}

/** One worker: imports the waiting files one by one until none is left. */
async function importNext() {
  while (batch.queue.length > 0) {
    const item = batch.queue.shift();
    setRow(item, 'IMPORTING');
    let result;
    try {
      refuseTooLarge(item.file);
      const { importPhotos } = await api(() => upload(IMPORT_PHOTOS, { files: [null] }, { 'files.0': item.file }));
      result = importPhotos[0];
    } catch (err) {
      // The whole request failed (the file too large, the service unreachable): the file failed.
      const { code, main } = plainError(err);
      result = { status: 'FAILED', error: { code, message: main } };
    }
    if (result.status === 'IMPORTED') setRow(item, 'IMPORTED', importedWords(result));
    else if (result.status === 'FAILED') setRow(item, 'FAILED', result.error?.message ?? 'The photo could not be imported.', result.error?.code);
    else setRow(item, result.status);
    batch.results.push(result);
    batch.done += 1;
    showProgress();
  }
}

function showProgress() {
  importProgress.hidden = false;
  importBar.max = Math.max(1, batch.total);
  importBar.value = batch.done;
  importBar.textContent = `${batch.done} of ${batch.total}`;
  importCount.textContent = `${batch.done} of ${plural(batch.total, 'file')} done`;
}

function finishBatch() {
  const count = (status) => batch.results.filter((r) => r.status === status).length;
  const toName = batch.results.reduce((n, r) => n + (r.unnamed?.length ?? 0), 0);
  const named = batch.results.reduce((n, r) => n + (r.named?.length ?? 0), 0);
  const parts = [
    `${count('IMPORTED')} imported`,
    count('ALREADY_IMPORTED') && `${count('ALREADY_IMPORTED')} imported before`,
    count('NO_FACE_FOUND') && `${count('NO_FACE_FOUND')} without a face`,
    count('FAILED') && `${count('FAILED')} failed`,
  ].filter(Boolean);
  const summary = `${batch.done} of ${plural(batch.total, 'file')} done: ${parts.join(', ')}. ${plural(named, 'face')} recognised, ${toName} to name.`;
  importCount.textContent = summary;
  importAnnounce.textContent = `Import finished. ${summary}`;
  onBatchDone();
}

// Clearing the value lets the same files be chosen again.
importInput.addEventListener('click', () => {
  importInput.value = '';
});
importInput.addEventListener('change', () => {
  addFiles([...(importInput.files ?? [])]);
  importInput.value = '';
});
for (const type of ['dragenter', 'dragover']) {
  importZone.addEventListener(type, (e) => {
    e.preventDefault();
    importZone.classList.add('dragging');
  });
}
importZone.addEventListener('dragleave', () => importZone.classList.remove('dragging'));
importZone.addEventListener('drop', (e) => {
  e.preventDefault();
  importZone.classList.remove('dragging');
  addFiles([...(e.dataTransfer?.files ?? [])]);
});
