/**
 * Separable resampling of packed RGB with a triangle filter, widened when
 * shrinking so every source pixel counts (Pillow's antialiased BILINEAR).
 *
 * It exists because libvips, resizing a multi-page image, treats the pages as
 * one tall picture: its vertical kernel blends the last row of one frame into
 * the first row of the next. Horizontal shrinking in libvips is page-safe, so
 * the GIF decoder leaves only rows (and any enlargement) to this code, one
 * frame at a time.
 */
import type { Placement } from './letterbox.ts';

interface AxisTaps {
  first: Int32Array;
  count: Int32Array;
  weights: Float32Array;
  taps: number;
}

function axisTaps(from: number, to: number): AxisTaps {
  const scale = to / from;
  const support = scale < 1 ? 1 / scale : 1;
  const taps = Math.ceil(support) * 2 + 1;
  const first = new Int32Array(to);
  const count = new Int32Array(to);
  const weights = new Float32Array(to * taps);
  for (let o = 0; o < to; o++) {
    const centre = (o + 0.5) / scale - 0.5;
    const lo = Math.max(0, Math.ceil(centre - support));
    const hi = Math.min(from - 1, Math.floor(centre + support));
    let total = 0;
    let n = 0;
    for (let i = lo; i <= hi && n < taps; i++, n++) {
      const w = Math.max(0, 1 - Math.abs(i - centre) / support);
      weights[o * taps + n] = w;
      total += w;
    }
    if (total === 0) {
      // No source pixel in reach (only at a degenerate edge): take the nearest one.
      first[o] = Math.min(from - 1, Math.max(0, Math.round(centre)));
      count[o] = 1;
      weights[o * taps] = 1;
      continue;
    }
    for (let k = 0; k < n; k++) weights[o * taps + k] = weights[o * taps + k]! / total;
    first[o] = lo;
    count[o] = n;
  }
  return { first, count, weights, taps };
}

/** Resamples one source frame size into a placement inside a black S×S RGB canvas. */
export class Normaliser {
  readonly #source: { width: number; height: number };
  readonly #at: Placement;
  readonly #size: number;
  readonly #columns: AxisTaps | null;
  readonly #rows: AxisTaps | null;
  #rowBuffer: Float32Array;

  constructor(sourceWidth: number, sourceHeight: number, at: Placement, size: number) {
    this.#source = { width: sourceWidth, height: sourceHeight };
    this.#at = at;
    this.#size = size;
    this.#columns = sourceWidth === at.width ? null : axisTaps(sourceWidth, at.width);
    this.#rows = sourceHeight === at.height ? null : axisTaps(sourceHeight, at.height);
    this.#rowBuffer = new Float32Array(sourceWidth * 3);
  }

  /** `src` holds the frame as packed RGB rows starting at `offset`. */
  normalise(src: Uint8Array, offset: number): Uint8Array {
    const { width: sw } = this.#source;
    const { width: dw, height: dh, left, top } = this.#at;
    const size = this.#size;
    const out = new Uint8Array(size * size * 3);
    const acc = this.#rowBuffer;
    for (let y = 0; y < dh; y++) {
      // Vertical pass into a float row at source width.
      if (this.#rows) {
        acc.fill(0);
        const { first, count, weights, taps } = this.#rows;
        for (let k = 0; k < count[y]!; k++) {
          const w = weights[y * taps + k]!;
          const row = offset + (first[y]! + k) * sw * 3;
          for (let x = 0; x < sw * 3; x++) acc[x] = acc[x]! + w * src[row + x]!;
        }
      } else {
        const row = offset + y * sw * 3;
        for (let x = 0; x < sw * 3; x++) acc[x] = src[row + x]!;
      }
      // Horizontal pass into the canvas.
      const base = ((top + y) * size + left) * 3;
      if (!this.#columns) {
        for (let x = 0; x < dw * 3; x++) out[base + x] = Math.round(acc[x]!);
        continue;
      }
      const { first, count, weights, taps } = this.#columns;
      for (let x = 0; x < dw; x++) {
        let r = 0, g = 0, b = 0;
        for (let k = 0; k < count[x]!; k++) {
          const w = weights[x * taps + k]!;
          const p = (first[x]! + k) * 3;
          r += w * acc[p]!;
          g += w * acc[p + 1]!;
          b += w * acc[p + 2]!;
        }
        out[base + x * 3] = Math.round(r);
        out[base + x * 3 + 1] = Math.round(g);
        out[base + x * 3 + 2] = Math.round(b);
      }
    }
    return out;
  }
}
