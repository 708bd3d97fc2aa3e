// How the Video view shows a job: its status in words, the faces found as cards with a timeline,
// the annotated copy, and its line in the recent-jobs list. Functions of a job only; no state.

import { health } from '../api.js';
import { durationWords, el, formatConfidence, formatDate, plural } from '../dom.js';
import { errorBox } from '../errors.js';
import { GraphQLRequestError, keyedUrl, showStoredImage } from '../graphql.js';

/** Video errors in plain words: these files are videos, not photos. */
export function videoWords() {
  return {
    INVALID_VIDEO: 'This file is not a video the server can read. Choose an MP4, WebM, AVI, MOV or MKV video.',
    VIDEO_TOO_LONG: health?.videoMaxSeconds
      ? `This video is too long. The server takes videos up to ${durationWords(health.videoMaxSeconds)} long; cut it shorter and try again.`
      : 'This video is too long for the server. Cut it shorter and try again.',
    FILE_TOO_LARGE: health?.maxVideoMb
      ? `This video is too large. Videos can be up to ${health.maxVideoMb} MB.`
      : 'This video is too large for the service. Choose a smaller file.',
    UNSUPPORTED_FILE_TYPE: 'This file is not a video. Choose an MP4, WebM, AVI, MOV, MKV or M4V file.',
    IMAGE_TOO_LARGE: "The video's picture is too large to process. Use a smaller resolution and try again.",
    INTERRUPTED: 'The server stopped while this video was being processed, so the job could not finish. Send the video again.',
    INTERNAL: 'Something went wrong on the server while processing this video. Please try again.',
    NOT_FOUND: 'That video job is not on the server (any more).',
  };
}

/** 75.4 → "01:15"; an hour or more → "1:02:03". */
function clock(seconds) {
  const t = Math.max(0, Math.floor(Number(seconds) || 0));
  const pad = (n) => String(n).padStart(2, '0');
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  return h ? `${h}:${pad(m)}:${pad(t % 60)}` : `${pad(m)}:${pad(t % 60)}`;
}

export const percent = (p) => `${Math.floor(Math.min(1, Math.max(0, p || 0)) * 100)}%`;

const STATUS_WORDS = { QUEUED: 'Queued', RUNNING: 'Running', DONE: 'Done', FAILED: 'Failed', CANCELLED: 'Cancelled' };

/** The line under the progress bar. */
export function statusText(job) {
  switch (job.status) {
    case 'QUEUED':
      return 'Queued: waiting for the server to start on this video…';
    case 'RUNNING':
      return `Recognising faces… ${percent(job.progress)}`;
    case 'DONE':
      return job.result ? `Done in ${job.result.stats.wallSeconds.toFixed(1)} s` : 'Done';
    case 'CANCELLED':
      return job.result?.tracks.length
        ? `Cancelled at ${percent(job.progress)}: the faces found before it stopped are below.`
        : `Cancelled at ${percent(job.progress)}.`;
    case 'FAILED':
      return 'Failed';
    default:
      return String(job.status);
  }
}

export function renderVideoResult(job) {
  const parts = [];
  if (job.status === 'FAILED') {
    const e = job.error ?? { code: 'INTERNAL', message: '' };
    parts.push(errorBox(new GraphQLRequestError(e.message, e.code), videoWords()));
  }
  const r = job.result;
  if (!r) return parts;
  const { stats, tracks } = r;

  const known = [...new Set(tracks.filter((t) => t.person).map((t) => t.label))];
  const unknown = tracks.filter((t) => !t.person && t.label !== 'Too small').length;
  const small = tracks.filter((t) => !t.person && t.label === 'Too small').length;
  const who = [...known];
  if (unknown) who.push(`${unknown} unknown`);
  if (small) who.push(`${small} too small to recognise`);
  const summary =
    tracks.length === 0
      ? job.status === 'CANCELLED'
        ? 'No faces were found before the job stopped.'
        : 'No faces were found in this video.'
      : `${plural(tracks.length, 'face')} followed: ${who.join(', ')}.`;
  parts.push(
    el(
      'div',
      { class: `message ${known.length ? 'success' : 'status-unknown'}`, testid: 'video-summary' },
      el('p', { class: 'search-message' }, summary),
      el(
        'p',
        { class: 'detail' },
        `Each face was decided by ${r.decision === 'FUSION' ? 'fusion (its encodings averaged)' : 'vote'} over up to ${plural(r.framesToDecide, 'frame')}, tolerance ${r.tolerance}.`,
      ),
    ),
  );

  const duration = stats.fps > 0 && stats.totalFrames > 0 ? stats.totalFrames / stats.fps : 0;
  parts.push(
    el(
      'p',
      { class: 'stats', testid: 'video-stats' },
      `${plural(stats.framesDecoded, 'frame')}${stats.truncated && stats.totalFrames ? ` of ${stats.totalFrames}` : ''} · ` +
        `${stats.framesPerSecond.toFixed(1)} frames per second · ${plural(stats.facesEncoded, 'face')} encoded`,
    ),
    el(
      'p',
      { class: 'detail', testid: 'video-stats-detail' },
      `The video: ${stats.width}×${stats.height}${stats.fps ? `, ${Number(stats.fps.toFixed(2))} fps` : ''}${duration ? `, ${clock(duration)} long` : ''}. ` +
        `The face detector ran on ${plural(stats.framesDetected, 'frame')}; the job took ${stats.wallSeconds.toFixed(1)} s.` +
        (stats.truncated ? ' It stopped before the end of the video.' : ''),
    ),
  );

  if (job.annotatedVideoUrl) parts.push(annotatedCopy(job));

  if (tracks.length) {
    parts.push(
      el('h4', {}, 'Faces in this video'),
      el(
        'ol',
        { class: 'tracks', testid: 'video-tracks' },
        tracks.map((t) => trackCard(t, r, duration)),
      ),
    );
  }
  return parts;
}

function trackCard(t, r, duration) {
  const seen = `${clock(t.firstTime)}–${clock(t.lastTime)}`;
  const kind = t.person ? 'known' : t.label === 'Too small' ? 'small' : 'unknown';
  const thumb = t.thumbnailUrl
    ? showStoredImage(el('img', { alt: `Face ${t.id}: ${t.label}`, width: 112, height: 112, testid: 'track-thumb' }), t.thumbnailUrl)
    : el('span', { class: 'no-photo', testid: 'track-no-thumb' }, 'No picture');
  if (t.thumbnailUrl) {
    thumb.addEventListener('error', () => thumb.replaceWith(el('span', { class: 'no-photo', testid: 'track-no-thumb' }, 'No picture')), {
      once: true,
    });
  }
  let timeline = null;
  if (duration > 0) {
    const start = Math.min(1, t.firstTime / duration);
    const end = Math.min(1, Math.max(start, t.lastTime / duration));
    const bar = el('span', { class: 'seen' });
    bar.style.left = `${start * 100}%`;
    bar.style.width = `max(3px, ${(end - start) * 100}%)`;
    timeline = el(
      'div',
      { class: 'timeline', role: 'img', 'aria-label': `On screen from ${clock(t.firstTime)} to ${clock(t.lastTime)} of ${clock(duration)}` },
      bar,
    );
  }
  return el(
    'li',
    { class: `track-card ${kind}`, testid: 'video-track', 'data-track-id': t.id },
    el('figure', { class: 'thumb' }, thumb),
    el(
      'div',
      { class: 'face-info' },
      el('p', { class: 'name', testid: 'track-name' }, t.label),
      el(
        'dl',
        { class: 'numbers' },
        el('dt', {}, 'Confidence'),
        el('dd', { testid: 'track-confidence' }, formatConfidence(t.confidence)),
        el('dt', {}, 'Frames used'),
        el('dd', { testid: 'track-frames' }, t.framesRecognized ? `${t.framesRecognized} of ${r.framesToDecide}` : 'none'),
      ),
      el('p', { class: 'seen-line' }, 'Seen ', el('strong', { testid: 'track-seen' }, seen)),
      timeline,
      t.person ? el('p', {}, el('a', { href: `#people/${encodeURIComponent(t.person.id)}` }, `Open ${t.person.fullName}`)) : null,
    ),
  );
}

/** The copy with boxes and names drawn: a player, and a link to download it. */
function annotatedCopy(job) {
  const src = keyedUrl(job.annotatedVideoUrl);
  const base = job.fileName.replace(/\.[^.]+$/, '') || 'video';
  // #t=0.1: the player shows the first frame instead of a black box.
  const player = el('video', {
    src: `${src}#t=0.1`,
    controls: true,
    preload: 'metadata',
    playsinline: true,
    testid: 'video-annotated',
    'aria-label': 'The video with boxes and names drawn',
  });
  const note = el(
    'p',
    { class: 'hint', hidden: true, testid: 'video-annotated-note' },
    'This browser cannot play the copy here; download it to watch it.',
  );
  player.addEventListener(
    'error',
    () => {
      note.hidden = false;
    },
    { once: true },
  );
  return el(
    'figure',
    { class: 'photo-card annotated', testid: 'video-annotated-card' },
    player,
    el(
      'figcaption',
      {},
      note,
      el('a', { href: src, download: `${base}-annotated.mp4`, testid: 'video-download' }, 'Download the copy with boxes and names'),
    ),
  );
}

/** Why a job failed, in a few words for the list. */
const FAILURE_WORDS = {
  INVALID_VIDEO: 'not a video the server can read',
  VIDEO_TOO_LONG: 'too long',
  IMAGE_TOO_LARGE: 'picture too large',
  INTERRUPTED: 'the server stopped',
  INTERNAL: 'server error',
};

export function jobState(job) {
  if (job.status === 'RUNNING') return `${STATUS_WORDS.RUNNING} ${percent(job.progress)}`;
  const why = job.status === 'FAILED' ? FAILURE_WORDS[job.error?.code] : null;
  return why ? `${STATUS_WORDS.FAILED}: ${why}` : (STATUS_WORDS[job.status] ?? job.status);
}

export function jobListItem(job) {
  return el(
    'li',
    {},
    el(
      'a',
      { href: `#video/${encodeURIComponent(job.id)}`, class: 'job-link', testid: 'video-job-link', 'data-job-id': job.id },
      el('span', { class: 'name' }, job.fileName),
      el('span', { class: `state state-${job.status.toLowerCase()}`, testid: 'video-job-state' }, jobState(job)),
      el('span', { class: 'meta' }, formatDate(job.createdAt)),
    ),
  );
}
