/**
 * Separable resampling of packed RGB into a placement inside a black S×S
 * canvas: area averaging when shrinking (each source pixel weighted by how
 * much of it an output pixel covers, OpenCV's INTER_AREA), linear
 * interpolation when enlarging.
 *
 * The GIF decoder composites each frame on its own canvas and hands it here,
 * so frames never bleed into each other as they would in libvips' multi-page
 * resize. Each output pixel is summed in registers, row by row of its taps,
 * and stored once: the column's taps are read once per output pixel, and no
 * row of partial sums goes through memory. Same-size placements are copied.
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
    if (scale === 1) {
      first[o] = o;
      count[o] = 1;
      weights[o * stride] = 1;
    } else if (scale < 1) {
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

/** Taps per output pixel below which 8-bit channels summed in 16-bit lanes cannot carry (255 × 128 < 65536 − 255). */
const PACKED_TAPS = 128;

export interface NormaliserOptions {
  /** Bytes per source pixel: 3 for RGB, 4 for RGBA whose alpha is ignored. */
  channels?: number;
}

export class Normaliser {
  readonly #sourceWidth: number;
  readonly #channels: number;
  readonly #at: Placement;
  readonly #size: number;
  readonly #columns: AxisTaps;
  readonly #rows: AxisTaps;
  readonly #copy: boolean;
  /** Exactly 2:1 both ways (video's S×S square to 128×128, a GIF twice the placement): each output is a 2×2 mean. */
  readonly #halve: boolean;

  constructor(sourceWidth: number, sourceHeight: number, at: Placement, size: number, options: NormaliserOptions = {}) {
    this.#sourceWidth = sourceWidth;
    this.#channels = options.channels ?? 3;
    this.#at = at;
    this.#size = size;
    this.#columns = axisTaps(sourceWidth, at.width);
    this.#rows = axisTaps(sourceHeight, at.height);
    this.#copy = sourceWidth === at.width && sourceHeight === at.height;
    this.#halve = sourceWidth === 2 * at.width && sourceHeight === 2 * at.height;
  }

  /** `src` holds one frame as packed rows from `offset`; returns an S×S RGB canvas, `into` or a new one. */
  normalise(src: Uint8Array, offset: number, into?: Uint8Array): Uint8Array {
    const out = into ? into.fill(0) : new Uint8Array(this.#size * this.#size * 3);
    this.#render(src, offset, out, 0, this.#at.height, 0, this.#at.width);
    return out;
  }

  /**
   * The same, for a frame that differs from the one `previous` was made from only inside
   * `changed` (source pixels): only the output pixels whose taps reach into it are computed.
   * The result is `into` (a buffer other than `previous`) or a new canvas.
   */
  update(src: Uint8Array, previous: Uint8Array, changed: { left: number; top: number; width: number; height: number }, into?: Uint8Array): Uint8Array {
    const out = into ? (into.set(previous), into) : previous.slice();
    if (changed.width === 0 || changed.height === 0) return out;
    const [y0, y1] = reach(this.#rows, this.#at.height, changed.top, changed.top + changed.height);
    const [x0, x1] = reach(this.#columns, this.#at.width, changed.left, changed.left + changed.width);
    if (y0 < y1 && x0 < x1) this.#render(src, 0, out, y0, y1, x0, x1);
    return out;
  }

  /** Output rows [y0, y1) and columns [x0, x1) of the placed image, written into `out`. */
  #render(src: Uint8Array, offset: number, out: Uint8Array, y0: number, y1: number, x0: number, x1: number): void {
    const channels = this.#channels;
    const sourceRow = this.#sourceWidth * channels;
    const { left, top } = this.#at;
    const size = this.#size;
    if (this.#copy) {
      for (let y = y0; y < y1; y++) {
        const from = offset + y * sourceRow;
        const to = ((top + y) * size + left) * 3;
        if (channels === 3) {
          out.set(src.subarray(from + x0 * 3, from + x1 * 3), to + x0 * 3);
          continue;
        }
        for (let x = x0; x < x1; x++) {
          out[to + x * 3] = src[from + x * channels]!;
          out[to + x * 3 + 1] = src[from + x * channels + 1]!;
          out[to + x * 3 + 2] = src[from + x * channels + 2]!;
        }
      }
      return;
    }
    if (this.#halve) {
      // The general sum gives (a + b + c + d) / 4 + 0.5 exactly here (quarters are exact in binary), so this is the same value.
      for (let y = y0; y < y1; y++) {
        const upper = offset + 2 * y * sourceRow;
        const lower = upper + sourceRow;
        const to = ((top + y) * size + left) * 3;
        for (let x = x0; x < x1; x++) {
          const p = 2 * x * channels;
          const q = to + x * 3;
          for (let c = 0; c < 3; c++) {
            out[q + c] = (src[upper + p + c]! + src[upper + p + channels + c]! + src[lower + p + c]! + src[lower + p + channels + c]! + 2) >> 2;
          }
        }
      }
      return;
    }
    const rows = this.#rows;
    const { first, count, weights, stride } = this.#columns;
    // RGBA rows are summed a word at a time while a 16-bit lane cannot carry.
    const words =
      channels === 4 && stride < PACKED_TAPS && src.byteOffset % 4 === 0 && offset % 4 === 0
        ? new Int32Array(src.buffer, src.byteOffset, src.length >> 2)
        : null;
    for (let y = y0; y < y1; y++) {
      const rowCount = rows.count[y]!;
      const rowTaps = y * rows.stride;
      const firstRow = offset + rows.first[y]! * sourceRow;
      const base = ((top + y) * size + left) * 3;
      // One output pixel at a time, its rows summed in registers: a column's taps are read once per
      // output pixel rather than once per source row, and nothing is stored until the pixel is done.
      for (let x = x0; x < x1; x++) {
        // Taps between the first and the last have equal weights (area) or there are at most two (linear):
        // sum those pixels as integers and weigh them once.
        const n = count[x]!;
        const taps = x * stride;
        const w0 = weights[taps]!;
        const wi = n > 2 ? weights[taps + 1]! : 0;
        const wn = n > 1 ? weights[taps + n - 1]! : 0;
        const column = first[x]! * channels;
        let r = 0, g = 0, b = 0;
        for (let k = 0; k < rowCount; k++) {
          const rowWeight = rows.weights[rowTaps + k]!;
          let p = firstRow + k * sourceRow + column;
          let hr = w0 * src[p]!, hg = w0 * src[p + 1]!, hb = w0 * src[p + 2]!;
          if (n > 1) {
            let ri = 0, gi = 0, bi = 0;
            if (words) {
              // Two 16-bit lanes per word (R and B, then G and A): one load and two adds per pixel.
              let lo = 0, hi = 0;
              for (let j = 1, w = (p >> 2) + 1; j < n - 1; j++, w++) {
                const v = words[w]!;
                lo += v & 0xff00ff;
                hi += (v >>> 8) & 0xff00ff;
              }
              ri = lo & 0xffff;
              bi = lo >>> 16;
              gi = hi & 0xffff;
              p += (n - 1) * 4;
            } else {
              for (let j = 1; j < n - 1; j++) {
                p += channels;
                ri += src[p]!;
                gi += src[p + 1]!;
                bi += src[p + 2]!;
              }
              p += channels;
            }
            hr += wi * ri + wn * src[p]!;
            hg += wi * gi + wn * src[p + 1]!;
            hb += wi * bi + wn * src[p + 2]!;
          }
          r += rowWeight * hr;
          g += rowWeight * hg;
          b += rowWeight * hb;
        }
        const q = base + x * 3;
        out[q] = r + 0.5;
        out[q + 1] = g + 0.5;
        out[q + 2] = b + 0.5;
      }
    }
  }
}

/** The outputs [first, last) along one axis whose taps read any source index in [from, to). */
function reach(taps: AxisTaps, outputs: number, from: number, to: number): [number, number] {
  let lo = 0;
  while (lo < outputs && taps.first[lo]! + taps.count[lo]! <= from) lo++;
  let hi = lo;
  while (hi < outputs && taps.first[hi]! < to) hi++;
  return [lo, hi];
}
