import { kernels, Layout } from '../kernels/index.ts';

/** Small pixel kernels over packed RGB frames. */

/** Luma as ssim.js computes it (`rgb2grayInteger`), so SSIM values agree with it. */
export function rgbToGray(rgb: Uint8Array, out: Uint8Array = new Uint8Array(rgb.length / 3)): Uint8Array {
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

/**
 * Area-average an S×S RGB frame down to G×G RGB, scaled to [0, 1]. This is the
 * frame descriptor for coreset selection and for the diversity statistics.
 */
export function thumbnailDescriptor(rgb: Uint8Array, size: number, grid: number): Float32Array {
  // Pixel x falls in cell floor(x · grid / size), so each cell is a run of whole columns and rows:
  // integer sums (at most 255 × size² per cell), a run of a row at a time, then one division per cell.
  const edges = new Int32Array(grid + 1);
  for (let c = 0, x = 0; c < grid; c++) {
    while (x < size && Math.floor((x * grid) / size) === c) x++;
    edges[c + 1] = x;
  }
  const sums = new Uint32Array(grid * grid * 3);
  for (let cy = 0; cy < grid; cy++) {
    for (let y = edges[cy]!; y < edges[cy + 1]!; y++) {
      for (let cx = 0, p = y * size * 3; cx < grid; cx++) {
        let r = 0, g = 0, b = 0;
        for (const end = edges[cx + 1]! * 3 + y * size * 3; p < end; p += 3) {
          r += rgb[p]!;
          g += rgb[p + 1]!;
          b += rgb[p + 2]!;
        }
        const q = (cy * grid + cx) * 3;
        sums[q] = sums[q]! + r;
        sums[q + 1] = sums[q + 1]! + g;
        sums[q + 2] = sums[q + 2]! + b;
      }
    }
  }
  const out = new Float32Array(grid * grid * 3);
  for (let cy = 0, i = 0; cy < grid; cy++) {
    for (let cx = 0; cx < grid; cx++, i += 3) {
      const pixels = (edges[cy + 1]! - edges[cy]!) * (edges[cx + 1]! - edges[cx]!);
      out[i] = sums[i]! / (255 * pixels);
      out[i + 1] = sums[i + 1]! / (255 * pixels);
      out[i + 2] = sums[i + 2]! / (255 * pixels);
    }
  }
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
