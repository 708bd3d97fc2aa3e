// Whether an image file is whole. Decoders fill a cut-off JPEG or PNG with grey and say nothing, so a photo cut
// short in transit would be stored as it is; the file's own structure says where it should end.

/** JPEG: the segments from SOI, then each scan's entropy-coded data, must lead to an EOI marker (FF D9). */
function jpegIsComplete(b: Buffer): boolean {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return false;
  let i = 2;
  while (i + 1 < b.length) {
    if (b[i] !== 0xff) return false;
    const marker = b[i + 1];
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    if (marker === 0xd9) return true; // EOI
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2; // markers without a length
      continue;
    }
    if (i + 3 >= b.length) return false;
    const length = b.readUInt16BE(i + 2);
    i += 2 + length;
    if (marker !== 0xda) continue;
    // Start of scan: skip the entropy-coded data up to the next marker that is not stuffing (FF 00) or a restart.
    for (;;) {
      const ff = b.indexOf(0xff, i);
      if (ff < 0 || ff + 1 >= b.length) return false;
      const next = b[ff + 1];
      if (next === 0x00 || (next >= 0xd0 && next <= 0xd7) || next === 0xff) {
        i = ff + (next === 0xff ? 1 : 2);
        continue;
      }
      i = ff;
      break;
    }
  }
  return false;
}

/** PNG: chunk after chunk from the signature must reach IEND. */
function pngIsComplete(b: Buffer): boolean {
  let i = 8;
  while (i + 8 <= b.length) {
    const length = b.readUInt32BE(i);
    const type = b.toString('latin1', i + 4, i + 8);
    i += 12 + length;
    if (i > b.length) return false;
    if (type === 'IEND') return true;
  }
  return false;
}

/** False when the file's structure shows it was cut short; formats without such a check count as whole. */
export function imageIsComplete(bytes: Buffer, format: string): boolean {
  if (format === 'jpeg') return jpegIsComplete(bytes);
  if (format === 'png') return pngIsComplete(bytes);
  return true;
}
