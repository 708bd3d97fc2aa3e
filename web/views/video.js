// The Video view: who is in this video? Sends the video with its options, watches the job on the
// server until it ends (progress, cancelling), and lists the recent jobs.

import { api, CANCEL_VIDEO_JOB, health, RECOGNIZE_VIDEO, VIDEO_JOB, VIDEO_JOBS } from '../api.js';
import { $, el, setBusy } from '../dom.js';
import { alertBox, errorBox, plainError, refuseTooLarge } from '../errors.js';
import { GraphQLRequestError, request, upload } from '../graphql.js';
import { createPicker } from '../picker.js';
import { jobListItem, jobState, percent, renderVideoResult, statusText, videoWords } from './video-result.js';

const POLL_MS = 500;
const RETRY_MS = 2000;
const ACTIVE = new Set(['QUEUED', 'RUNNING']);

const videoForm = $('#video-form');
const videoFormError = $('[data-testid=video-form-error]');
const jobPanel = $('#video-job');
const jobTitle = $('[data-testid=video-job-title]');
const jobProgress = $('[data-testid=video-progress]');
const jobStatus = $('[data-testid=video-status]');
const jobAnnounce = $('[data-testid=video-announce]');
const jobResult = $('[data-testid=video-result]');
const cancelButton = $('[data-testid=video-cancel]');
const jobList = $('[data-testid=video-jobs]');
const videoPicker = createPicker($('[data-picker=video]'), () => videoFormError.replaceChildren());

/**
 * The job being watched. `seq` grows whenever another job (or none) is watched, so answers
 * and timers for an older one are dropped.
 */
const watch = { id: null, seq: 0, timer: 0, status: null, shown: '', cancelling: null, listSeq: 0, listTimer: 0, quarter: -1 };

function stopPolling() {
  clearTimeout(watch.timer);
  watch.seq += 1;
}

function stopListRefresh() {
  clearTimeout(watch.listTimer);
  watch.listSeq += 1;
}

/** Another view is shown: the jobs go on on the server; coming back polls again. */
export function leaveVideo() {
  stopPolling();
  stopListRefresh();
}

function setProgress(value) {
  if (value === null)
    jobProgress.removeAttribute('value'); // indeterminate: something is happening
  else jobProgress.value = Math.min(1, Math.max(0, value));
  jobProgress.textContent = value === null ? '' : percent(value);
}

/** Starts (or restarts) watching a job: shows it at once when known, then polls until it ends. */
function watchJob(id, known = null) {
  stopPolling();
  const seq = watch.seq;
  if (watch.id !== id) {
    watch.id = id;
    watch.status = null;
    watch.shown = '';
    jobTitle.textContent = known?.fileName ?? 'Loading…';
    jobStatus.textContent = known ? '' : 'Loading…';
    jobResult.replaceChildren();
    jobProgress.hidden = false;
    setProgress(null);
    cancelButton.hidden = true;
  }
  jobPanel.hidden = false;
  markCurrentJob();
  if (known) renderJob(known);
  if (!known || ACTIVE.has(known.status)) pollJob(id, seq, known ? POLL_MS : 0);
}

function pollJob(id, seq, delay) {
  clearTimeout(watch.timer);
  watch.timer = setTimeout(async () => {
    try {
      const { videoJob } = await api(() => request(VIDEO_JOB, { id }));
      if (seq !== watch.seq) return;
      if (!videoJob) {
        renderMissingJob();
        return;
      }
      renderJob(videoJob);
      if (ACTIVE.has(videoJob.status)) pollJob(id, seq, POLL_MS);
    } catch (err) {
      if (seq !== watch.seq) return;
      if (err instanceof GraphQLRequestError && err.code === 'UNAUTHENTICATED') {
        jobStatus.textContent = plainError(err).main;
        return; // the key dialog was dismissed: polling on would only ask again
      }
      jobStatus.textContent =
        err instanceof GraphQLRequestError && err.code === 'NETWORK_ERROR'
          ? 'The service cannot be reached right now. Trying again…'
          : `${plainError(err, videoWords()).main} Trying again…`;
      pollJob(id, seq, RETRY_MS);
    }
  }, delay);
}

function renderMissingJob() {
  jobTitle.textContent = 'Video job not found';
  jobStatus.textContent = '';
  jobProgress.hidden = true;
  cancelButton.hidden = true;
  jobResult.replaceChildren(errorBox(new GraphQLRequestError('', 'NOT_FOUND'), videoWords()));
  jobPanel.dataset.status = 'MISSING';
}

function renderJob(job) {
  if (job.id !== watch.id) return;
  // A job never goes back from an ending: an answer sent before it ended (a poll overtaken by the
  // cancel's answer) is stale.
  if (watch.status && !ACTIVE.has(watch.status) && ACTIVE.has(job.status)) return;
  const changed = job.status !== watch.status;
  watch.status = job.status;
  jobPanel.dataset.status = job.status;
  jobTitle.textContent = job.fileName;
  jobProgress.hidden = job.status === 'FAILED'; // nothing to measure: the error says what happened
  if (job.status === 'QUEUED') setProgress(null);
  else if (job.status === 'DONE') setProgress(1);
  else setProgress(job.progress);
  jobStatus.textContent = statusText(job);
  const quarter = job.status === 'RUNNING' ? Math.floor(Math.min(0.99, job.progress) * 4) : -1;
  if (changed || quarter > watch.quarter) jobAnnounce.textContent = `${job.fileName}: ${statusText(job)}`;
  watch.quarter = quarter;

  const active = ACTIVE.has(job.status);
  const hadFocus = document.activeElement === cancelButton;
  cancelButton.hidden = !active;
  showCancelling(active && watch.cancelling === job.id);
  if (!active && hadFocus) jobTitle.focus(); // the button is gone; keep the keyboard user in the job

  // The result is drawn once per job and final status, not on every poll.
  const key = `${job.id}:${job.status}`;
  if (!active && watch.shown !== key) {
    watch.shown = key;
    jobResult.replaceChildren(...renderVideoResult(job));
  }
  updateJobListItem(job);
  if (changed && !active) loadVideoJobs();
}

// ---- starting a job

/** A whole number within [min, max] from the field, or an error naming the field. */
function readOption(input, { min, max, integer = true, optional = false }) {
  const raw = input.value.trim();
  if (raw === '' && optional) return null;
  const n = Number(raw);
  const label = input.labels?.[0]?.firstChild?.textContent?.trim() ?? input.name;
  const ok = raw !== '' && Number.isFinite(n) && (!integer || Number.isInteger(n)) && n >= min && n <= max;
  if (!ok) {
    const want = integer ? `a whole number from ${min} to ${max}` : `a number from ${min} to ${max}`;
    throw Object.assign(new GraphQLRequestError(`${label}: enter ${want}.`, 'BAD_USER_INPUT'), { field: input });
  }
  return n;
}

function videoOptions() {
  const decision = videoForm.elements.decision.value === 'FUSION' ? 'FUSION' : 'VOTE';
  return {
    decision,
    sampleEvery: readOption($('#video-sample-every'), { min: 1, max: 1000 }),
    framesToDecide: readOption($('#video-frames-to-decide'), { min: 1, max: 1000 }),
    minFaceSize: readOption($('#video-min-face'), { min: 0, max: 10000, integer: false }),
    tolerance: readOption($('#video-tolerance'), { min: 0.05, max: 1, integer: false, optional: true }),
    annotate: videoForm.elements.annotate.checked,
  };
}

videoForm.addEventListener('submit', async (e) => {
  e.preventDefault();
  videoFormError.replaceChildren();
  const file = videoPicker.file;
  if (!file) {
    videoFormError.replaceChildren(alertBox('Choose a video first.'));
    videoPicker.input.focus();
    return;
  }
  let options;
  try {
    options = videoOptions();
  } catch (err) {
    videoFormError.replaceChildren(errorBox(err, videoWords()));
    err.field?.focus();
    return;
  }
  if (options.tolerance === null) delete options.tolerance;

  // The upload is shown in the job panel: its own progress, before the job exists.
  stopPolling();
  watch.id = null;
  watch.status = null;
  jobPanel.hidden = false;
  jobPanel.dataset.status = 'UPLOADING';
  jobTitle.textContent = file.name || 'video';
  jobResult.replaceChildren();
  cancelButton.hidden = true;
  jobProgress.hidden = false;
  setProgress(0);
  jobStatus.textContent = 'Uploading the video… 0%';
  jobAnnounce.textContent = `Uploading ${file.name || 'the video'}…`;
  markCurrentJob();
  setBusy(videoForm, true);
  try {
    refuseTooLarge(file, health?.maxVideoMb);
    const onUploadProgress = (sent, total) => {
      if (watch.id !== null || !total) return;
      setProgress(sent / total);
      jobStatus.textContent = sent >= total ? 'Uploaded; starting the job…' : `Uploading the video… ${percent(sent / total)}`;
    };
    const { recognizeVideo: job } = await api(() => upload(RECOGNIZE_VIDEO, { file: null, options }, { file }, { onUploadProgress }));
    videoPicker.clear();
    watchJob(job.id, job);
    if ($('#view-video').hidden) {
      stopPolling(); // another view was opened during the upload; coming back shows this job
    } else {
      jobTitle.focus();
      const hash = `#video/${encodeURIComponent(job.id)}`;
      if (location.hash !== hash) history.pushState(null, '', hash); // no hashchange: the job is already shown
      loadVideoJobs();
    }
  } catch (err) {
    videoFormError.replaceChildren(errorBox(err, videoWords()));
    jobPanel.hidden = true;
    delete jobPanel.dataset.status;
    const [, id] = location.hash.replace(/^#\/?/, '').split('/');
    if (id) watchJob(decodeURIComponent(id)); // back to the job that was shown before
  } finally {
    setBusy(videoForm, false);
  }
});

/**
 * While a cancel is on its way the button says so and ignores clicks. aria-disabled, not disabled:
 * a disabled button loses the keyboard focus.
 */
function showCancelling(on) {
  cancelButton.setAttribute('aria-disabled', String(on));
  cancelButton.textContent = on ? 'Cancelling…' : 'Cancel';
}

cancelButton.addEventListener('click', async () => {
  const id = watch.id;
  if (!id || watch.cancelling === id) return;
  watch.cancelling = id;
  showCancelling(true);
  try {
    const { cancelVideoJob: job } = await api(() => request(CANCEL_VIDEO_JOB, { id }));
    renderJob(job);
    if (ACTIVE.has(job.status) && id === watch.id) pollJob(id, watch.seq, POLL_MS); // until it has stopped
  } catch (err) {
    watch.cancelling = null;
    if (id !== watch.id) return;
    showCancelling(false);
    jobResult.replaceChildren(errorBox(err, videoWords()));
    watch.shown = '';
    pollJob(id, watch.seq, 0); // it may have finished meanwhile: show how it ended
  }
});

// ---- recent jobs

const LIST_REFRESH_MS = 3000;

/** The recent jobs; refreshed every few seconds while one of them is queued or running. */
async function loadVideoJobs() {
  clearTimeout(watch.listTimer);
  const seq = ++watch.listSeq;
  jobList.setAttribute('aria-busy', 'true');
  try {
    const { videoJobs } = await api(() => request(VIDEO_JOBS, { first: 10 }));
    if (seq !== watch.listSeq) return;
    $('[data-testid=video-jobs-error]').replaceChildren();
    jobList.replaceChildren(...(videoJobs.length ? videoJobs.map(jobListItem) : [el('li', { class: 'empty' }, 'No videos yet.')]));
    markCurrentJob();
    if (videoJobs.some((j) => ACTIVE.has(j.status))) watch.listTimer = setTimeout(loadVideoJobs, LIST_REFRESH_MS);
  } catch (err) {
    if (seq === watch.listSeq) $('[data-testid=video-jobs-error]').replaceChildren(errorBox(err, videoWords()));
  } finally {
    if (seq === watch.listSeq) jobList.setAttribute('aria-busy', 'false');
  }
}

function updateJobListItem(job) {
  const link = jobList.querySelector(`[data-job-id="${CSS.escape(job.id)}"]`);
  if (!link) return;
  const state = $('[data-testid=video-job-state]', link);
  state.textContent = jobState(job);
  state.className = `state state-${job.status.toLowerCase()}`;
}

function markCurrentJob() {
  for (const link of jobList.querySelectorAll('[data-job-id]')) {
    if (link.dataset.jobId === watch.id && !jobPanel.hidden) link.setAttribute('aria-current', 'true');
    else link.removeAttribute('aria-current');
  }
}

/** #video shows the form, the last job watched and the recent jobs; #video/<id> watches that job. */
export function openVideo(id) {
  loadVideoJobs();
  if (id) watchJob(id);
  else if (watch.id) watchJob(watch.id);
  else jobPanel.hidden = true;
}
