// The API-key dialog: asks for the key when the server answers UNAUTHENTICATED, and the footer line
// that says a key is kept for this tab, with its "Forget the key" button.

import { getApiKey, setApiKey } from './graphql.js';
import { $ } from './dom.js';

let keyPrompt = null;

/** Asks for the key; every request waiting meanwhile shares the one dialog. Resolves to the key, or null. */
export function askForKey(rejected) {
  if (keyPrompt) return keyPrompt;
  const dialog = $('#key-dialog');
  const input = $('#key-input');
  $('[data-testid=key-message]').textContent = rejected
    ? 'The server did not accept that API key. Check it and try again.'
    : 'This server needs an API key. It is kept only for this browser tab.';
  input.value = '';
  dialog.returnValue = '';
  keyPrompt = new Promise((resolve) => {
    dialog.addEventListener(
      'close',
      () => {
        const key = dialog.returnValue === 'ok' ? input.value.trim() : '';
        if (key) setApiKey(key);
        resolve(key || null);
      },
      { once: true },
    );
    dialog.showModal();
    input.focus();
  }).finally(() => {
    keyPrompt = null;
    showKeyStatus();
  });
  return keyPrompt;
}

export function showKeyStatus() {
  $('[data-testid=key-status]').hidden = !getApiKey();
}

/** Wires the dialog's Cancel and the footer's Forget button; `onForget` runs once the key is gone. */
export function setUpKeyDialog({ onForget }) {
  $('[data-testid=key-cancel]').addEventListener('click', () => $('#key-dialog').close('cancel'));
  $('[data-testid=key-forget]').addEventListener('click', () => {
    setApiKey('');
    showKeyStatus();
    onForget();
  });
}
