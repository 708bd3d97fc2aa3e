// Hand-built image bytes for the face core's tests: headers that lie about their size (decompression bombs)
// and real files patched to claim another size. Each is a few dozen bytes.
import zlib from 'node:zlib';

function pngChunk(kind: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(kind, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body) >>> 0);
  return Buffer.concat([length, body, crc]);
}

/** A well-formed PNG (signature, IHDR, one tiny IDAT, IEND) whose header claims width × height 8-bit RGB pixels. */
export function pngClaiming(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit, colour type 2 (RGB), deflate, no filter, no interlace
  return Buffer.concat([
    Buffer.from('89504e470d0a1a0a', 'hex'),
    pngChunk('IHDR', ihdr),
    // The pixel data of a tiny image is all there; a large claim gets a few rows' worth (a decoder must not get that far).
    pngChunk('IDAT', zlib.deflateSync(Buffer.alloc(Math.min(height * (1 + 3 * width), 4096)))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * A GIF89a with a 2-colour global palette and one frame: the logical screen claims screenWidth × screenHeight,
 * the frame claims frameWidth × frameHeight but holds the pixels of a 1×1 image.
 */
export function gifClaiming(screenWidth: number, screenHeight: number, frameWidth = 1, frameHeight = 1): Buffer {
  const b = Buffer.alloc(13);
  b.write('GIF89a', 0, 'latin1');
  b.writeUInt16LE(screenWidth, 6);
  b.writeUInt16LE(screenHeight, 8);
  b[10] = 0x80; // global colour table of 2 entries
  const descriptor = Buffer.alloc(10);
  descriptor[0] = 0x2c;
  descriptor.writeUInt16LE(frameWidth, 5);
  descriptor.writeUInt16LE(frameHeight, 7);
  return Buffer.concat([
    b,
    Buffer.from([0, 0, 0, 255, 255, 255]), // palette: black, white
    descriptor,
    Buffer.from([0x02, 0x02, 0x4c, 0x01, 0x00]), // LZW minimum code size 2, one sub-block: clear, index 1, end
    Buffer.from([0x3b]), // trailer
  ]);
}

/** Offset of the first start-of-frame marker (SOF0..SOF15 except DHT, JPG, DAC) in a JPEG. */
export function jpegFrameOffset(jpeg: Buffer): number {
  let i = 2;
  while (i + 4 < jpeg.length) {
    if (jpeg[i] !== 0xff) throw new Error(`not a marker at ${i}`);
    const marker = jpeg[i + 1]!;
    if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) return i;
    i += 2 + jpeg.readUInt16BE(i + 2);
  }
  throw new Error('no start-of-frame marker');
}

/** A copy of a real JPEG whose frame header claims width × height. */
export function jpegClaiming(jpeg: Buffer, width: number, height: number): Buffer {
  const copy = Buffer.from(jpeg);
  const sof = jpegFrameOffset(copy);
  copy.writeUInt16BE(height, sof + 5);
  copy.writeUInt16BE(width, sof + 7);
  return copy;
}

/**
 * An uncompressed 8-bit grey TIFF of width × height (a horizontal ramp), whose first directory lists the size tags
 * twice: first the true size, then again as laterWidth × laterHeight. libtiff ignores a repeated tag (it keeps
 * the first); a header check must not believe the second.
 */
export function tiffWithRepeatedSize(width: number, height: number, laterWidth: number, laterHeight: number): Buffer {
  const SHORT = 3;
  const LONG = 4;
  const entries: [number, number, number][] = [
    [256, LONG, width], // ImageWidth
    [257, LONG, height], // ImageLength
    [258, SHORT, 8], // BitsPerSample
    [259, SHORT, 1], // Compression: none
    [262, SHORT, 1], // PhotometricInterpretation: BlackIsZero
    [273, LONG, 0], // StripOffsets (set below)
    [277, SHORT, 1], // SamplesPerPixel
    [278, LONG, height], // RowsPerStrip
    [279, LONG, width * height], // StripByteCounts
    [256, LONG, laterWidth],
    [257, LONG, laterHeight],
  ];
  const ifdSize = 2 + entries.length * 12 + 4;
  const dataOffset = 8 + ifdSize;
  const out = Buffer.alloc(dataOffset + width * height);
  out.write('II*\0', 0, 'latin1');
  out.writeUInt32LE(8, 4);
  out.writeUInt16LE(entries.length, 8);
  entries.forEach(([tag, type, value], i) => {
    const at = 10 + i * 12;
    out.writeUInt16LE(tag, at);
    out.writeUInt16LE(type, at + 2);
    out.writeUInt32LE(1, at + 4);
    if (type === SHORT) out.writeUInt16LE(value, at + 8);
    else out.writeUInt32LE(tag === 273 ? dataOffset : value, at + 8);
  });
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) out[dataOffset + y * width + x] = Math.round((255 * x) / Math.max(1, width - 1));
  return out;
}

/**
 * A real JPEG rebuilt so that its true frame header (width × height, read by libjpeg) hides behind a stuffed-zero
 * pair FF 00 right after SOI, and a decoy frame header claiming decoyWidth × decoyHeight sits inside an APP1
 * segment. libjpeg discards FF 00 and the bytes after it as garbage, reads the true frame, and skips APP1 whole;
 * a header reader that takes FF 00 for a marker with a length field lands on the decoy.
 */
export function jpegWithDecoyFrame(jpeg: Buffer, width: number, height: number, decoyWidth: number, decoyHeight: number): Buffer {
  const sof = jpegFrameOffset(jpeg);
  const sofLength = 2 + jpeg.readUInt16BE(sof + 2);
  const frame = Buffer.from(jpeg.subarray(sof, sof + sofLength));
  frame.writeUInt16BE(height, 5);
  frame.writeUInt16BE(width, 7);
  const decoy = Buffer.from(frame);
  decoy.writeUInt16BE(decoyHeight, 5);
  decoy.writeUInt16BE(decoyWidth, 7);
  const skip = 6 + frame.length; // from the "length" after FF 00 to the decoy inside APP1
  return Buffer.concat([
    Buffer.from([0xff, 0xd8, 0xff, 0x00, skip >> 8, skip & 0xff]),
    frame,
    Buffer.from([0xff, 0xe1, 0, 2 + decoy.length]),
    decoy,
    jpeg.subarray(2, sof), // the rest of the real JPEG without its SOI and its frame header
    jpeg.subarray(sof + sofLength),
  ]);
}
