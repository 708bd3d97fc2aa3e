// The line under the page's title (people, photos, tolerance), and the defaults and limits the
// Search and Video forms show, from the service's `health` answer.

import { loadHealth } from './api.js';
import { $, durationWords, plural } from './dom.js';
import { plainError } from './errors.js';

export async function refreshHealth() {
  try {
    const health = await loadHealth();
    $('[data-testid=health]').textContent =
      `${plural(health.people, 'person', 'people')} · ${plural(health.faces, 'photo')} · tolerance ${health.tolerance}`;
    $('#search-tolerance').placeholder = String(health.tolerance);
    $('#video-tolerance').placeholder = String(health.tolerance);
    $('[data-testid=video-limits]').textContent = `Videos can be up to ${health.maxVideoMb} MB and ${durationWords(health.videoMaxSeconds)} long.`;
  } catch (err) {
    $('[data-testid=health]').textContent = plainError(err).main;
  }
}
