/** Pixel measures over packed RGB frames; their loops are WebAssembly kernels (shared/kernels/assembly/). */
import { kernels, Layout, Workspace } from '../kernels/index.ts';

/** Luma as ssim.js computes it (`rgb2grayInteger`), so SSIM values agree with it. */
export function rgbToGray(rgb: Uint8Array, out: Uint8Array = new Uint8Array(rgb.length / 3)): Uint8Array {
  // Both already in a workspace's memory (a video's analysis images): converted where they lie.
  const workspace = Workspace.holding(rgb, out);
  if (workspace) {
    workspace.kernels.run.rgbToGray(rgb.byteOffset, out.byteOffset, out.length);
    return out;
  }
  const layout = new Layout();
  const from = layout.take(rgb.length);
  const to = layout.take(out.length);
  const memory = kernels().memory(layout);
  memory.set(rgb, from);
  kernels().run.rgbToGray(from, to, out.length);
  out.set(memory.subarray(to, to + out.length));
  return out;
}

/** Mean squared difference over all RGB samples, pixels in 0–255: the text-to-video "energy". */
export function meanSquaredDifference(a: Uint8Array, b: Uint8Array): number {
  return difference(a, b, 'sumSquaredDifference') / a.length;
}

/** Mean absolute difference, pixels in 0–255 (the movie-frame notebook's gray distance). */
export function meanAbsoluteDifference(a: Uint8Array, b: Uint8Array): number {
  return difference(a, b, 'sumAbsoluteDifference') / a.length;
}

/** An integer sum over both arrays' samples, exact as a double. */
function difference(a: Uint8Array, b: Uint8Array, kernel: 'sumSquaredDifference' | 'sumAbsoluteDifference'): number {
  if (a.length !== b.length) throw new RangeError(`Expected two arrays of one length but found ${a.length} and ${b.length}`);
  const workspace = Workspace.holding(a, b);
  if (workspace) return workspace.kernels.run[kernel](a.byteOffset, b.byteOffset, a.length);
  const layout = new Layout();
  const at = layout.take(a.length);
  const bt = layout.take(b.length);
  const memory = kernels().memory(layout);
  memory.set(a, at);
  memory.set(b, bt);
  return kernels().run[kernel](at, bt, a.length);
}

/** RGB → RGBA with opaque alpha, for libraries that take canvas-style ImageData. */
export function rgbToRgba(rgb: Uint8Array, out: Uint8ClampedArray = new Uint8ClampedArray((rgb.length / 3) * 4)): Uint8ClampedArray {
  if (out.byteOffset % 4 === 0) {
    // A pixel per word stored (little-endian: red is the low byte).
    const pixels = new Uint32Array(out.buffer, out.byteOffset, out.length >> 2);
    for (let i = 0, k = 0; k < pixels.length; i += 3, k++) {
      pixels[k] = (rgb[i]! | (rgb[i + 1]! << 8) | (rgb[i + 2]! << 16) | 0xff000000) >>> 0;
    }
    return out;
  }
  for (let i = 0, j = 0; i < rgb.length; i += 3, j += 4) {
    out[j] = rgb[i]!;
    out[j + 1] = rgb[i + 1]!;
    out[j + 2] = rgb[i + 2]!;
    out[j + 3] = 255;
  }
  return out;
}

/** A rectangle of a frame, inclusive. */
export interface PixelRect {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

/**
 * Integer sums of R, G and B (3 per cell) and pixel counts over a grid × grid split of `rect` of a
 * square RGB frame of side `size`: pixel (x, y) of the rectangle falls in cell (⌊x·grid/width⌋, ⌊y·grid/height⌋).
 */
export function cellSums(rgb: Uint8Array, size: number, rect: PixelRect, grid: number): { sums: Uint32Array; counts: Uint32Array } {
  const width = rect.right - rect.left + 1;
  const height = rect.bottom - rect.top + 1;
  const cells = grid * grid;
  const layout = new Layout();
  const frame = layout.take(rgb.length);
  const sums = layout.take(cells * 3 * 4);
  const counts = layout.take(cells * 4);
  const column = layout.take(width * 2);
  const memory = kernels().memory(layout);
  memory.set(rgb, frame);
  kernels().run.cellSums(frame, size, rect.top, rect.left, width, height, grid, sums, counts, column);
  return { sums: new Uint32Array(memory.buffer.slice(sums, sums + cells * 3 * 4)), counts: new Uint32Array(memory.buffer.slice(counts, counts + cells * 4)) };
}

/**
 * Area-average an S×S RGB frame down to G×G RGB, scaled to [0, 1]. This is the
 * frame descriptor for coreset selection and for the diversity statistics.
 */
export function thumbnailDescriptor(rgb: Uint8Array, size: number, grid: number): Float32Array {
  // Integer sums (at most 255 × size² per cell), then one division per cell.
  const { sums, counts } = cellSums(rgb, size, { top: 0, left: 0, bottom: size - 1, right: size - 1 }, grid);
  const out = new Float32Array(grid * grid * 3);
  for (let i = 0; i < out.length; i++) out[i] = sums[i]! / (255 * counts[Math.floor(i / 3)]!);
  return out;
}

/** Root-mean-square difference of two descriptors: L2 distance over √dims, in [0, 1]. */
export function descriptorDistance(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    sum += d * d;
  }
  return Math.sqrt(sum / a.length);
}

/** Bins per channel of the joint colour histogram: 4×4×4 = 64 bins. */
export const HISTOGRAM_LEVELS = 4;

/** Joint RGB histogram with 4 levels per channel, normalised to sum to 1. */
export function colourHistogram(rgb: Uint8Array): Float32Array {
  const counts = new Uint32Array(HISTOGRAM_LEVELS ** 3);
  const shift = 8 - Math.log2(HISTOGRAM_LEVELS);
  for (let i = 0; i < rgb.length; i += 3) {
    const bin = ((rgb[i]! >> shift) * HISTOGRAM_LEVELS + (rgb[i + 1]! >> shift)) * HISTOGRAM_LEVELS + (rgb[i + 2]! >> shift);
    counts[bin] = counts[bin]! + 1;
  }
  const pixels = rgb.length / 3;
  return Float32Array.from(counts, (n) => n / pixels);
}

/** Total variation distance between two normalised histograms, in [0, 1]. */
export function histogramDistance(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / 2;
}
