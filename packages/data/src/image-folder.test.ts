import { execFileSync } from 'node:child_process';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deflateSync } from 'node:zlib';
import { decodeImage } from './image-decode.js';
import { loadImageDataset } from './load-image-dataset.js';
import { imagePixel, jpegBytes, pngBytes, writeFile } from './test-support/tiny-images.js';
import { crc32 } from './zip-archive.js';

/** A PNG assembled chunk by chunk (IHDR, one IDAT, IEND), independent of pngjs's encoder. */
function handPng(width: number, height: number, colorType: number, interlace: number, idat: Uint8Array): Uint8Array {
  const chunk = (type: string, data: Uint8Array) => {
    const body = new Uint8Array([...new TextEncoder().encode(type), ...data]);
    const out = new Uint8Array(12 + data.length);
    const view = new DataView(out.buffer);
    view.setUint32(0, data.length);
    out.set(body, 4);
    view.setUint32(8 + data.length, crc32(body));
    return out;
  };
  const ihdr = new Uint8Array(13);
  new DataView(ihdr.buffer).setUint32(0, width);
  new DataView(ihdr.buffer).setUint32(4, height);
  ihdr.set([8, colorType, 0, 0, interlace], 8);
  return new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...chunk('IHDR', ihdr), ...chunk('IDAT', idat), ...chunk('IEND', new Uint8Array(0))]);
}

const fresh = (name: string) => mkdtempSync(join(tmpdir(), `liftguard-folder-${name}-`));

/** A folder: cat/ holds 3 RGB PNGs (k = 0, 1, 2), dog/ 2 (k = 10, 11), plus files that are not images. */
function writePngFolder(): string {
  const root = fresh('png');
  for (const k of [0, 1, 2]) writeFile(join(root, 'cat', `${k}.png`), pngBytes(k, 5, 4));
  for (const k of [10, 11]) writeFile(join(root, 'dog', `${k}.png`), pngBytes(k, 5, 4));
  writeFile(join(root, 'cat', 'notes.txt'), 'not an image');
  writeFile(join(root, 'dog', 'Thumbs.db'), 'junk');
  writeFile(join(root, 'README.md'), '# data');
  return root;
}

function expectImage(images: Float32Array, i: number, k: number, h: number, w: number, c: number): void {
  for (let r = 0; r < h; r++) for (let col = 0; col < w; col++) for (let ch = 0; ch < c; ch++) {
    expect(images[((i * h + r) * w + col) * c + ch]).toBe(Math.fround(imagePixel(k, r, col, ch) / 255));
  }
}

describe('image folders (one sub-folder per class)', () => {
  it('PNG pixels exactly, labels from sorted folder names, classes visited in turn, non-images skipped and counted', async () => {
    const { set, description } = await loadImageDataset(writePngFolder());
    expect([set.count, set.height, set.width, set.channels, set.numClasses]).toEqual([5, 5, 4, 3, 2]);
    // Order: cat 0, dog 10, cat 1, dog 11, cat 2.
    expect(Array.from(set.labels)).toEqual([0, 1, 0, 1, 0]);
    [0, 10, 1, 11, 2].forEach((k, i) => expectImage(set.images, i, k, 5, 4, 3));
    expect(description).toMatchObject({ kind: 'image-folder', dtype: 'uint8', labels: { from: 'folder names', numClasses: 2, classNames: ['cat', 'dog'] } });
    expect(description.skipped).toEqual({ count: 3, examples: ['README.md', 'cat/notes.txt', 'dog/Thumbs.db'] });
  });

  it('limit samples every class', async () => {
    const { set } = await loadImageDataset(writePngFolder(), { limit: 2 });
    expect(Array.from(set.labels)).toEqual([0, 1]);
  });

  it('limit opens only the images it takes: a corrupt image past the limit is never read', async () => {
    const root = writePngFolder();
    writeFile(join(root, 'dog', 'z-corrupt.png'), 'not a png at all');
    await expect(loadImageDataset(root)).rejects.toThrow(/z-corrupt\.png/);
    expect((await loadImageDataset(root, { limit: 5 })).set.count).toBe(5);
  });

  it('classNames orders the classes; a folder missing from it is an error', async () => {
    const root = writePngFolder();
    const { set } = await loadImageDataset(root, { classNames: ['dog', 'cat', 'bird'] });
    expect(set.numClasses).toBe(3);
    expect(Array.from(set.labels)).toEqual([0, 1, 0, 1, 1]); // dog first now: dog 10, cat 0, dog 11, cat 1, cat 2
    const names = writeFile(join(fresh('names'), 'classes.txt'), 'dog\ncat\n');
    expect(Array.from((await loadImageDataset(root, { classNames: names })).set.labels)).toEqual([0, 1, 0, 1, 1]);
    await expect(loadImageDataset(root, { classNames: ['dog'] })).rejects.toThrow(/has class folders not in classNames: cat/);
  });

  it('gray PNGs give one channel; RGBA drops alpha and says so', async () => {
    const root = fresh('gray');
    writeFile(join(root, 'a', 'g.png'), pngBytes(3, 4, 4, 0));
    writeFile(join(root, 'b', 'g.png'), pngBytes(4, 4, 4, 0));
    const gray = await loadImageDataset(root);
    expect(gray.set.channels).toBe(1);
    expectImage(gray.set.images, 0, 3, 4, 4, 1);
    writeFile(join(root, 'b', 'h.png'), pngBytes(5, 4, 4, 6));
    const mixed = await loadImageDataset(root);
    expect(mixed.set.channels).toBe(3);
    expect(mixed.description.channels).toEqual({ from: [1], to: 3, conversion: ['replicate gray'] });
    expect(mixed.description.notes).toContain('alpha channel dropped from 1 images (not composited)');
    expectImage(mixed.set.images, 2, 5, 4, 4, 3); // order: a/g, b/g, b/h
    // A gray image replicated to RGB: every channel equals the gray value.
    for (let p = 0; p < 16; p++) for (let ch = 0; ch < 3; ch++) expect(mixed.set.images[p * 3 + ch]).toBe(mixed.set.images[p * 3]);
  });

  it('JPEG decodes within the codec tolerance', async () => {
    const root = fresh('jpeg');
    writeFile(join(root, 'x', 'a.jpg'), jpegBytes(1, 16, 16));
    writeFile(join(root, 'y', 'b.JPEG'), jpegBytes(2, 16, 16));
    const { set } = await loadImageDataset(root, { range: [0, 255] });
    let worst = 0;
    let mean = 0;
    [1, 2].forEach((k, i) => {
      for (let r = 0; r < 16; r++) for (let c = 0; c < 16; c++) for (let ch = 0; ch < 3; ch++) {
        const error = Math.abs(set.images[((i * 16 + r) * 16 + c) * 3 + ch]! - imagePixel(k, r, c, ch));
        worst = Math.max(worst, error);
        mean += error / (2 * 16 * 16 * 3);
      }
    });
    // Quality 95 with 4:2:0 chroma on a sharp synthetic pattern: small mean error, bounded worst case.
    expect(mean).toBeLessThan(6);
    expect(worst).toBeLessThan(64);
  });

  it('images of different sizes need inputShape; with it they are resized, cropped and described', async () => {
    const root = fresh('sizes');
    writeFile(join(root, 'a', '1.png'), pngBytes(1, 8, 8));
    writeFile(join(root, 'b', '2.png'), pngBytes(2, 4, 8));
    await expect(loadImageDataset(root)).rejects.toThrow(/is 4×8 but earlier images are 8×8; pass inputShape to resize every image to one size/);
    const { set, description } = await loadImageDataset(root, { inputShape: [4, 4, 3] });
    expect([set.height, set.width, set.channels]).toEqual([4, 4, 3]);
    expect(description.resize).toMatchObject({ images: 2, to: [4, 4] });
    // 4×8 → 4×4 needs no scaling: the centre columns 2..5, exactly.
    for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) for (let ch = 0; ch < 3; ch++) {
      expect(set.images[48 + (r * 4 + c) * 3 + ch]).toBe(Math.fround(imagePixel(2, r, c + 2, ch) / 255));
    }
  });

  it('corrupt and truncated images are errors naming the file', async () => {
    const root = fresh('corrupt');
    const png = pngBytes(1, 8, 8);
    writeFile(join(root, 'a', 'cut.png'), png.subarray(0, png.length - 20));
    await expect(loadImageDataset(root)).rejects.toThrow(/a\/cut\.png: is a corrupt or truncated PNG/);
    const jroot = fresh('corrupt-jpeg');
    const jpg = jpegBytes(1, 16, 16);
    writeFile(join(jroot, 'a', 'cut.jpg'), jpg.subarray(0, 200));
    await expect(loadImageDataset(jroot)).rejects.toThrow(/a\/cut\.jpg: is a corrupt or truncated JPEG/);
    const froot = fresh('fake');
    writeFile(join(froot, 'a', 'fake.png'), 'GIF89a not a png');
    await expect(loadImageDataset(froot)).rejects.toThrow(/fake\.png: is neither a PNG nor a JPEG/);
  });

  it('an image whose header declares too many pixels is refused before decoding', () => {
    const png = pngBytes(1, 4, 4);
    const view = new DataView(png.buffer, png.byteOffset);
    view.setUint32(16, 100_000);
    view.setUint32(20, 100_000);
    expect(() => decodeImage(png, 'huge.png', 64 * 2 ** 20)).toThrow(/declares 100000×100000 pixels, more than the 67108864-pixel limit; refused before decoding/);
  });

  it('an interlaced PNG decodes; one whose data inflates past its size is refused as a bomb', () => {
    // 1×1 gray interlaced: only Adam7 pass 1 holds data (filter byte 0, then the pixel).
    const ok = handPng(1, 1, 0, 1, deflateSync(Uint8Array.from([0, 200])));
    expect(Array.from(decodeImage(ok, 'one.png', 100).pixels)).toEqual([200]);
    const bomb = handPng(1, 1, 0, 1, deflateSync(new Uint8Array(32 * 2 ** 20)));
    const start = performance.now();
    expect(() => decodeImage(bomb, 'bomb.png', 100)).toThrow(/bomb\.png: inflates past the \d+ bytes a 1×1 PNG can hold: refused as a possible decompression bomb/);
    expect(performance.now() - start).toBeLessThan(1000);
  });

  it('a FIFO, or a symlink to a device, among the images is refused without hanging', async () => {
    const root = fresh('special');
    writeFile(join(root, 'a', '1.png'), pngBytes(1, 4, 4));
    execFileSync('mkfifo', [join(root, 'a', 'pipe.png')]);
    await expect(loadImageDataset(root)).rejects.toThrow(/pipe\.png: is a FIFO \(named pipe\), not a regular file/);
    const root2 = fresh('device');
    writeFile(join(root2, 'a', '1.png'), pngBytes(1, 4, 4));
    symlinkSync('/dev/zero', join(root2, 'a', 'zero.png'));
    await expect(loadImageDataset(root2)).rejects.toThrow(/zero\.png: is a device, not a regular file/);
  });

  it('a folder without class folders or images says what it expects', async () => {
    const flat = fresh('flat');
    writeFileSync(join(flat, 'a.png'), pngBytes(1, 2, 2));
    await expect(loadImageDataset(flat)).rejects.toThrow(/has no class sub-folders: an image folder holds one sub-folder of images per class/);
    const empty = fresh('empty');
    writeFile(join(empty, 'a', 'readme.txt'), 'x');
    await expect(loadImageDataset(empty)).rejects.toThrow(/holds no \.png or \.jpg images in its 1 class folders/);
  });
});
