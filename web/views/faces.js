// The Faces to name view: the import (import.js), then the groups of unnamed faces it found, largest first, a page
// at a time, and what is done with them: a group named at once, or some of its faces named, ignored or deleted.
// Also the name fields' completion and the reading of a typed name, which the person page's move and merge share.

import { api, DELETE_FACES, FACE_GROUPS, IGNORE_FACES, MOVE_FACES, NAME_FACE_GROUP, PERSON_NAMES } from '../api.js';
import { $, el, plural } from '../dom.js';
import { alertBox, errorBox } from '../errors.js';
import { request, showStoredImage } from '../graphql.js';
import { refreshHealth } from '../health.js';
import { whenBatchDone } from './import.js';

/** The most groups one request lists (the API's limit on `first`). */
const MAX_PAGE = 100;
/** Groups per page: 20, or ?pageSize=n in the page's address (as for the People view). */
const PAGE_SIZE = (() => {
  const n = Number(new URLSearchParams(location.search).get('pageSize'));
  return Number.isInteger(n) && n > 0 && n <= MAX_PAGE ? n : 20;
})();
const EMPTY = 'No faces to name. Import photos to find the people in them.';

const groupList = $('[data-testid=face-groups]');
const moreButton = $('[data-testid=groups-more]');
/** The groups shown: the cursor after the last one, how many there are, and a sequence that drops stale answers. */
const groups = { after: null, shown: 0, seq: 0 };

/** #faces: the groups listed afresh, from the largest. */
export function openFaces() {
  groups.shown = 0;
  facesNotice();
  loadGroups();
}

whenBatchDone(() => {
  refreshHealth();
  loadGroups();
});

// ---------------------------------------------------------------- names typed in a field

const nameList = $('#person-names');
let namesSeq = 0;
let namesTimer = 0;

/** Fills the shared <datalist> with the people whose name holds what is typed, for any field that uses it. */
document.addEventListener('input', (e) => {
  if (!(e.target instanceof HTMLInputElement) || e.target.getAttribute('list') !== 'person-names') return;
  const typed = e.target.value.trim();
  clearTimeout(namesTimer);
  namesTimer = setTimeout(() => suggestNames(typed), 200);
});

async function suggestNames(typed) {
  const seq = ++namesSeq; // a later keystroke makes an older answer stale
  if (!typed) {
    nameList.replaceChildren();
    return;
  }
  try {
    const { people } = await api(() => request(PERSON_NAMES, { name: typed, first: 10 }));
    if (seq === namesSeq) nameList.replaceChildren(...people.nodes.map((p) => el('option', { value: p.fullName })));
  } catch {
    // Suggestions only help: the field works without them, and the action that uses the name reports errors.
  }
}

/**
 * The person a typed name means: someone in the gallery with exactly that name (any case), else a new name, its
 * first word the first name and the rest the surname. `{ problem }` holds the words to show instead when the name
 * is empty, or a single word that is no one's name.
 */
export async function personFromName(typed) {
  const name = typed.trim().replace(/\s+/g, ' ');
  if (!name) return { problem: "Type the person's first name and surname first." };
  const { people } = await api(() => request(PERSON_NAMES, { name, first: MAX_PAGE }));
  const same = people.nodes.find((p) => p.fullName.toLowerCase() === name.toLowerCase());
  if (same) return { personId: same.id, fullName: same.fullName };
  const [firstName, ...rest] = name.split(' ');
  if (rest.length === 0) return { problem: `Type both the first name and the surname, such as “${name} Smith”, or choose someone from the list.` };
  return { firstName, surName: rest.join(' ') };
}

/** The arguments that name a person in nameFaceGroup and moveFaces: their id, or a name. */
export const nameArguments = (target) => (target.personId ? { personId: target.personId } : { firstName: target.firstName, surName: target.surName });

/** Confirms deleting faces in the page's confirmation dialog; resolves to true when the user chose to delete. */
export function confirmDeleteFaces(count, what = 'selected face') {
  const dialog = $('#confirm-dialog');
  $('#confirm-title').textContent = `Delete ${plural(count, 'face')}?`;
  $('[data-testid=confirm-message]').textContent =
    `${count === 1 ? `The ${what}` : `The ${count} ${what}s`} will be removed for good, with ${count === 1 ? 'its' : 'their'} face encoding${count === 1 ? '' : 's'}. This cannot be undone.`;
  $('[data-testid=confirm-delete]').textContent = `Delete ${plural(count, 'face')}`;
  dialog.returnValue = '';
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'delete'), { once: true });
    dialog.showModal();
  });
}

// ---------------------------------------------------------------- the groups

function facesNotice(...parts) {
  $('[data-testid=faces-notice]').replaceChildren(...parts);
}

/** Lists the groups again (as many as were shown), or with `more` the next page after them; then focuses a group. */
async function loadGroups({ more = false, focusAt = null } = {}) {
  const seq = ++groups.seq;
  groupList.setAttribute('aria-busy', 'true');
  moreButton.disabled = true;
  $('[data-testid=groups-error]').replaceChildren();
  try {
    const first = more ? PAGE_SIZE : Math.min(MAX_PAGE, Math.max(PAGE_SIZE, groups.shown));
    const { faceGroups } = await api(() => request(FACE_GROUPS, { first, after: more ? groups.after : null }));
    if (seq !== groups.seq) return;
    renderGroups(faceGroups, more);
    if (focusAt !== null) {
      const heading = groupList.querySelectorAll('[data-testid=group-title]')[focusAt] ?? $('#groups-title');
      heading.focus();
    }
  } catch (err) {
    if (seq === groups.seq) $('[data-testid=groups-error]').replaceChildren(errorBox(err));
  } finally {
    if (seq === groups.seq) {
      groupList.setAttribute('aria-busy', 'false');
      moreButton.disabled = false;
    }
  }
}

function renderGroups({ nodes, totalCount, pageInfo }, more) {
  const start = more ? groups.shown : 0;
  const cards = nodes.map((g, i) => groupCard(g, start + i));
  if (more) groupList.append(...cards);
  else groupList.replaceChildren(...cards);
  groups.shown = start + nodes.length;
  groups.after = pageInfo.endCursor;
  moreButton.hidden = !pageInfo.hasNextPage;
  if (totalCount === 0) groupList.replaceChildren(el('li', { class: 'empty', testid: 'groups-empty' }, EMPTY));
  $('[data-testid=groups-count]').textContent =
    totalCount === 0 ? '' : `${plural(totalCount, 'group')} of faces to name${groups.shown < totalCount ? ` · ${groups.shown} shown` : ''}`;
}

/** One group: its faces (toggle buttons that select them), its size, the name field and the actions. */
function groupCard(g, index) {
  const selected = new Set();
  const titleId = `group-${index}-title`;
  const nameId = `group-${index}-name`;
  const out = el('div', { class: 'result', testid: 'group-result', 'aria-live': 'polite' });
  const input = el('input', { id: nameId, name: 'name', list: 'person-names', autocomplete: 'off', spellcheck: 'false', testid: 'group-name' });
  const selection = el('p', { class: 'hint selection', testid: 'group-selection', 'aria-live': 'polite' });
  const selectedButtons = [
    el('button', { type: 'button', class: 'secondary', testid: 'name-selected', onclick: () => nameFaces([...selected]) }, 'Name selected'),
    el(
      'button',
      { type: 'button', class: 'secondary', testid: 'ignore-selected', onclick: () => ignoreFaces({ imageIds: [...selected] }) },
      'Ignore selected',
    ),
    el(
      'button',
      { type: 'button', class: 'secondary danger-text', testid: 'delete-selected', onclick: (e) => deleteFaces([...selected], e.currentTarget) },
      'Delete selected…',
    ),
  ];

  const showSelection = () => {
    selection.textContent = selected.size
      ? `${selected.size} of ${plural(g.size, 'face')} selected.`
      : 'Select faces to name, ignore or delete only those.';
    for (const b of selectedButtons) b.disabled = selected.size === 0;
  };

  const toggles = g.faces.map((f, i) =>
    el(
      'li',
      {},
      el(
        'button',
        {
          type: 'button',
          class: 'face-toggle',
          'aria-pressed': 'false',
          testid: 'group-face',
          'data-image-id': f.imageId,
          onclick: (e) => {
            const on = e.currentTarget.getAttribute('aria-pressed') !== 'true';
            e.currentTarget.setAttribute('aria-pressed', String(on));
            if (on) selected.add(f.imageId);
            else selected.delete(f.imageId);
            showSelection();
          },
        },
        showStoredImage(el('img', { alt: `Face ${i + 1}${f.source ? ` from ${f.source}` : ''}`, width: 96, height: 96 }), f.cropUrl),
      ),
    ),
  );

  /** Runs an action with the card busy; `work()` returns the notice to show, or null when it refused to send. */
  async function act(work) {
    facesNotice(); // the last action's notice goes, so the next one is heard as new
    out.replaceChildren();
    card.setAttribute('aria-busy', 'true');
    const buttons = [...card.querySelectorAll('button')];
    const wasDisabled = buttons.map((b) => b.disabled);
    buttons.forEach((b) => (b.disabled = true));
    try {
      const notice = await work();
      if (notice === null) return;
      facesNotice(...notice);
      refreshHealth();
      await loadGroups({ focusAt: index });
    } catch (err) {
      out.replaceChildren(errorBox(err));
    } finally {
      card.setAttribute('aria-busy', 'false');
      buttons.forEach((b, i) => (b.disabled = wasDisabled[i]));
    }
  }

  /** The whole group (imageIds null), or the selected faces, named as the person typed. */
  function nameFaces(imageIds) {
    return act(async () => {
      const target = await personFromName(input.value);
      if (target.problem) {
        out.replaceChildren(alertBox(target.problem));
        input.focus();
        return null;
      }
      let person;
      let count;
      if (imageIds) {
        const { moveFaces } = await api(() => request(MOVE_FACES, { imageIds, ...nameArguments(target) }));
        person = moveFaces.person;
        count = moveFaces.moved;
      } else {
        person = (await api(() => request(NAME_FACE_GROUP, { groupId: g.id, ...nameArguments(target) }))).nameFaceGroup;
        count = g.size;
      }
      return [
        `${plural(count, 'face')} named ${person.fullName}. `,
        el('a', { href: `#people/${encodeURIComponent(person.id)}`, testid: 'faces-notice-person' }, `See ${person.fullName}'s photos`),
      ];
    });
  }

  function ignoreFaces(vars) {
    return act(async () => {
      const { ignoreFaces: r } = await api(() => request(IGNORE_FACES, vars));
      return [`${plural(r.ignored, 'face')} ignored: ${r.ignored === 1 ? 'it is' : 'they are'} not suggested again.`];
    });
  }

  async function deleteFaces(imageIds, button) {
    const sure = await confirmDeleteFaces(imageIds.length);
    if (!sure) {
      button.focus();
      return;
    }
    await act(async () => {
      const { deleteFaces: r } = await api(() => request(DELETE_FACES, { imageIds }));
      return [`${plural(r.removedFaces, 'face')} deleted.`];
    });
  }

  const card = el(
    'li',
    { class: 'card group', testid: 'face-group', 'data-group-id': g.id, 'aria-labelledby': titleId },
    el('h4', { id: titleId, tabindex: '-1', testid: 'group-title' }, `Group ${index + 1}: ${plural(g.size, 'face')}`),
    el('ul', { class: 'crops', 'aria-label': `Faces in group ${index + 1}` }, toggles),
    g.size > g.faces.length
      ? el('p', { class: 'hint' }, `${g.faces.length} of the ${g.size} faces are shown; naming the group names them all.`)
      : null,
    el(
      'form',
      {
        class: 'name-form',
        novalidate: true,
        onsubmit: (e) => {
          e.preventDefault();
          nameFaces(null);
        },
      },
      el(
        'div',
        { class: 'row fields' },
        el(
          'div',
          { class: 'field' },
          el('label', { for: nameId }, 'Who is this? ', el('span', { class: 'hint' }, '(first name and surname)')),
          input,
        ),
      ),
      el(
        'div',
        { class: 'row' },
        el('button', { type: 'submit', testid: 'group-name-submit' }, 'Name'),
        el(
          'button',
          { type: 'button', class: 'secondary', testid: 'group-ignore', onclick: () => ignoreFaces({ groupId: g.id }) },
          'Not a person to name',
        ),
      ),
      selection,
      el('div', { class: 'row selected-actions' }, selectedButtons),
    ),
    out,
  );
  showSelection();
  return card;
}

moreButton.addEventListener('click', () => loadGroups({ more: true, focusAt: groups.shown }));
