// The People view's page for one person: their photos, adding and deleting photos, moving some of them to someone
// else (or back to the faces to name), renaming, merging into another person, and deleting the person after a
// confirmation.

import { ADD_FACE, api, DELETE_FACE, DELETE_PERSON, MERGE_PEOPLE, MOVE_FACES, PERSON, RENAME } from '../api.js';
import { $, el, formatDate, plural, setBusy } from '../dom.js';
import { alertBox, errorBox, refuseTooLarge } from '../errors.js';
import { facePhoto } from '../face-photo.js';
import { request, upload } from '../graphql.js';
import { refreshHealth } from '../health.js';
import { createPicker } from '../picker.js';
import { nameArguments, personFromName } from './faces.js';
import { setPeopleNotice } from './people.js';

let current = null; // the person shown, with faces
let personSeq = 0;
let nextNotice = ''; // the line to show when the next person opens (e.g. who was merged into them)
const addFaceForm = $('#add-face-form');
const renameForm = $('#rename-form');
const moveForm = $('#move-faces-form');
const mergeForm = $('#merge-form');
const MOVE_HINT = 'Tick photos above to move them to someone else, or back to the faces to name.';
const addFacePicker = createPicker($('[data-picker=add-face]'));

function personNotice(text) {
  $('[data-testid=person-notice]').textContent = text;
}

/** #people/<id>: the person's page instead of the gallery. */
export async function openPerson(id, { focus = true } = {}) {
  $('#people-list-view').hidden = true;
  $('#person-view').hidden = false;
  $('[data-testid=person-error]').replaceChildren();
  if (current?.id !== id) {
    current = null;
    personNotice(nextNotice);
    $('[data-testid=person-name]').textContent = 'Loading…';
    $('[data-testid=person-meta]').textContent = '';
    $('[data-testid=person-photos]').replaceChildren();
    $('[data-testid=add-face-result]').replaceChildren();
    $('[data-testid=rename-result]').replaceChildren();
    $('[data-testid=move-result]').replaceChildren();
    $('[data-testid=merge-result]').replaceChildren();
    $('#move-name').value = '';
    $('#merge-name').value = '';
    addFacePicker.clear();
  }
  nextNotice = '';
  const seq = ++personSeq; // opening another person meanwhile makes this answer stale
  try {
    const { personById } = await api(() => request(PERSON, { id }));
    if (seq !== personSeq) return;
    if (!personById) {
      setPeopleNotice('That person is not in the gallery (any more).');
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
    $('[data-testid=person-photos]').replaceChildren(
      el('li', { class: 'empty', testid: 'no-photos' }, 'No photos are stored any more. Add one below so this person can be recognised again.'),
    );
    showMoveSelection();
    return;
  }
  $('[data-testid=person-photos]').replaceChildren(
    ...p.faces.map((f, i) =>
      el(
        'li',
        { testid: 'person-photo', 'data-image-id': f.imageId },
        el(
          'figure',
          { class: 'photo-card' },
          // A face kept by an import is stored as its crop (its box is in the photo it came from): no box over it.
          facePhoto(f.url, f.source === null ? [{ box: f.box, known: true }] : [], { alt: `Photo ${i + 1} of ${p.fullName}` }),
          el('figcaption', {}, `Added ${formatDate(f.createdAt)}`),
        ),
        // Ticked photos are what the "Move selected photos" form moves.
        el(
          'label',
          { class: 'check' },
          el('input', { type: 'checkbox', name: 'face', value: f.imageId, testid: 'select-face', onchange: showMoveSelection }),
          el('span', {}, 'Select', el('span', { class: 'visually-hidden' }, ` photo ${i + 1} of ${p.fullName}`)),
        ),
        el(
          'button',
          {
            type: 'button',
            class: 'secondary danger-text',
            testid: 'delete-face',
            'aria-label': `Delete photo ${i + 1} of ${p.fullName}`,
            onclick: (e) => deleteFace(f.imageId, e.currentTarget),
          },
          'Delete photo',
        ),
      ),
    ),
  );
  showMoveSelection();
}

/** The photos ticked for moving. */
function selectedFaces() {
  return [...document.querySelectorAll('[data-testid=person-photos] input[name=face]:checked')].map((c) => c.value);
}

function showMoveSelection() {
  const n = selectedFaces().length;
  $('[data-testid=move-selection]').textContent = n ? `${plural(n, 'photo')} selected.` : MOVE_HINT;
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
    out.replaceChildren(alertBox('Choose a photo first.'));
    addFacePicker.input.focus();
    return;
  }
  setBusy(addFaceForm, true);
  out.replaceChildren();
  try {
    refuseTooLarge(file);
    const personId = current.id;
    const { addFace: r } = await api(() => upload(ADD_FACE, { personId, file: null }, { file }));
    addFacePicker.clear();
    personNotice(
      `Photo added: ${plural(r.person.faceCount, 'photo')} of ${r.person.fullName}.` +
        (r.facesDetected > 1 ? ` The photo held ${r.facesDetected} faces; the main one was enrolled.` : '') +
        ` ${r.advice}`,
    );
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
    out.replaceChildren(alertBox('Type both the first name and the surname.'));
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

/** Moves the ticked photos: to the person `typed` names (someone in the gallery or a new name), or with null back to the faces to name. */
async function moveSelected(typed) {
  const out = $('[data-testid=move-result]');
  const imageIds = selectedFaces();
  if (!current) return;
  if (imageIds.length === 0) {
    out.replaceChildren(alertBox('Tick the photos to move first.'));
    $('[data-testid=person-photos] input[name=face]')?.focus();
    return;
  }
  setBusy(moveForm, true);
  $('[data-testid=move-unnamed]').disabled = true;
  out.replaceChildren();
  try {
    const personId = current.id;
    let vars = {};
    if (typed !== null) {
      const target = await personFromName(typed);
      const problem = target.problem ?? (target.personId === personId ? `These photos are ${current.fullName}'s already.` : null);
      if (problem) {
        out.replaceChildren(alertBox(problem));
        $('#move-name').focus();
        return;
      }
      vars = nameArguments(target);
    }
    const { moveFaces: r } = await api(() => request(MOVE_FACES, { imageIds, ...vars }));
    personNotice(
      r.person ? `${plural(r.moved, 'photo')} moved to ${r.person.fullName}.` : `${plural(r.moved, 'photo')} went back to the faces to name.`,
    );
    $('#move-name').value = '';
    refreshHealth();
    await openPerson(personId, { focus: false });
    $('[data-testid=person-name]').focus();
  } catch (err) {
    out.replaceChildren(errorBox(err));
  } finally {
    setBusy(moveForm, false);
    $('[data-testid=move-unnamed]').disabled = false;
  }
}

moveForm.addEventListener('submit', (e) => {
  e.preventDefault();
  moveSelected($('#move-name').value);
});
$('[data-testid=move-unnamed]').addEventListener('click', () => moveSelected(null));

mergeForm.addEventListener('submit', async (e) => {
  e.preventDefault();
  const out = $('[data-testid=merge-result]');
  if (!current) return;
  const source = current;
  setBusy(mergeForm, true);
  out.replaceChildren();
  try {
    const target = await personFromName($('#merge-name').value);
    const problem =
      target.problem ??
      (!target.personId
        ? `No one in the gallery is called “${$('#merge-name').value.trim()}”. Choose a name from the list.`
        : target.personId === source.id
          ? `That is ${source.fullName}; choose someone else.`
          : null);
    if (problem) {
      out.replaceChildren(alertBox(problem));
      $('#merge-name').focus();
      return;
    }
    const { mergePeople: merged } = await api(() => request(MERGE_PEOPLE, { sourceId: source.id, targetId: target.personId }));
    nextNotice = `${source.fullName} was merged into ${merged.fullName}: ${plural(merged.faceCount, 'photo')} now.`;
    current = null;
    refreshHealth();
    location.hash = `#people/${encodeURIComponent(merged.id)}`;
  } catch (err) {
    out.replaceChildren(errorBox(err));
  } finally {
    setBusy(mergeForm, false);
  }
});

$('[data-testid=person-back]').addEventListener('click', () => {
  location.hash = '#people';
});

$('[data-testid=person-delete]').addEventListener('click', () => {
  if (!current) return;
  const p = current;
  const dialog = $('#confirm-dialog');
  $('#confirm-title').textContent = `Delete ${p.fullName}?`;
  $('[data-testid=confirm-message]').textContent =
    `${p.fullName} and ${p.faceCount === 1 ? 'their photo' : `all ${p.faceCount} of their photos`} will be removed for good, with every face encoding. This cannot be undone.`;
  $('[data-testid=confirm-delete]').textContent = `Delete ${p.fullName}`;
  dialog.returnValue = '';
  dialog.addEventListener(
    'close',
    async () => {
      if (dialog.returnValue !== 'delete') {
        $('[data-testid=person-delete]').focus();
        return;
      }
      $('[data-testid=person-delete]').disabled = true;
      try {
        const { deletePerson } = await api(() => request(DELETE_PERSON, { id: p.id }));
        setPeopleNotice(`${p.fullName} was deleted, with ${plural(deletePerson.removedFaces, 'photo')}.`);
        current = null;
        refreshHealth();
        location.hash = '#people';
      } catch (err) {
        $('[data-testid=person-error]').replaceChildren(errorBox(err));
      } finally {
        $('[data-testid=person-delete]').disabled = false;
      }
    },
    { once: true },
  );
  dialog.showModal();
});
