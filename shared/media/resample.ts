/**
 * Separable resampling of packed RGB into a placement inside a black S×S
 * canvas: area averaging when shrinking (each source pixel weighted by how
 * much of it an output pixel covers, OpenCV's INTER_AREA), linear
 * interpolation when enlarging.
 *
 * It exists because libvips, resizing a multi-page image, treats the pages as
 * one tall picture: its vertical kernel blends the last row of one frame into
 * the first row of the next. Horizontal shrinking in libvips is page-safe, so
 * the GIF decoder leaves rows (and any enlargement) to this code, one frame at
 * a time.
 */
import type { Placement } from './letterbox.ts';

interface AxisTaps {
  first: Int32Array;
  count: Int32Array;
  weights: Float64Array;
  stride: number;
}

function axisTaps(from: number, to: number): AxisTaps {
  const scale = to / from;
  const stride = scale < 1 ? Math.ceil(1 / scale) + 1 : 2;
  const first = new Int32Array(to);
  const count = new Int32Array(to);
  const weights = new Float64Array(to * stride);
  for (let o = 0; o < to; o++) {
    if (scale < 1) {
      const lo = o / scale;
      const hi = (o + 1) / scale;
      first[o] = Math.floor(lo);
      for (let i = first[o]!; i < Math.min(from, Math.ceil(hi)); i++) {
        weights[o * stride + count[o]!] = (Math.min(hi, i + 1) - Math.max(lo, i)) * scale;
        count[o] = count[o]! + 1;
      }
    } else {
      const centre = Math.min(from - 1, Math.max(0, (o + 0.5) / scale - 0.5));
      const left = Math.min(from - 2, Math.floor(centre));
      if (left < 0) {
        first[o] = 0;
        count[o] = 1;
        weights[o * stride] = 1;
        continue;
      }
      first[o] = left;
      count[o] = 2;
      weights[o * stride] = 1 - (centre - left);
      weights[o * stride + 1] = centre - left;
    }
  }
  return { first, count, weights, stride };
}

export class Normaliser {
  readonly #sourceWidth: number;
  readonly #at: Placement;
  readonly #size: number;
  readonly #columns: AxisTaps | null;
  readonly #rows: AxisTaps | null;
  readonly #row: Float64Array;

  constructor(sourceWidth: number, sourceHeight: number, at: Placement, size: number) {
    this.#sourceWidth = sourceWidth;
    this.#at = at;
    this.#size = size;
    this.#columns = sourceWidth === at.width ? null : axisTaps(sourceWidth, at.width);
    this.#rows = sourceHeight === at.height ? null : axisTaps(sourceHeight, at.height);
    this.#row = new Float64Array(sourceWidth * 3);
  }

  /** `src` holds one frame as packed RGB rows from `offset`; returns a new S×S RGB canvas. */
  normalise(src: Uint8Array, offset: number): Uint8Array {
    const sw3 = this.#sourceWidth * 3;
    const { width: dw, height: dh, left, top } = this.#at;
    const size = this.#size;
    const out = new Uint8Array(size * size * 3);
    const row = this.#row;
    const rows = this.#rows;
    const columns = this.#columns;
    for (let y = 0; y < dh; y++) {
      const base = ((top + y) * size + left) * 3;
      if (!rows && !columns) {
        out.set(src.subarray(offset + y * sw3, offset + (y + 1) * sw3), base);
        continue;
      }
      if (rows) {
        const from = rows.first[y]!;
        const n = rows.count[y]!;
        const w0 = rows.weights[y * rows.stride]!;
        let p = offset + from * sw3;
        for (let x = 0; x < sw3; x++) row[x] = w0 * src[p + x]!;
        for (let k = 1; k < n; k++) {
          const w = rows.weights[y * rows.stride + k]!;
          p += sw3;
          for (let x = 0; x < sw3; x++) row[x] = row[x]! + w * src[p + x]!;
        }
      } else {
        const p = offset + y * sw3;
        for (let x = 0; x < sw3; x++) row[x] = src[p + x]!;
      }
      if (!columns) {
        for (let x = 0; x < sw3; x++) out[base + x] = row[x]! + 0.5;
        continue;
      }
      const { first, count, weights, stride } = columns;
      for (let x = 0; x < dw; x++) {
        let r = 0, g = 0, b = 0;
        let p = first[x]! * 3;
        for (let k = 0; k < count[x]!; k++, p += 3) {
          const w = weights[x * stride + k]!;
          r += w * row[p]!;
          g += w * row[p + 1]!;
          b += w * row[p + 2]!;
        }
        out[base + x * 3] = r + 0.5;
        out[base + x * 3 + 1] = g + 0.5;
        out[base + x * 3 + 2] = b + 0.5;
      }
    }
    return out;
  }
}
