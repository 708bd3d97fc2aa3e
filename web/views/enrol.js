// The Enrol view: a photo and a name make a person, or add the photo to the person of that name.

import { ADD_PERSON, api } from '../api.js';
import { upload } from '../graphql.js';
import { $, el, plural, setBusy } from '../dom.js';
import { alertBox, errorBox, refuseTooLarge } from '../errors.js';
import { chosenPhotoCard, facePhoto, localUrl } from '../face-photo.js';
import { refreshHealth } from '../health.js';
import { createPicker } from '../picker.js';

const enrolForm = $('#enrol-form');
const enrolResult = $('#enrol-result');
const enrolPicker = createPicker($('[data-picker=enrol]'), (file) => {
  if (!file) return;
  enrolResult.replaceChildren(
    chosenPhotoCard(localUrl('enrol', file), { alt: 'The photo to enrol', testid: 'enrol-photo', caption: 'The photo to enrol' }),
  );
});

enrolForm.addEventListener('submit', async (e) => {
  e.preventDefault();
  const file = enrolPicker.file;
  const firstName = $('#enrol-first').value.trim();
  const surName = $('#enrol-sur').value.trim();
  const problem = !file ? 'Choose a photo first.' : !firstName || !surName ? 'Type both the first name and the surname.' : null;
  if (problem) {
    enrolResult.replaceChildren(alertBox(problem));
    (!file ? enrolPicker.input : !firstName ? $('#enrol-first') : $('#enrol-sur')).focus();
    return;
  }
  const src = localUrl('enrol', file);
  setBusy(enrolForm, true);
  enrolResult.setAttribute('aria-busy', 'true');
  try {
    refuseTooLarge(file);
    const { addPerson: r } = await api(() => upload(ADD_PERSON, { file: null, firstName, surName }, { file }));
    const name = r.person.fullName;
    enrolResult.replaceChildren(
      el(
        'div',
        { class: 'message success', testid: 'enrol-message' },
        el('p', {}, r.createdPerson ? `Enrolled ${name}.` : `${name} was already enrolled; this photo was added to them.`),
        el(
          'p',
          { class: 'detail' },
          `${plural(r.person.faceCount, 'photo')} stored.` +
            (r.facesDetected > 1 ? ` The photo held ${r.facesDetected} faces; the main one was enrolled.` : ''),
        ),
        el('p', { class: 'detail', testid: 'enrol-advice' }, r.advice),
        el('p', {}, el('a', { href: `#people/${encodeURIComponent(r.person.id)}`, testid: 'enrol-open-person' }, `See ${name}'s photos`)),
      ),
      el(
        'figure',
        { class: 'photo-card' },
        facePhoto(src, [{ box: r.face.box, label: name, known: true }], { alt: `Photo of ${name}`, testid: 'enrol-photo' }),
        el('figcaption', {}, 'The face that was enrolled'),
      ),
    );
    enrolForm.reset();
    enrolPicker.clear();
    refreshHealth();
  } catch (err) {
    enrolResult.replaceChildren(
      errorBox(err),
      chosenPhotoCard(src, { alt: 'The photo that was sent', testid: 'enrol-photo', caption: 'The photo that was sent' }),
    );
  } finally {
    setBusy(enrolForm, false);
    enrolResult.setAttribute('aria-busy', 'false');
  }
});
