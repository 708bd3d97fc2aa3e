// The Search view: who is in this photo? Shows the photo with every face found, the stored photo of
// the person matched, and one line per face.

import { api, SEARCH_FACE } from '../api.js';
import { $, el, formatConfidence, formatDistance, plural, setBusy } from '../dom.js';
import { alertBox, errorBox, refuseTooLarge } from '../errors.js';
import { chosenPhotoCard, faceCrop, facePhoto, localUrl } from '../face-photo.js';
import { GraphQLRequestError, showStoredImage, upload } from '../graphql.js';
import { createPicker } from '../picker.js';

const searchForm = $('#search-form');
const searchResult = $('#search-result');
let searchSeq = 0;
const searchPicker = createPicker($('[data-picker=search]'), (file) => {
  if (file) runSearch();
});

searchForm.addEventListener('submit', (e) => {
  e.preventDefault();
  runSearch();
});

async function runSearch() {
  const file = searchPicker.file;
  if (!file) {
    searchResult.replaceChildren(alertBox('Choose a photo first.'));
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
    refuseTooLarge(file);
    if (tolerance !== null && !(tolerance > 0)) {
      throw new GraphQLRequestError('The tolerance must be a positive number, such as 0.6.', 'BAD_USER_INPUT');
    }
    const { searchFace } = await api(() => upload(SEARCH_FACE, { file: null, tolerance }, { file }));
    if (seq === searchSeq) renderSearch(searchFace, src);
  } catch (err) {
    if (seq === searchSeq) {
      searchResult.replaceChildren(
        errorBox(err),
        chosenPhotoCard(src, { alt: 'The photo that was sent', testid: 'search-photo', caption: 'Your photo' }),
      );
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
    label: f.match ? f.match.person.fullName : f.tooSmall ? 'Too small' : 'Unknown',
    known: Boolean(f.match),
  }));
  const summary = el(
    'div',
    { class: `message status-${r.status.toLowerCase()}`, testid: 'search-summary', 'data-status': r.status },
    el('p', { class: 'search-message', testid: 'search-message' }, r.message),
    r.status === 'MATCH'
      ? el(
          'p',
          { class: 'detail' },
          `Distance ${formatDistance(r.distance)} · confidence ${formatConfidence(r.confidence)} · tolerance ${r.tolerance}`,
        )
      : r.status === 'UNKNOWN'
        ? el(
            'p',
            { class: 'detail' },
            `No one in the gallery is within tolerance ${r.tolerance} of ${r.faces.length === 1 ? 'this face' : 'these faces'}.`,
          )
        : null,
  );

  const yours = el(
    'figure',
    { class: 'photo-card' },
    facePhoto(src, faces, { alt: 'Your photo, with the faces found in it', testid: 'search-photo' }),
    el('figcaption', {}, r.faces.length ? `Your photo: ${plural(r.faces.length, 'face')} found` : 'Your photo'),
  );

  let theirs = null;
  if (r.status === 'MATCH') {
    const matched = r.matchedFace;
    theirs = el(
      'figure',
      { class: 'photo-card', testid: 'match-card' },
      facePhoto(matched?.url ?? r.photoUrl, matched ? [{ box: matched.box, known: true }] : [], {
        alt: `Stored photo of ${r.fullName}`,
        testid: 'match-photo',
      }),
      el(
        'figcaption',
        {},
        el('strong', { testid: 'match-name' }, r.fullName),
        el(
          'dl',
          { class: 'numbers' },
          el('dt', {}, 'Distance'),
          el('dd', { testid: 'match-distance' }, formatDistance(r.distance)),
          el('dt', {}, 'Confidence'),
          el('dd', { testid: 'match-confidence' }, formatConfidence(r.confidence)),
        ),
      ),
    );
  } else if (r.status === 'MULTIPLE_KNOWN_FACES' && r.photoUrl) {
    theirs = el(
      'figure',
      { class: 'photo-card', testid: 'placeholder-card' },
      facePhoto(r.photoUrl, [], { alt: 'Several known people', testid: 'placeholder-photo' }),
      el('figcaption', {}, 'Several known people are in this photo'),
    );
  }

  const parts = [summary, el('div', { class: 'side-by-side' }, yours, theirs)];

  if (r.faces.length) {
    parts.push(
      el('h3', {}, 'Faces in this photo'),
      el(
        'ol',
        { class: 'faces', testid: 'detected-faces' },
        r.faces.map((f, i) =>
          el(
            'li',
            { testid: 'detected-face' },
            el('figure', { class: 'thumb' }, faceCrop(src, f.box), el('figcaption', {}, `Face ${i + 1}`)),
            f.match
              ? el(
                  'figure',
                  { class: 'thumb' },
                  showStoredImage(el('img', { alt: `Stored photo of ${f.match.person.fullName}` }), f.match.face.url),
                  el('figcaption', {}, 'Stored photo'),
                )
              : null,
            el(
              'div',
              { class: 'face-info' },
              el(
                'p',
                { class: 'name', testid: 'detected-name' },
                f.match ? f.match.person.fullName : f.tooSmall ? 'Too small to recognise' : 'Unknown',
              ),
              f.match
                ? el('p', { class: 'detail' }, `Distance ${formatDistance(f.match.distance)} · confidence ${formatConfidence(f.match.confidence)}`)
                : el('p', { class: 'detail' }, 'Not in the gallery'),
              f.match ? el('p', {}, el('a', { href: `#people/${encodeURIComponent(f.match.person.id)}` }, `Open ${f.match.person.fullName}`)) : null,
            ),
          ),
        ),
      ),
    );
  }
  searchResult.replaceChildren(...parts);
}
