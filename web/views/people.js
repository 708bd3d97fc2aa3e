// The People view's gallery: everyone enrolled, a page at a time, filtered by name as the user types.

import { api, PEOPLE } from '../api.js';
import { $, el, plural } from '../dom.js';
import { errorBox } from '../errors.js';
import { request, showStoredImage } from '../graphql.js';

const pageSize = (() => {
  const n = Number(new URLSearchParams(location.search).get('pageSize'));
  return Number.isInteger(n) && n > 0 && n <= 100 ? n : 12;
})();
const gallery = { name: '', cursors: [null], page: 0, seq: 0, notice: '' };
const peopleList = $('[data-testid=people-list]');

/** A line to show above the gallery the next time it loads (e.g. who was just deleted). */
export function setPeopleNotice(text) {
  gallery.notice = text;
}

/** #people: the gallery instead of one person, loaded afresh. */
export function showPeopleList() {
  $('#person-view').hidden = true;
  $('#people-list-view').hidden = false;
  loadPeople();
}

async function loadPeople() {
  const seq = ++gallery.seq;
  peopleList.setAttribute('aria-busy', 'true');
  $('[data-testid=people-error]').replaceChildren();
  $('[data-testid=people-notice]').textContent = gallery.notice;
  gallery.notice = '';
  try {
    const { people } = await api(() =>
      request(PEOPLE, {
        name: gallery.name || null,
        first: pageSize,
        after: gallery.cursors[gallery.page],
      }),
    );
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
  $('[data-testid=people-count]').textContent =
    totalCount === 0
      ? name
        ? `No one matches “${name}”.`
        : 'No one is enrolled yet. Enrol someone first.'
      : `${plural(totalCount, 'person', 'people')}${name ? ` matching “${name}”` : ''}`;
  peopleList.replaceChildren(
    ...nodes.map((p) =>
      el(
        'li',
        {},
        el(
          'a',
          { class: 'person-card', href: `#people/${encodeURIComponent(p.id)}`, testid: 'person-card', 'data-person-id': p.id },
          p.photoUrl ? showStoredImage(el('img', { alt: '', loading: 'lazy' }), p.photoUrl) : el('span', { class: 'no-photo' }, 'No photo'),
          el('span', { class: 'name', testid: 'person-card-name' }, p.fullName),
          el('span', { class: 'meta' }, plural(p.faceCount, 'photo')),
        ),
      ),
    ),
  );
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
