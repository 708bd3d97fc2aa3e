// Hash routes and the view tabs: #enrol, #search, #people, #people/<id>, #video, #video/<job id>, #faces;
// the back button works between them. The tabs follow the WAI-ARIA tabs pattern.

import { $ } from './dom.js';

const VIEWS = ['enrol', 'search', 'people', 'video', 'faces'];
const tabs = [...document.querySelectorAll('[role=tab]')];

/**
 * Shows the view the address names, now and on every change of it.
 * `onShow(name)` runs whenever a view is shown (before it is opened); `open[name](id)` opens a view
 * with its part of the route (a person's or a job's id, or null).
 */
export function startRouter({ onShow, open }) {
  function showView(name) {
    for (const tab of tabs) {
      const selected = tab.dataset.view === name;
      tab.setAttribute('aria-selected', String(selected));
      tab.tabIndex = selected ? 0 : -1;
      $(`#${tab.getAttribute('aria-controls')}`).hidden = !selected;
    }
    onShow(name);
  }

  function route() {
    const [view, id] = location.hash.replace(/^#\/?/, '').split('/');
    const name = VIEWS.includes(view) ? view : 'enrol';
    showView(name);
    open[name]?.(id ? decodeURIComponent(id) : null);
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
  route();
}
