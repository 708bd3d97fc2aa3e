// A folder of photos as an import reads it: every photo file under it (JPEG, PNG, WebP, BMP, GIF, TIFF), in a
// stable order, and the person a sub-folder is named after (`First_Last/` or `First Last/`, the LFW layout).
import fs from 'node:fs';
import path from 'node:path';
import { PHOTO_EXTENSIONS, extensionOf } from '../gallery/files.js';
import { GalleryError } from '../gallery/errors.js';
import { personName, type PersonName } from '../gallery/names.js';

/** Every photo file under each path given (a folder, walked, or a file), sorted within each folder; unreadable folders are reported. */
export function photoFiles(paths: string[], onError: (where: string, err: Error) => void = () => undefined): string[] {
  const out: string[] = [];
  const walk = (p: string): void => {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(p);
    } catch (err) {
      onError(p, err as Error);
      return;
    }
    if (stat.isFile()) {
      if ((PHOTO_EXTENSIONS as readonly string[]).includes(extensionOf(p))) out.push(p);
      return;
    }
    if (!stat.isDirectory()) return;
    let entries: string[];
    try {
      entries = fs.readdirSync(p).sort();
    } catch (err) {
      onError(p, err as Error);
      return;
    }
    // Hidden files and folders (.DS_Store, .thumbnails) are not photos to import.
    for (const e of entries) if (!e.startsWith('.')) walk(path.join(p, e));
  };
  for (const p of paths) walk(path.resolve(p));
  return out;
}

/**
 * The person a folder is named after: "First_Last" or "First Last" → first name "First", surname the rest
 * ("George_W_Bush" → George, "W Bush"). A folder of one word names nobody (BAD_USER_INPUT: both parts are needed).
 */
export function folderPerson(folder: string): PersonName {
  const name = path.basename(folder);
  const words = name.split(/[_\s]+/).filter(Boolean);
  if (words.length < 2) {
    throw new GalleryError('BAD_USER_INPUT', `The folder ${JSON.stringify(name)} does not name a person: name it First_Last (or "First Last")`);
  }
  return personName(words[0]!, words.slice(1).join(' '));
}
