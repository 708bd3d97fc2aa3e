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
