// Photos with their faces marked: boxes and names over a photo, a face cut out of a photo, and the
// local previews of the files a user chose.

import { el } from './dom.js';
import { showStoredImage } from './graphql.js';

/**
 * A photo with boxes over its faces. Boxes come in image pixels; they are placed in percent of the
 * image's natural size, so they follow the photo at any displayed size.
 * faces: [{ box, label?, known? }]
 */
export function facePhoto(src, faces, { alt = '', testid = 'face-photo', removeIfBroken = null } = {}) {
  const frame = el('div', { class: 'face-photo', testid });
  const img = el('img', { alt });
  // The service's photos are fetched with the API key; the user's own files (blob: URLs) are shown as they are.
  if (src?.startsWith('/')) showStoredImage(img, src);
  else img.src = src ?? '';
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
  img.addEventListener(
    'error',
    () => {
      if (removeIfBroken) {
        removeIfBroken.remove(); // e.g. a file that is not an image: nothing worth showing
        return;
      }
      frame.classList.add('broken');
      frame.append(el('p', { class: 'hint' }, 'The photo could not be shown.'));
    },
    { once: true },
  );
  return frame;
}

/** The user's own photo in a card, without face boxes; the card goes away if the file is no image. */
export function chosenPhotoCard(src, { alt, testid, caption }) {
  const card = el('figure', { class: 'photo-card' });
  card.append(facePhoto(src, [], { alt, testid, removeIfBroken: card }), el('figcaption', {}, caption));
  return card;
}

/** The face cut out of a photo, for showing next to the stored photo it matched. */
export function faceCrop(src, box, size = 112) {
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
export function localUrl(slot, file) {
  const old = objectUrls.get(slot);
  if (old) URL.revokeObjectURL(old);
  const url = URL.createObjectURL(file);
  objectUrls.set(slot, url);
  return url;
}
