// Photo and video pickers: a file input whose label is also a drop zone, and for photos a webcam
// that takes the picture. Each `.picker` in index.html is wired by createPicker().

import { $, el } from './dom.js';

/**
 * The webcam controls, the same in every picker that has a `[data-role=camera]` box. Constant markup
 * (no data in it), laid out as it would stand in index.html.
 */
const CAMERA_CONTROLS = `
            <button type="button" class="secondary" data-role="camera-start" hidden>Use the webcam</button>
            <div class="camera-panel" data-role="camera-panel" hidden>
              <video data-role="camera-video" playsinline muted aria-label="Webcam preview"></video>
              <div class="row">
                <button type="button" data-role="camera-take">Take photo</button>
                <button type="button" class="secondary" data-role="camera-stop">Close webcam</button>
              </div>
            </div>
            <p class="error" data-role="camera-error" role="alert" hidden></p>
          `;

const pickers = [];

/** Turns every webcam off: a camera left running in a hidden view would stay lit. */
export function stopAllCameras() {
  pickers.forEach((p) => p.stopCamera());
}

/** Wires a `.picker`: the file input, its label as a drop zone, and the webcam where the browser has one. */
export function createPicker(root, onFile) {
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
  input.addEventListener('click', () => {
    input.value = '';
  });
  input.addEventListener('change', () => {
    if (input.files?.[0]) set(input.files[0]);
  });

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
    camera.innerHTML = CAMERA_CONTROLS;
    const start = $('[data-role=camera-start]', camera);
    const panel = $('[data-role=camera-panel]', camera);
    const video = $('video', camera);
    video.muted = true; // as when the parser reads the muted attribute from a page's markup
    const error = $('[data-role=camera-error]', camera);
    start.hidden = !navigator.mediaDevices?.getUserMedia;
    start.addEventListener('click', async () => {
      error.hidden = true;
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'user' }, audio: false });
      } catch (err) {
        error.textContent =
          err?.name === 'NotAllowedError'
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
    get file() {
      return file;
    },
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
