/**
 * The resampler on canvases of the corpus' shapes: the exact double-precision kernel (an S×S
 * square to the analysis image, at sizes other than 2:1), the fixed-point one (every GIF frame at
 * S×S) and sharp's resize of the same RGBA
 * canvas to the same letterboxed square, as the library peer.
 */
import { closeSync, fstatSync, openSync } from 'node:fs';
import sharp from 'sharp';
import { fileSource } from '../../shared/media/gif/bytes.ts';
import { GifCanvas } from '../../shared/media/gif/canvas.ts';
import { scanGif } from '../../shared/media/gif/scan.ts';
import { fitInside } from '../../shared/media/letterbox.ts';
import { Normaliser } from '../../shared/media/resample.ts';
import { seededRandom } from '../../shared/random.ts';

export interface ResampleRow {
  shape: string;
  exactMs: number;
  fixedMs: number;
  sharpMs: number;
  /** Largest difference between the fixed-point and the exact output, in levels. */
  largestDifference: number;
}

const SHAPES: Array<[number, number, number]> = [[1080, 1080, 256], [1080, 1080, 128], [440, 625, 256], [128, 128, 256], [80, 60, 256]];

export async function benchResample(): Promise<ResampleRow[]> {
  const random = seededRandom(5);
  const rows: ResampleRow[] = [];
  for (const [width, height, size] of SHAPES) {
    const src = Uint8Array.from({ length: width * height * 4 }, () => Math.floor(random() * 256));
    const at = fitInside(width, height, size);
    const exact = new Normaliser(width, height, at, size, { channels: 4 });
    const fixed = new Normaliser(width, height, at, size, { channels: 4, fixedPoint: true });
    const reps = Math.max(10, Math.round(3e7 / (width * height + size * size)));
    const time = (fn: () => unknown) => {
      for (let i = 0; i < 5; i++) fn();
      const started = performance.now();
      for (let i = 0; i < reps; i++) fn();
      return (performance.now() - started) / reps;
    };
    const out = new Uint8Array(size * size * 3);
    const exactMs = time(() => exact.normalise(src, 0, out));
    const fixedMs = time(() => fixed.normalise(src, 0, out));
    const a = exact.normalise(src, 0);
    const b = fixed.normalise(src, 0);
    let largestDifference = 0;
    for (let i = 0; i < a.length; i++) largestDifference = Math.max(largestDifference, Math.abs(a[i]! - b[i]!));
    const viaSharp = () =>
      sharp(src, { raw: { width, height, channels: 4 } })
        .removeAlpha()
        .resize(size, size, { fit: 'contain', background: { r: 0, g: 0, b: 0 } })
        .raw()
        .toBuffer();
    for (let i = 0; i < 3; i++) await viaSharp();
    const started = performance.now();
    for (let i = 0; i < reps; i++) await viaSharp();
    const sharpMs = (performance.now() - started) / reps;
    rows.push({ shape: `${width}×${height} → ${size}×${size}`, exactMs, fixedMs, sharpMs, largestDifference });
  }
  return rows;
}

/** Every frame of every GIF rendered at S×S both ways: how many samples the fixed-point kernel changes, and by how much. */
export function corpusDifference(files: string[], size = 256): { frames: number; samples: number; differing: number; largest: number } {
  const result = { frames: 0, samples: 0, differing: 0, largest: 0 };
  for (const file of files) {
    const fd = openSync(file, 'r');
    try {
      const layout = scanGif(fileSource(fd, fstatSync(fd).size), Infinity);
      if (layout.width === 0 || layout.height === 0) continue;
      const canvas = new GifCanvas(fileSource(fd, fstatSync(fd).size), layout);
      const at = fitInside(layout.width, layout.height, size);
      const exact = new Normaliser(layout.width, layout.height, at, size, { channels: 4 });
      const fixed = new Normaliser(layout.width, layout.height, at, size, { channels: 4, fixedPoint: true });
      for (const frame of layout.frames) {
        if (canvas.draw(frame).empty) break;
        const a = exact.normalise(canvas.rgba, 0);
        const b = fixed.normalise(canvas.rgba, 0);
        for (let i = 0; i < a.length; i++) {
          const difference = Math.abs(a[i]! - b[i]!);
          if (difference === 0) continue;
          result.differing++;
          result.largest = Math.max(result.largest, difference);
        }
        result.samples += a.length;
        result.frames++;
      }
    } catch {
      // A broken file's structure stops the walk; its frames so far count.
    } finally {
      closeSync(fd);
    }
  }
  return result;
}
