// The single page's behaviour: four views (Enrol, Search, People, Video) over the public GraphQL API.
// Server data reaches the page only through textContent and attributes, never as HTML: names are user input.

import { request, upload, imageUrl, getApiKey, setApiKey, GraphQLRequestError } from './graphql.js';

// ---------------------------------------------------------------- GraphQL documents

const PERSON_FIELDS = 'id firstName surName fullName photoUrl faceCount createdAt';
const BOX = 'box { x y width height }';
const FACE_FIELDS = `imageId url ${BOX} createdAt`;

const HEALTH = `query Health { health { people faces tolerance maxUploadMb maxVideoMb videoMaxSeconds apiKeyRequired } }`;

const ADD_RESULT = `imageId url facesDetected createdPerson person { ${PERSON_FIELDS} } face { ${FACE_FIELDS} }`;

const ADD_PERSON = `mutation AddPerson($file: Upload!, $firstName: String!, $surName: String!) {
  addPerson(file: $file, firstName: $firstName, surName: $surName) { ${ADD_RESULT} }
}`;

const ADD_FACE = `mutation AddFace($personId: ID!, $file: Upload!) {
  addFace(personId: $personId, file: $file) { ${ADD_RESULT} }
}`;

const SEARCH_FACE = `query SearchFace($file: Upload!, $tolerance: Float) {
  searchFace(file: $file, tolerance: $tolerance) {
    status message fullName photoUrl distance confidence tolerance
    person { ${PERSON_FIELDS} }
    matchedFace { ${FACE_FIELDS} }
    faces { ${BOX} score match { distance confidence person { id fullName photoUrl } face { imageId url ${BOX} } } }
  }
}`;

const PEOPLE = `query People($name: String, $first: Int, $after: String) {
  people(name: $name, first: $first, after: $after) {
    totalCount pageInfo { endCursor hasNextPage } nodes { ${PERSON_FIELDS} }
  }
}`;

const PERSON = `query Person($id: ID!) { personById(id: $id) { ${PERSON_FIELDS} faces { ${FACE_FIELDS} } } }`;

const RENAME = `mutation Rename($id: ID!, $firstName: String!, $surName: String!) {
  renamePerson(id: $id, firstName: $firstName, surName: $surName) { ${PERSON_FIELDS} }
}`;

const DELETE_PERSON = `mutation DeletePerson($id: ID!) { deletePerson(id: $id) { id deleted removedFaces } }`;
const DELETE_FACE = `mutation DeleteFace($imageId: ID!) { deleteFace(imageId: $imageId) { id deleted removedFaces } }`;

// ---------------------------------------------------------------- small helpers

const $ = (selector, root = document) => root.querySelector(selector);

/** Builds an element; string children become text nodes, so server data is never parsed as HTML. */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name === 'testid') node.dataset.testid = value;
    else if (name.startsWith('on') && typeof value === 'function') node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const formatDistance = (d) => (typeof d === 'number' ? d.toFixed(3) : '–');
const formatConfidence = (c) => (typeof c === 'number' ? `${Math.round(c * 100)}%` : '–');
const formatDate = (iso) => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleString();
};

let health = null; // the last answer of `health`, for the upload limit and the default tolerance

/**
 * The API's error in plain words; the server's own message is kept as a detail when it adds something.
 * `overrides` maps codes to words for a view whose files are not photos (videos).
 */
function plainError(err, overrides = {}) {
  const code = err instanceof GraphQLRequestError ? err.code : 'CLIENT_ERROR';
  const words = {
    NO_FACE_FOUND: err.message,
    UNSUPPORTED_FILE_TYPE: 'That file is not a photo the service can read. Choose a JPEG, PNG, WebP, BMP or GIF picture.',
    INVALID_IMAGE: 'That photo could not be read: the file looks damaged or incomplete. Try another picture.',
    FILE_TOO_LARGE: health
      ? `That file is too large. Photos can be up to ${health.maxUploadMb} MB.`
      : 'That file is too large for the service. Choose a smaller photo.',
    IMAGE_TOO_LARGE: 'That picture has too many pixels to process. Make it smaller and try again.',
    NOT_FOUND: 'That person or photo no longer exists; it may have been deleted.',
    NAME_TAKEN: 'Someone else in the gallery already has that name.',
    BAD_REQUEST: 'The service could not understand the request. Reload the page and try again.',
    UNAUTHENTICATED: 'The service needs an API key. Reload the page or repeat the action to enter it.',
    NETWORK_ERROR: err.message,
    BAD_USER_INPUT: err.message,
    ...overrides,
  }[code];
  const main = words ?? 'Something went wrong on the server. Please try again.';
  const detail = words && err.message && err.message !== main && code !== 'NETWORK_ERROR' ? err.message : '';
  return { code, main, detail };
}

function errorBox(err, overrides) {
  const { code, main, detail } = plainError(err, overrides);
  return el('div', { class: 'message error', role: 'alert', testid: 'error', 'data-code': code },
    el('p', { testid: 'error-message' }, main),
    detail ? el('p', { class: 'detail' }, detail) : null);
}

function setBusy(form, busy) {
  form.setAttribute('aria-busy', String(busy));
  const submit = $('button[type=submit]', form);
  if (submit) submit.disabled = busy;
  const indicator = $('[data-role=busy]', form);
  if (indicator) indicator.hidden = !busy;
}

/** A FILE_TOO_LARGE error before sending, when the limit (MB; photos' by default) is known and the file is over it. */
function tooLarge(file, limitMb = health?.maxUploadMb) {
  if (!limitMb || file.size <= limitMb * 1024 * 1024) return null;
  return new GraphQLRequestError(`The file is ${(file.size / 1048576).toFixed(1)} MB.`, 'FILE_TOO_LARGE');
}

// ---------------------------------------------------------------- API key

let keyPrompt = null;

/**
 * Runs an API call; when the server answers UNAUTHENTICATED, asks for the key once
 * (one dialog shared by every waiting request), keeps it for the tab, and retries.
 */
async function api(call) {
  for (;;) {
    const sentKey = getApiKey();
    try {
      return await call();
    } catch (err) {
      if (!(err instanceof GraphQLRequestError) || err.code !== 'UNAUTHENTICATED') throw err;
      if (getApiKey() !== sentKey) continue; // another request's dialog already changed the key
      const key = await askForKey(Boolean(sentKey));
      if (!key) throw err;
    }
  }
}

function askForKey(rejected) {
  if (keyPrompt) return keyPrompt;
  const dialog = $('#key-dialog');
  const input = $('#key-input');
  $('[data-testid=key-message]').textContent = rejected
    ? 'The server did not accept that API key. Check it and try again.'
    : 'This server needs an API key. It is kept only for this browser tab.';
  input.value = '';
  dialog.returnValue = '';
  keyPrompt = new Promise((resolve) => {
    dialog.addEventListener('close', () => {
      const key = dialog.returnValue === 'ok' ? input.value.trim() : '';
      if (key) setApiKey(key);
      resolve(key || null);
    }, { once: true });
    dialog.showModal();
    input.focus();
  }).finally(() => {
    keyPrompt = null;
    showKeyStatus();
  });
  return keyPrompt;
}

function showKeyStatus() {
  $('[data-testid=key-status]').hidden = !getApiKey();
}

$('[data-testid=key-cancel]').addEventListener('click', () => $('#key-dialog').close('cancel'));
$('[data-testid=key-forget]').addEventListener('click', () => {
  setApiKey('');
  showKeyStatus();
  refreshHealth();
});

// ---------------------------------------------------------------- health line

async function refreshHealth() {
  try {
    const data = await api(() => request(HEALTH));
    health = data.health;
    $('[data-testid=health]').textContent =
      `${plural(health.people, 'person', 'people')} · ${plural(health.faces, 'photo')} · tolerance ${health.tolerance}`;
    $('#search-tolerance').placeholder = String(health.tolerance);
    $('#video-tolerance').placeholder = String(health.tolerance);
    $('[data-testid=video-limits]').textContent =
      `Videos can be up to ${health.maxVideoMb} MB and ${durationWords(health.videoMaxSeconds)} long.`;
  } catch (err) {
    $('[data-testid=health]').textContent = plainError(err).main;
  }
}

// ---------------------------------------------------------------- photos with face boxes

/**
 * A photo with boxes over its faces. Boxes come in image pixels; they are placed in percent of the
 * image's natural size, so they follow the photo at any displayed size.
 * faces: [{ box, label?, known? }]
 */
function facePhoto(src, faces, { alt = '', testid = 'face-photo', removeIfBroken = null } = {}) {
  const frame = el('div', { class: 'face-photo', testid });
  const img = el('img', { src, alt });
  frame.append(img);
  const place = () => {
    const w = img.naturalWidth;
    const h = img.naturalHeight;
    if (!w || !h) return;
    // Small face chips are shown larger; big photos shrink to the column and to most of the screen height.
    // A width in pixels (not a percentage) so the cards around it size to it; max-width: 100% keeps it in the column.
    const shown = Math.min(Math.max(w, 260), (window.innerHeight * 0.7 * w) / h);
    frame.style.width = `${Math.round(shown)}px`;
    for (const face of faces) {
      const x0 = Math.max(0, face.box.x);
      const y0 = Math.max(0, face.box.y);
      const x1 = Math.min(w, face.box.x + face.box.width);
      const y1 = Math.min(h, face.box.y + face.box.height);
      const box = el('div', {
        class: `face-box ${face.known ? 'known' : 'unknown'}`,
        testid: 'face-box',
        title: face.label,
      });
      Object.assign(box.style, {
        left: `${(x0 / w) * 100}%`,
        top: `${(y0 / h) * 100}%`,
        width: `${((x1 - x0) / w) * 100}%`,
        height: `${((y1 - y0) / h) * 100}%`,
      });
      if (face.label) {
        // Above the box when there is room, else below it, else inside along its top edge.
        const where = y0 / h > 0.08 ? 'above' : y1 / h < 0.92 ? 'below' : 'inside';
        box.append(el('span', { class: `face-label ${where}`, testid: 'face-label' }, face.label));
        if (where === 'above') frame.classList.add('label-above');
      }
      frame.append(box);
    }
    if (faces.length > 6) frame.classList.add('crowded'); // a group photo: smaller names overlap less
    frame.dataset.ready = 'true';
  };
  if (img.complete && img.naturalWidth) place();
  else img.addEventListener('load', place, { once: true });
  img.addEventListener('error', () => {
    if (removeIfBroken) {
      removeIfBroken.remove(); // e.g. a file that is not an image: nothing worth showing
      return;
    }
    frame.classList.add('broken');
    frame.append(el('p', { class: 'hint' }, 'The photo could not be shown.'));
  }, { once: true });
  return frame;
}

/** The face cut out of a photo, for showing next to the stored photo it matched. */
function faceCrop(src, box, size = 112) {
  const canvas = el('canvas', { width: size, height: size, class: 'crop', role: 'img', 'aria-label': 'The face found in your photo' });
  const img = new Image();
  img.onload = () => {
    const side = Math.max(box.width, box.height) * 1.2;
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    canvas.getContext('2d').drawImage(img, cx - side / 2, cy - side / 2, side, side, 0, 0, size, size);
  };
  img.src = src;
  return canvas;
}

/** Keeps one object URL per slot, releasing the previous one. */
const objectUrls = new Map();
function localUrl(slot, file) {
  const old = objectUrls.get(slot);
  if (old) URL.revokeObjectURL(old);
  const url = URL.createObjectURL(file);
  objectUrls.set(slot, url);
  return url;
}

// ---------------------------------------------------------------- photo pickers (file, drop, webcam)

const pickers = [];

/** Wires a `.picker`: the file input, its label as a drop zone, and the webcam where the browser has one. */
function createPicker(root, onFile) {
  const input = $('input[type=file]', root);
  const zone = $('.drop-zone', root);
  const nameEl = $('[data-role=file-name]', root);
  let file = null;
  let stream = null;

  const set = (f) => {
    file = f;
    nameEl.textContent = f ? `Chosen: ${f.name || 'photo'}` : '';
    onFile?.(f);
  };

  // Clearing the value lets the same file be chosen twice in a row.
  input.addEventListener('click', () => { input.value = ''; });
  input.addEventListener('change', () => { if (input.files?.[0]) set(input.files[0]); });

  for (const type of ['dragenter', 'dragover']) {
    zone.addEventListener(type, (e) => {
      e.preventDefault();
      zone.classList.add('dragging');
    });
  }
  zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('dragging');
    const dropped = e.dataTransfer?.files?.[0];
    if (dropped) set(dropped);
  });

  const camera = $('[data-role=camera]', root);
  const stopCamera = () => {
    stream?.getTracks().forEach((t) => t.stop());
    stream = null;
    if (!camera) return;
    $('video', camera).srcObject = null;
    $('[data-role=camera-panel]', camera).hidden = true;
    $('[data-role=camera-start]', camera).hidden = !navigator.mediaDevices?.getUserMedia;
  };
  if (camera) {
    const start = $('[data-role=camera-start]', camera);
    const panel = $('[data-role=camera-panel]', camera);
    const video = $('video', camera);
    const error = $('[data-role=camera-error]', camera);
    start.hidden = !navigator.mediaDevices?.getUserMedia;
    start.addEventListener('click', async () => {
      error.hidden = true;
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'user' }, audio: false });
      } catch (err) {
        error.textContent = err?.name === 'NotAllowedError'
          ? 'The webcam could not be opened: permission was refused.'
          : 'The webcam could not be opened. Choose a photo instead.';
        error.hidden = false;
        return;
      }
      video.srcObject = stream;
      panel.hidden = false;
      start.hidden = true;
      await video.play().catch(() => {});
      $('[data-role=camera-take]', camera).focus();
    });
    $('[data-role=camera-take]', camera).addEventListener('click', async () => {
      if (!video.videoWidth) return; // no frame yet
      const canvas = el('canvas', { width: video.videoWidth, height: video.videoHeight });
      canvas.getContext('2d').drawImage(video, 0, 0);
      const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.92));
      stopCamera();
      start.focus();
      if (blob) set(new File([blob], 'webcam.jpg', { type: 'image/jpeg' }));
    });
    $('[data-role=camera-stop]', camera).addEventListener('click', () => {
      stopCamera();
      start.focus();
    });
  }

  const picker = {
    get file() { return file; },
    input,
    clear() {
      file = null;
      input.value = '';
      nameEl.textContent = '';
    },
    stopCamera,
  };
  pickers.push(picker);
  return picker;
}

// A file dropped beside a drop zone must not replace the page.
window.addEventListener('dragover', (e) => e.preventDefault());
window.addEventListener('drop', (e) => e.preventDefault());

// ---------------------------------------------------------------- Enrol

const enrolForm = $('#enrol-form');
const enrolResult = $('#enrol-result');
const enrolPicker = createPicker($('[data-picker=enrol]'), (file) => {
  if (!file) return;
  const card = el('figure', { class: 'photo-card' });
  card.append(facePhoto(localUrl('enrol', file), [], { alt: 'The photo to enrol', testid: 'enrol-photo', removeIfBroken: card }),
    el('figcaption', {}, 'The photo to enrol'));
  enrolResult.replaceChildren(card);
});

enrolForm.addEventListener('submit', async (e) => {
  e.preventDefault();
  const file = enrolPicker.file;
  const firstName = $('#enrol-first').value.trim();
  const surName = $('#enrol-sur').value.trim();
  const problem = !file ? 'Choose a photo first.'
    : !firstName || !surName ? 'Type both the first name and the surname.'
      : null;
  if (problem) {
    enrolResult.replaceChildren(el('div', { class: 'message error', role: 'alert', testid: 'error' },
      el('p', { testid: 'error-message' }, problem)));
    (!file ? enrolPicker.input : !firstName ? $('#enrol-first') : $('#enrol-sur')).focus();
    return;
  }
  const src = localUrl('enrol', file);
  setBusy(enrolForm, true);
  enrolResult.setAttribute('aria-busy', 'true');
  try {
    const big = tooLarge(file);
    if (big) throw big;
    const { addPerson: r } = await api(() => upload(ADD_PERSON, { file: null, firstName, surName }, { file }));
    const name = r.person.fullName;
    enrolResult.replaceChildren(
      el('div', { class: 'message success', testid: 'enrol-message' },
        el('p', {}, r.createdPerson
          ? `Enrolled ${name}.`
          : `${name} was already enrolled; this photo was added to them.`),
        el('p', { class: 'detail' }, `${plural(r.person.faceCount, 'photo')} stored.`
          + (r.facesDetected > 1 ? ` The photo held ${r.facesDetected} faces; the largest was enrolled.` : '')),
        el('p', {}, el('a', { href: `#people/${encodeURIComponent(r.person.id)}`, testid: 'enrol-open-person' }, `See ${name}'s photos`))),
      el('figure', { class: 'photo-card' },
        facePhoto(src, [{ box: r.face.box, label: name, known: true }], { alt: `Photo of ${name}`, testid: 'enrol-photo' }),
        el('figcaption', {}, 'The face that was enrolled')));
    enrolForm.reset();
    enrolPicker.clear();
    refreshHealth();
  } catch (err) {
    const card = el('figure', { class: 'photo-card' });
    card.append(facePhoto(src, [], { alt: 'The photo that was sent', testid: 'enrol-photo', removeIfBroken: card }),
      el('figcaption', {}, 'The photo that was sent'));
    enrolResult.replaceChildren(errorBox(err), card);
  } finally {
    setBusy(enrolForm, false);
    enrolResult.setAttribute('aria-busy', 'false');
  }
});

// ---------------------------------------------------------------- Search

const searchForm = $('#search-form');
const searchResult = $('#search-result');
let searchSeq = 0;
const searchPicker = createPicker($('[data-picker=search]'), (file) => { if (file) runSearch(); });

searchForm.addEventListener('submit', (e) => {
  e.preventDefault();
  runSearch();
});

async function runSearch() {
  const file = searchPicker.file;
  if (!file) {
    searchResult.replaceChildren(el('div', { class: 'message error', role: 'alert', testid: 'error' },
      el('p', { testid: 'error-message' }, 'Choose a photo first.')));
    searchPicker.input.focus();
    return;
  }
  const raw = $('#search-tolerance').value.trim();
  const tolerance = raw === '' ? null : Number(raw);
  const seq = ++searchSeq; // a newer search makes an older answer stale
  const src = localUrl('search', file);
  setBusy(searchForm, true);
  searchResult.setAttribute('aria-busy', 'true');
  try {
    const big = tooLarge(file);
    if (big) throw big;
    if (tolerance !== null && !(tolerance > 0)) {
      throw new GraphQLRequestError('The tolerance must be a positive number, such as 0.6.', 'BAD_USER_INPUT');
    }
    const { searchFace } = await api(() => upload(SEARCH_FACE, { file: null, tolerance }, { file }));
    if (seq === searchSeq) renderSearch(searchFace, src);
  } catch (err) {
    if (seq === searchSeq) {
      const card = el('figure', { class: 'photo-card' });
      card.append(facePhoto(src, [], { alt: 'The photo that was sent', testid: 'search-photo', removeIfBroken: card }),
        el('figcaption', {}, 'Your photo'));
      searchResult.replaceChildren(errorBox(err), card);
    }
  } finally {
    if (seq === searchSeq) {
      setBusy(searchForm, false);
      searchResult.setAttribute('aria-busy', 'false');
    }
  }
}

function renderSearch(r, src) {
  const faces = r.faces.map((f) => ({
    box: f.box,
    label: f.match ? f.match.person.fullName : 'Unknown',
    known: Boolean(f.match),
  }));
  const summary = el('div', { class: `message status-${r.status.toLowerCase()}`, testid: 'search-summary', 'data-status': r.status },
    el('p', { class: 'search-message', testid: 'search-message' }, r.message),
    r.status === 'MATCH'
      ? el('p', { class: 'detail' }, `Distance ${formatDistance(r.distance)} · confidence ${formatConfidence(r.confidence)} · tolerance ${r.tolerance}`)
      : r.status === 'UNKNOWN'
        ? el('p', { class: 'detail' }, `No one in the gallery is within tolerance ${r.tolerance} of ${r.faces.length === 1 ? 'this face' : 'these faces'}.`)
        : null);

  const yours = el('figure', { class: 'photo-card' },
    facePhoto(src, faces, { alt: 'Your photo, with the faces found in it', testid: 'search-photo' }),
    el('figcaption', {}, r.faces.length ? `Your photo: ${plural(r.faces.length, 'face')} found` : 'Your photo'));

  let theirs = null;
  if (r.status === 'MATCH') {
    const matched = r.matchedFace;
    theirs = el('figure', { class: 'photo-card', testid: 'match-card' },
      facePhoto(imageUrl(matched?.url ?? r.photoUrl), matched ? [{ box: matched.box, known: true }] : [],
        { alt: `Stored photo of ${r.fullName}`, testid: 'match-photo' }),
      el('figcaption', {},
        el('strong', { testid: 'match-name' }, r.fullName),
        el('dl', { class: 'numbers' },
          el('dt', {}, 'Distance'), el('dd', { testid: 'match-distance' }, formatDistance(r.distance)),
          el('dt', {}, 'Confidence'), el('dd', { testid: 'match-confidence' }, formatConfidence(r.confidence)))));
  } else if (r.status === 'MULTIPLE_KNOWN_FACES' && r.photoUrl) {
    theirs = el('figure', { class: 'photo-card', testid: 'placeholder-card' },
      facePhoto(imageUrl(r.photoUrl), [], { alt: 'Several known people', testid: 'placeholder-photo' }),
      el('figcaption', {}, 'Several known people are in this photo'));
  }

  const parts = [summary, el('div', { class: 'side-by-side' }, yours, theirs)];

  if (r.faces.length) {
    parts.push(el('h3', {}, 'Faces in this photo'),
      el('ol', { class: 'faces', testid: 'detected-faces' }, r.faces.map((f, i) => el('li', { testid: 'detected-face' },
        el('figure', { class: 'thumb' }, faceCrop(src, f.box), el('figcaption', {}, `Face ${i + 1}`)),
        f.match
          ? el('figure', { class: 'thumb' },
            el('img', { src: imageUrl(f.match.face.url), alt: `Stored photo of ${f.match.person.fullName}` }),
            el('figcaption', {}, 'Stored photo'))
          : null,
        el('div', { class: 'face-info' },
          el('p', { class: 'name', testid: 'detected-name' }, f.match ? f.match.person.fullName : 'Unknown'),
          f.match
            ? el('p', { class: 'detail' }, `Distance ${formatDistance(f.match.distance)} · confidence ${formatConfidence(f.match.confidence)}`)
            : el('p', { class: 'detail' }, 'Not in the gallery'),
          f.match
            ? el('p', {}, el('a', { href: `#people/${encodeURIComponent(f.match.person.id)}` }, `Open ${f.match.person.fullName}`))
            : null)))));
  }
  searchResult.replaceChildren(...parts);
}

// ---------------------------------------------------------------- People: the gallery

const pageSize = (() => {
  const n = Number(new URLSearchParams(location.search).get('pageSize'));
  return Number.isInteger(n) && n > 0 && n <= 100 ? n : 12;
})();
const gallery = { name: '', cursors: [null], page: 0, seq: 0, notice: '' };
const peopleList = $('[data-testid=people-list]');

async function loadPeople() {
  const seq = ++gallery.seq;
  peopleList.setAttribute('aria-busy', 'true');
  $('[data-testid=people-error]').replaceChildren();
  $('[data-testid=people-notice]').textContent = gallery.notice;
  gallery.notice = '';
  try {
    const { people } = await api(() => request(PEOPLE, {
      name: gallery.name || null,
      first: pageSize,
      after: gallery.cursors[gallery.page],
    }));
    if (seq !== gallery.seq) return;
    renderPeople(people);
  } catch (err) {
    if (seq === gallery.seq) $('[data-testid=people-error]').replaceChildren(errorBox(err));
  } finally {
    if (seq === gallery.seq) peopleList.setAttribute('aria-busy', 'false');
  }
}

function renderPeople(people) {
  const { totalCount, nodes, pageInfo } = people;
  const name = gallery.name;
  $('[data-testid=people-count]').textContent = totalCount === 0
    ? (name ? `No one matches “${name}”.` : 'No one is enrolled yet. Enrol someone first.')
    : `${plural(totalCount, 'person', 'people')}${name ? ` matching “${name}”` : ''}`;
  peopleList.replaceChildren(...nodes.map((p) => el('li', {},
    el('a', { class: 'person-card', href: `#people/${encodeURIComponent(p.id)}`, testid: 'person-card', 'data-person-id': p.id },
      p.photoUrl ? el('img', { src: imageUrl(p.photoUrl), alt: '', loading: 'lazy' }) : el('span', { class: 'no-photo' }, 'No photo'),
      el('span', { class: 'name', testid: 'person-card-name' }, p.fullName),
      el('span', { class: 'meta' }, plural(p.faceCount, 'photo'))))));
  const pages = Math.max(1, Math.ceil(totalCount / pageSize));
  $('[data-testid=people-page]').textContent = totalCount ? `Page ${gallery.page + 1} of ${pages}` : '';
  $('[data-testid=people-prev]').disabled = gallery.page === 0;
  const next = $('[data-testid=people-next]');
  next.disabled = !pageInfo.hasNextPage;
  gallery.cursors[gallery.page + 1] = pageInfo.endCursor;
}

let filterTimer = 0;
function applyFilter() {
  clearTimeout(filterTimer);
  gallery.name = $('#people-name').value.trim();
  gallery.cursors = [null];
  gallery.page = 0;
  loadPeople();
}
$('#people-name').addEventListener('input', () => {
  clearTimeout(filterTimer);
  filterTimer = setTimeout(applyFilter, 250);
});
$('#people-filter').addEventListener('submit', (e) => {
  e.preventDefault();
  applyFilter();
});
$('[data-testid=people-prev]').addEventListener('click', () => {
  if (gallery.page > 0) gallery.page -= 1;
  loadPeople();
});
$('[data-testid=people-next]').addEventListener('click', () => {
  gallery.page += 1;
  loadPeople();
});

// ---------------------------------------------------------------- People: one person

let current = null; // the person shown, with faces
let personSeq = 0;
const addFaceForm = $('#add-face-form');
const renameForm = $('#rename-form');
const addFacePicker = createPicker($('[data-picker=add-face]'));

function personNotice(text) {
  $('[data-testid=person-notice]').textContent = text;
}

async function openPerson(id, { focus = true } = {}) {
  $('#people-list-view').hidden = true;
  $('#person-view').hidden = false;
  $('[data-testid=person-error]').replaceChildren();
  if (current?.id !== id) {
    current = null;
    personNotice('');
    $('[data-testid=person-name]').textContent = 'Loading…';
    $('[data-testid=person-meta]').textContent = '';
    $('[data-testid=person-photos]').replaceChildren();
    $('[data-testid=add-face-result]').replaceChildren();
    $('[data-testid=rename-result]').replaceChildren();
    addFacePicker.clear();
  }
  const seq = ++personSeq; // opening another person meanwhile makes this answer stale
  try {
    const { personById } = await api(() => request(PERSON, { id }));
    if (seq !== personSeq) return;
    if (!personById) {
      gallery.notice = 'That person is not in the gallery (any more).';
      location.hash = '#people';
      return;
    }
    renderPerson(personById);
    if (focus) $('[data-testid=person-name]').focus();
  } catch (err) {
    if (seq === personSeq) $('[data-testid=person-error]').replaceChildren(errorBox(err));
  }
}

function renderPerson(p) {
  const samePerson = current?.id === p.id;
  current = p;
  $('[data-testid=person-name]').textContent = p.fullName;
  $('[data-testid=person-meta]').textContent = `${plural(p.faceCount, 'photo')} · enrolled ${formatDate(p.createdAt)}`;
  // Keep what the user is typing in the rename form when the same person is shown again.
  if (!samePerson || !renameForm.contains(document.activeElement)) {
    $('#rename-first').value = p.firstName;
    $('#rename-sur').value = p.surName;
  }
  $('#add-face-form .drop-title').textContent = `New photo of ${p.fullName}`;
  $('[data-testid=person-delete]').textContent = `Delete ${p.fullName}…`;
  if (p.faces.length === 0) {
    $('[data-testid=person-photos]').replaceChildren(el('li', { class: 'empty', testid: 'no-photos' },
      'No photos are stored any more. Add one below so this person can be recognised again.'));
    return;
  }
  $('[data-testid=person-photos]').replaceChildren(...p.faces.map((f, i) => el('li', { testid: 'person-photo', 'data-image-id': f.imageId },
    el('figure', { class: 'photo-card' },
      facePhoto(imageUrl(f.url), [{ box: f.box, known: true }], { alt: `Photo ${i + 1} of ${p.fullName}` }),
      el('figcaption', {}, `Added ${formatDate(f.createdAt)}`)),
    el('button', {
      type: 'button',
      class: 'secondary danger-text',
      testid: 'delete-face',
      'aria-label': `Delete photo ${i + 1} of ${p.fullName}`,
      onclick: (e) => deleteFace(f.imageId, e.currentTarget),
    }, 'Delete photo'))));
}

async function deleteFace(imageId, button) {
  button.disabled = true;
  button.textContent = 'Deleting…';
  $('[data-testid=person-error]').replaceChildren();
  try {
    await api(() => request(DELETE_FACE, { imageId }));
    personNotice('Photo deleted.');
    refreshHealth();
    await openPerson(current.id, { focus: false });
    $('[data-testid=person-name]').focus();
  } catch (err) {
    button.disabled = false;
    button.textContent = 'Delete photo';
    $('[data-testid=person-error]').replaceChildren(errorBox(err));
  }
}

addFaceForm.addEventListener('submit', async (e) => {
  e.preventDefault();
  const out = $('[data-testid=add-face-result]');
  const file = addFacePicker.file;
  if (!current) return;
  if (!file) {
    out.replaceChildren(el('div', { class: 'message error', role: 'alert', testid: 'error' },
      el('p', { testid: 'error-message' }, 'Choose a photo first.')));
    addFacePicker.input.focus();
    return;
  }
  setBusy(addFaceForm, true);
  out.replaceChildren();
  try {
    const big = tooLarge(file);
    if (big) throw big;
    const personId = current.id;
    const { addFace: r } = await api(() => upload(ADD_FACE, { personId, file: null }, { file }));
    addFacePicker.clear();
    personNotice(`Photo added: ${plural(r.person.faceCount, 'photo')} of ${r.person.fullName}.`
      + (r.facesDetected > 1 ? ` The photo held ${r.facesDetected} faces; the largest was enrolled.` : ''));
    refreshHealth();
    await openPerson(personId, { focus: false });
  } catch (err) {
    out.replaceChildren(errorBox(err));
  } finally {
    setBusy(addFaceForm, false);
  }
});

renameForm.addEventListener('submit', async (e) => {
  e.preventDefault();
  const out = $('[data-testid=rename-result]');
  const firstName = $('#rename-first').value.trim();
  const surName = $('#rename-sur').value.trim();
  if (!current) return;
  if (!firstName || !surName) {
    out.replaceChildren(el('div', { class: 'message error', role: 'alert', testid: 'error' },
      el('p', { testid: 'error-message' }, 'Type both the first name and the surname.')));
    return;
  }
  setBusy(renameForm, true);
  out.replaceChildren();
  try {
    const { renamePerson } = await api(() => request(RENAME, { id: current.id, firstName, surName }));
    personNotice(`Renamed to ${renamePerson.fullName}.`);
    renderPerson({ ...current, ...renamePerson });
  } catch (err) {
    out.replaceChildren(errorBox(err));
  } finally {
    setBusy(renameForm, false);
  }
});

$('[data-testid=person-back]').addEventListener('click', () => { location.hash = '#people'; });

$('[data-testid=person-delete]').addEventListener('click', () => {
  if (!current) return;
  const p = current;
  const dialog = $('#confirm-dialog');
  $('#confirm-title').textContent = `Delete ${p.fullName}?`;
  $('[data-testid=confirm-message]').textContent =
    `${p.fullName} and ${p.faceCount === 1 ? 'their photo' : `all ${p.faceCount} of their photos`} will be removed for good, with every face encoding. This cannot be undone.`;
  $('[data-testid=confirm-delete]').textContent = `Delete ${p.fullName}`;
  dialog.returnValue = '';
  dialog.addEventListener('close', async () => {
    if (dialog.returnValue !== 'delete') {
      $('[data-testid=person-delete]').focus();
      return;
    }
    $('[data-testid=person-delete]').disabled = true;
    try {
      const { deletePerson } = await api(() => request(DELETE_PERSON, { id: p.id }));
      gallery.notice = `${p.fullName} was deleted, with ${plural(deletePerson.removedFaces, 'photo')}.`;
      current = null;
      refreshHealth();
      location.hash = '#people';
    } catch (err) {
      $('[data-testid=person-error]').replaceChildren(errorBox(err));
    } finally {
      $('[data-testid=person-delete]').disabled = false;
    }
  }, { once: true });
  dialog.showModal();
});

// ---------------------------------------------------------------- Video: who is in this video?

const VIDEO_JOB_FIELDS = `id status progress fileName createdAt startedAt finishedAt error { code message } annotatedVideoUrl
  result {
    decision tolerance framesToDecide
    stats { framesDecoded framesDetected facesEncoded totalFrames width height fps wallSeconds framesPerSecond truncated }
    tracks { id label confidence distance framesRecognized firstFrame lastFrame firstTime lastTime thumbnailUrl person { id fullName } }
  }`;

const RECOGNIZE_VIDEO = `mutation RecognizeVideo($file: Upload!, $options: VideoOptionsInput) {
  recognizeVideo(file: $file, options: $options) { ${VIDEO_JOB_FIELDS} }
}`;
const VIDEO_JOB = `query VideoJob($id: ID!) { videoJob(id: $id) { ${VIDEO_JOB_FIELDS} } }`;
const CANCEL_VIDEO_JOB = `mutation CancelVideoJob($id: ID!) { cancelVideoJob(id: $id) { ${VIDEO_JOB_FIELDS} } }`;
const VIDEO_JOBS = `query VideoJobs($first: Int) { videoJobs(first: $first) { id status progress fileName createdAt finishedAt error { code } } }`;

const POLL_MS = 500;
const RETRY_MS = 2000;
const ACTIVE = new Set(['QUEUED', 'RUNNING']);

/** 600 → "10 minutes", 90 → "90 seconds", 5400 → "1.5 hours". */
function durationWords(seconds) {
  if (seconds >= 3600) return `${Number((seconds / 3600).toFixed(1))} ${seconds === 3600 ? 'hour' : 'hours'}`;
  if (seconds >= 120) return `${Number((seconds / 60).toFixed(1))} minutes`;
  return plural(Number(seconds.toFixed(1)), 'second');
}

/** Video errors in plain words: these files are videos, not photos. */
function videoWords() {
  return {
    INVALID_VIDEO: 'This file is not a video the server can read. Choose an MP4, WebM, AVI, MOV or MKV video.',
    VIDEO_TOO_LONG: health?.videoMaxSeconds
      ? `This video is too long. The server takes videos up to ${durationWords(health.videoMaxSeconds)} long; cut it shorter and try again.`
      : 'This video is too long for the server. Cut it shorter and try again.',
    FILE_TOO_LARGE: health?.maxVideoMb
      ? `This video is too large. Videos can be up to ${health.maxVideoMb} MB.`
      : 'This video is too large for the service. Choose a smaller file.',
    UNSUPPORTED_FILE_TYPE: 'This file is not a video. Choose an MP4, WebM, AVI, MOV, MKV or M4V file.',
    IMAGE_TOO_LARGE: 'The video\'s picture is too large to process. Use a smaller resolution and try again.',
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

const percent = (p) => `${Math.floor(Math.min(1, Math.max(0, p || 0)) * 100)}%`;

const STATUS_WORDS = { QUEUED: 'Queued', RUNNING: 'Running', DONE: 'Done', FAILED: 'Failed', CANCELLED: 'Cancelled' };

/** The line under the progress bar. */
function statusText(job) {
  switch (job.status) {
    case 'QUEUED': return 'Queued: waiting for the server to start on this video…';
    case 'RUNNING': return `Recognising faces… ${percent(job.progress)}`;
    case 'DONE': return job.result ? `Done in ${job.result.stats.wallSeconds.toFixed(1)} s` : 'Done';
    case 'CANCELLED': return job.result?.tracks.length
      ? `Cancelled at ${percent(job.progress)}: the faces found before it stopped are below.`
      : `Cancelled at ${percent(job.progress)}.`;
    case 'FAILED': return 'Failed';
    default: return String(job.status);
  }
}

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

function setProgress(value) {
  if (value === null) jobProgress.removeAttribute('value'); // indeterminate: something is happening
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
      jobStatus.textContent = err instanceof GraphQLRequestError && err.code === 'NETWORK_ERROR'
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

function renderVideoResult(job) {
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
  const summary = tracks.length === 0
    ? (job.status === 'CANCELLED' ? 'No faces were found before the job stopped.' : 'No faces were found in this video.')
    : `${plural(tracks.length, 'face')} followed: ${who.join(', ')}.`;
  parts.push(el('div', { class: `message ${known.length ? 'success' : 'status-unknown'}`, testid: 'video-summary' },
    el('p', { class: 'search-message' }, summary),
    el('p', { class: 'detail' },
      `Each face was decided by ${r.decision === 'FUSION' ? 'fusion (its encodings averaged)' : 'vote'} over up to ${plural(r.framesToDecide, 'frame')}, tolerance ${r.tolerance}.`)));

  const duration = stats.fps > 0 && stats.totalFrames > 0 ? stats.totalFrames / stats.fps : 0;
  parts.push(el('p', { class: 'stats', testid: 'video-stats' },
    `${plural(stats.framesDecoded, 'frame')}${stats.truncated && stats.totalFrames ? ` of ${stats.totalFrames}` : ''} · `
    + `${stats.framesPerSecond.toFixed(1)} frames per second · ${plural(stats.facesEncoded, 'face')} encoded`),
  el('p', { class: 'detail', testid: 'video-stats-detail' },
    `The video: ${stats.width}×${stats.height}${stats.fps ? `, ${Number(stats.fps.toFixed(2))} fps` : ''}${duration ? `, ${clock(duration)} long` : ''}. `
    + `The face detector ran on ${plural(stats.framesDetected, 'frame')}; the job took ${stats.wallSeconds.toFixed(1)} s.`
    + (stats.truncated ? ' It stopped before the end of the video.' : '')));

  if (job.annotatedVideoUrl) parts.push(annotatedCopy(job));

  if (tracks.length) {
    parts.push(el('h4', {}, 'Faces in this video'),
      el('ol', { class: 'tracks', testid: 'video-tracks' }, tracks.map((t) => trackCard(t, r, duration))));
  }
  return parts;
}

function trackCard(t, r, duration) {
  const seen = `${clock(t.firstTime)}–${clock(t.lastTime)}`;
  const kind = t.person ? 'known' : t.label === 'Too small' ? 'small' : 'unknown';
  const thumb = t.thumbnailUrl
    ? el('img', { src: imageUrl(t.thumbnailUrl), alt: `Face ${t.id}: ${t.label}`, width: 112, height: 112, testid: 'track-thumb' })
    : el('span', { class: 'no-photo', testid: 'track-no-thumb' }, 'No picture');
  if (t.thumbnailUrl) {
    thumb.addEventListener('error', () => thumb.replaceWith(el('span', { class: 'no-photo', testid: 'track-no-thumb' }, 'No picture')), { once: true });
  }
  let timeline = null;
  if (duration > 0) {
    const start = Math.min(1, t.firstTime / duration);
    const end = Math.min(1, Math.max(start, t.lastTime / duration));
    const bar = el('span', { class: 'seen' });
    bar.style.left = `${start * 100}%`;
    bar.style.width = `max(3px, ${(end - start) * 100}%)`;
    timeline = el('div', { class: 'timeline', role: 'img', 'aria-label': `On screen from ${clock(t.firstTime)} to ${clock(t.lastTime)} of ${clock(duration)}` }, bar);
  }
  return el('li', { class: `track-card ${kind}`, testid: 'video-track', 'data-track-id': t.id },
    el('figure', { class: 'thumb' }, thumb),
    el('div', { class: 'face-info' },
      el('p', { class: 'name', testid: 'track-name' }, t.label),
      el('dl', { class: 'numbers' },
        el('dt', {}, 'Confidence'), el('dd', { testid: 'track-confidence' }, formatConfidence(t.confidence)),
        el('dt', {}, 'Frames used'), el('dd', { testid: 'track-frames' }, t.framesRecognized ? `${t.framesRecognized} of ${r.framesToDecide}` : 'none')),
      el('p', { class: 'seen-line' }, 'Seen ', el('strong', { testid: 'track-seen' }, seen)),
      timeline,
      t.person
        ? el('p', {}, el('a', { href: `#people/${encodeURIComponent(t.person.id)}` }, `Open ${t.person.fullName}`))
        : null));
}

/** The copy with boxes and names drawn: a player, and a link to download it. */
function annotatedCopy(job) {
  const src = imageUrl(job.annotatedVideoUrl);
  const base = job.fileName.replace(/\.[^.]+$/, '') || 'video';
  // #t=0.1: the player shows the first frame instead of a black box.
  const player = el('video', { src: `${src}#t=0.1`, controls: true, preload: 'metadata', playsinline: true, testid: 'video-annotated', 'aria-label': 'The video with boxes and names drawn' });
  const note = el('p', { class: 'hint', hidden: true, testid: 'video-annotated-note' },
    'This browser cannot play the copy here; download it to watch it.');
  player.addEventListener('error', () => { note.hidden = false; }, { once: true });
  return el('figure', { class: 'photo-card annotated', testid: 'video-annotated-card' },
    player,
    el('figcaption', {},
      note,
      el('a', { href: src, download: `${base}-annotated.mp4`, testid: 'video-download' }, 'Download the copy with boxes and names')));
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
    videoFormError.replaceChildren(el('div', { class: 'message error', role: 'alert', testid: 'error' },
      el('p', { testid: 'error-message' }, 'Choose a video first.')));
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
    const big = tooLarge(file, health?.maxVideoMb);
    if (big) throw big;
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
    jobList.replaceChildren(...(videoJobs.length
      ? videoJobs.map(jobListItem)
      : [el('li', { class: 'empty' }, 'No videos yet.')]));
    markCurrentJob();
    if (videoJobs.some((j) => ACTIVE.has(j.status))) watch.listTimer = setTimeout(loadVideoJobs, LIST_REFRESH_MS);
  } catch (err) {
    if (seq === watch.listSeq) $('[data-testid=video-jobs-error]').replaceChildren(errorBox(err, videoWords()));
  } finally {
    if (seq === watch.listSeq) jobList.setAttribute('aria-busy', 'false');
  }
}

/** Why a job failed, in a few words for the list. */
const FAILURE_WORDS = {
  INVALID_VIDEO: 'not a video the server can read',
  VIDEO_TOO_LONG: 'too long',
  IMAGE_TOO_LARGE: 'picture too large',
  INTERRUPTED: 'the server stopped',
  INTERNAL: 'server error',
};

function jobState(job) {
  if (job.status === 'RUNNING') return `${STATUS_WORDS.RUNNING} ${percent(job.progress)}`;
  const why = job.status === 'FAILED' ? FAILURE_WORDS[job.error?.code] : null;
  return why ? `${STATUS_WORDS.FAILED}: ${why}` : STATUS_WORDS[job.status] ?? job.status;
}

function jobListItem(job) {
  return el('li', {},
    el('a', { href: `#video/${encodeURIComponent(job.id)}`, class: 'job-link', testid: 'video-job-link', 'data-job-id': job.id },
      el('span', { class: 'name' }, job.fileName),
      el('span', { class: `state state-${job.status.toLowerCase()}`, testid: 'video-job-state' }, jobState(job)),
      el('span', { class: 'meta' }, formatDate(job.createdAt))));
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
function openVideo(id) {
  loadVideoJobs();
  if (id) watchJob(id);
  else if (watch.id) watchJob(watch.id);
  else jobPanel.hidden = true;
}

// ---------------------------------------------------------------- views and routing

const VIEWS = ['enrol', 'search', 'people', 'video'];
const tabs = [...document.querySelectorAll('[role=tab]')];

function showView(name) {
  for (const tab of tabs) {
    const selected = tab.dataset.view === name;
    tab.setAttribute('aria-selected', String(selected));
    tab.tabIndex = selected ? 0 : -1;
    $(`#${tab.getAttribute('aria-controls')}`).hidden = !selected;
  }
  pickers.forEach((p) => p.stopCamera()); // a camera left running in a hidden view would stay lit
  if (name !== 'video') {
    // The jobs go on on the server; coming back polls again.
    stopPolling();
    stopListRefresh();
  }
}

// Hash routes: #enrol, #search, #people, #people/<id>, #video, #video/<job id>; the back button works between them.
function route() {
  const [view, id] = location.hash.replace(/^#\/?/, '').split('/');
  const name = VIEWS.includes(view) ? view : 'enrol';
  showView(name);
  if (name === 'people') {
    if (id) {
      openPerson(decodeURIComponent(id));
    } else {
      $('#person-view').hidden = true;
      $('#people-list-view').hidden = false;
      loadPeople();
    }
  }
  if (name === 'video') openVideo(id ? decodeURIComponent(id) : null);
}

for (const tab of tabs) {
  tab.addEventListener('click', () => {
    // Route now, not on the later hashchange event, so the tab is selected as soon as it is activated.
    const target = `#${tab.dataset.view}`;
    if (location.hash !== target) history.pushState(null, '', target);
    route();
  });
}
// Arrow keys move between tabs (the WAI-ARIA tabs pattern with automatic activation).
$('[role=tablist]').addEventListener('keydown', (e) => {
  const i = tabs.indexOf(document.activeElement);
  if (i < 0) return;
  const next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[e.key];
  if (next === undefined) return;
  e.preventDefault();
  const tab = tabs[(next + tabs.length) % tabs.length];
  tab.focus();
  tab.click();
});

window.addEventListener('hashchange', route);
showKeyStatus();
refreshHealth();
route();
