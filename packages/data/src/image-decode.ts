import { inflateSync } from 'node:zlib';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { DataSourceError } from './data-source-error.js';

/** The image formats read from folders (pngjs and jpeg-js: pure JavaScript, no native code, no install step). */
export type ImageFormat = 'png' | 'jpeg';

/** What an image's header says, read before decoding so that sizes can be checked first. */
export interface ImageHeader {
  format: ImageFormat;
  width: number;
  height: number;
  /** 1 for gray (with or without alpha), 3 for colour. */
  channels: 1 | 3;
  alpha: boolean;
  interlaced: boolean;
}

const pngSignature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export function imageFormatOf(bytes: Uint8Array): ImageFormat | undefined {
  if (pngSignature.every((b, i) => bytes[i] === b)) return 'png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  return undefined;
}

/** Reads width, height and colour model from a PNG IHDR or a JPEG SOF segment; undefined when `bytes` end before it. */
export function imageHeader(bytes: Uint8Array, path: string): ImageHeader | undefined {
  const format = imageFormatOf(bytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (format === 'png') {
    if (bytes.length < 29) return undefined;
    if (String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') throw new DataSourceError(path, 'is a corrupt PNG (no IHDR header chunk)');
    const colorType = bytes[25]!;
    if (![0, 2, 3, 4, 6].includes(colorType)) throw new DataSourceError(path, `is a corrupt PNG (colour type ${colorType})`);
    return { format, width: view.getUint32(16), height: view.getUint32(20), channels: colorType === 0 || colorType === 4 ? 1 : 3, alpha: colorType === 4 || colorType === 6, interlaced: bytes[28] === 1 };
  }
  if (format === 'jpeg') {
    let i = 2;
    while (i + 4 <= bytes.length) {
      if (bytes[i] !== 0xff) throw new DataSourceError(path, `is a corrupt JPEG (no marker at byte ${i})`);
      const marker = bytes[i + 1]!;
      if (marker === 0xff) {
        i++;
        continue;
      }
      if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
        i += 2;
        continue;
      }
      if (marker === 0xda || marker === 0xd9) throw new DataSourceError(path, 'is a corrupt JPEG (image data before the frame header)');
      const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
      if (isFrame) {
        if (i + 10 > bytes.length) return undefined;
        const components = bytes[i + 9]!;
        return { format, width: view.getUint16(i + 7), height: view.getUint16(i + 5), channels: components === 1 ? 1 : 3, alpha: false, interlaced: false };
      }
      i += 2 + view.getUint16(i + 2);
    }
    return undefined;
  }
  throw new DataSourceError(path, 'is neither a PNG nor a JPEG (unknown signature)');
}

/** A decoded image: 8-bit pixels, `channels` per pixel (alpha dropped), row-major. */
export interface DecodedImage {
  width: number;
  height: number;
  channels: 1 | 3;
  pixels: Uint8Array;
  /** The file had an alpha channel, which was dropped (not composited). */
  droppedAlpha: boolean;
}

/** Decodes a PNG (16-bit scaled to 8) or baseline/progressive JPEG; refuses images over `maxPixels` before decoding. */
export function decodeImage(bytes: Uint8Array, path: string, maxPixels: number): DecodedImage {
  const header = imageHeader(bytes, path);
  if (header === undefined) throw new DataSourceError(path, 'is truncated before its image header');
  const { width, height } = header;
  if (width === 0 || height === 0) throw new DataSourceError(path, `declares a ${width}×${height} image`);
  if (width * height > maxPixels) throw new DataSourceError(path, `declares ${width}×${height} pixels, more than the ${maxPixels}-pixel limit; refused before decoding`);
  let rgba: Uint8Array;
  try {
    if (header.format === 'png') {
      if (header.interlaced) checkInterlacedPngSize(bytes, width, height, path);
      rgba = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)).data;
    } else {
      rgba = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: maxPixels / 1e6, maxMemoryUsageInMB: Math.max(64, (maxPixels * 16) / 2 ** 20) }).data;
    }
  } catch (error) {
    if (error instanceof DataSourceError) throw error;
    throw new DataSourceError(path, `is a corrupt or truncated ${header.format.toUpperCase()}: ${(error as Error).message}`);
  }
  if (rgba.length !== width * height * 4) throw new DataSourceError(path, `decoded to ${rgba.length} bytes, not ${width}×${height} RGBA (corrupt ${header.format})`);
  const pixels = new Uint8Array(width * height * header.channels);
  for (let p = 0; p < width * height; p++) {
    if (header.channels === 1) pixels[p] = rgba[4 * p]!;
    else for (let ch = 0; ch < 3; ch++) pixels[3 * p + ch] = rgba[4 * p + ch]!;
  }
  return { width, height, channels: header.channels, pixels, droppedAlpha: header.alpha };
}

/** pngjs inflates interlaced PNGs without a size limit: inflate them once here with one, so that a bomb stops early. */
function checkInterlacedPngSize(bytes: Uint8Array, width: number, height: number, path: string): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parts: Uint8Array[] = [];
  for (let i = 8; i + 8 <= bytes.length; ) {
    const length = view.getUint32(i);
    if (String.fromCharCode(...bytes.subarray(i + 4, i + 8)) === 'IDAT') parts.push(bytes.subarray(i + 8, i + 8 + length));
    i += 12 + length;
  }
  // At most 8 bytes per pixel (16-bit RGBA) plus one filter byte per row of each of the 7 passes.
  const bound = width * height * 8 + 7 * (height + 1);
  try {
    inflateSync(Buffer.concat(parts), { maxOutputLength: bound });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new DataSourceError(path, `inflates past the ${bound} bytes a ${width}×${height} PNG can hold: refused as a possible decompression bomb`);
    }
  }
}
