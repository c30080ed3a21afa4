/**
 * Separable resampling of packed RGB into a placement inside a black S×S
 * canvas: area averaging when shrinking (each source pixel weighted by how
 * much of it an output pixel covers, OpenCV's INTER_AREA), linear
 * interpolation when enlarging.
 *
 * The GIF decoder composites each frame on its own canvas and hands it here,
 * so frames never bleed into each other as they would in libvips' multi-page
 * resize. Shrinking, each output pixel is summed in registers, row by row of
 * its taps, and stored once; enlarging, each source row's column sums are
 * made once and shared by the output rows that read it. Same-size placements
 * are copied; exact 2:1 is a 2×2 mean.
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

/** Source rows per output row up to which summing rows first (#separable) beats #direct: measured, enlarging only. */
const SEPARABLE_ROW_TAPS = 2;

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
  /** Column sums of the source rows an output row reads, for #separable. */
  #ring = new Float64Array(0);

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
    const words = this.#words(src, offset);
    // Enlarging, each output row reads at most two source rows, and neighbouring output rows read the same
    // ones: their column sums are worth keeping. Shrinking, each source row feeds about one output row.
    if (this.#rows.stride <= SEPARABLE_ROW_TAPS) this.#separable(src, offset, out, y0, y1, x0, x1);
    else if (words) this.#directWords(words, offset >> 2, out, y0, y1, x0, x1);
    else this.#direct(src, offset, out, y0, y1, x0, x1);
  }

  /**
   * Each output pixel summed in registers, row by row of its taps, and stored once: a column's taps are
   * read once per output pixel, and no row of partial sums goes through memory.
   */
  #direct(src: Uint8Array, offset: number, out: Uint8Array, y0: number, y1: number, x0: number, x1: number): void {
    const channels = this.#channels;
    const sourceRow = this.#sourceWidth * channels;
    const { left, top } = this.#at;
    const size = this.#size;
    const rows = this.#rows;
    const { first, count, weights, stride } = this.#columns;
    for (let y = y0; y < y1; y++) {
      const rowCount = rows.count[y]!;
      const rowTaps = y * rows.stride;
      const firstRow = offset + rows.first[y]! * sourceRow;
      const base = ((top + y) * size + left) * 3;
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
            for (let j = 1; j < n - 1; j++) {
              p += channels;
              ri += src[p]!;
              gi += src[p + 1]!;
              bi += src[p + 2]!;
            }
            p += channels;
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

  /**
   * #direct over RGBA read a word at a time (`offset` in words): one load per pixel, the first and last
   * taps' channels taken out by shifts, the ones between summed two channels per add. The same
   * operations on the same numbers in the same order, so the same values to the bit.
   */
  #directWords(words: Int32Array, offset: number, out: Uint8Array, y0: number, y1: number, x0: number, x1: number): void {
    const sourceRow = this.#sourceWidth;
    const { left, top } = this.#at;
    const size = this.#size;
    const rows = this.#rows;
    const rowWeights = rows.weights;
    const { first, count, weights, stride } = this.#columns;
    for (let y = y0; y < y1; y++) {
      const rowCount = rows.count[y]!;
      const rowTaps = y * rows.stride;
      const firstRow = offset + rows.first[y]! * sourceRow;
      const base = ((top + y) * size + left) * 3;
      for (let x = x0; x < x1; x++) {
        const n = count[x]!;
        const taps = x * stride;
        const w0 = weights[taps]!;
        const wi = n > 2 ? weights[taps + 1]! : 0;
        const wn = n > 1 ? weights[taps + n - 1]! : 0;
        let r = 0, g = 0, b = 0;
        for (let k = 0, p = firstRow + first[x]!; k < rowCount; k++, p += sourceRow) {
          const rowWeight = rowWeights[rowTaps + k]!;
          const v0 = words[p]!;
          let hr = w0 * (v0 & 0xff), hg = w0 * ((v0 >>> 8) & 0xff), hb = w0 * ((v0 >>> 16) & 0xff);
          if (n > 1) {
            // Two 16-bit lanes per word (R and B, then G and A).
            let lo = 0, hi = 0;
            const last = p + n - 1;
            for (let w = p + 1; w < last; w++) {
              const v = words[w]!;
              lo += v & 0xff00ff;
              hi += (v >>> 8) & 0xff00ff;
            }
            const vn = words[last]!;
            hr += wi * (lo & 0xffff) + wn * (vn & 0xff);
            hg += wi * (hi & 0xffff) + wn * ((vn >>> 8) & 0xff);
            hb += wi * (lo >>> 16) + wn * ((vn >>> 16) & 0xff);
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

  /**
   * Rows first, then columns: each source row's column sums are computed once and kept in a ring of
   * as many rows as an output row reads, then each output row adds up its rows. Every pixel gets the
   * same operations in the same order as in #direct (each row's sum, weighed and added in row order,
   * from zero), so the values are the same to the bit.
   */
  #separable(src: Uint8Array, offset: number, out: Uint8Array, y0: number, y1: number, x0: number, x1: number): void {
    const channels = this.#channels;
    const sourceRow = this.#sourceWidth * channels;
    const { left, top } = this.#at;
    const size = this.#size;
    const rows = this.#rows;
    const { first, count, weights, stride } = this.#columns;
    const lane = (x1 - x0) * 3;
    const ringRows = rows.stride;
    const ring = this.#scratch((ringRows + 1) * lane);
    const sums = ring.subarray(ringRows * lane);
    let nextRow = rows.first[y0]!;
    for (let y = y0; y < y1; y++) {
      const firstRow = rows.first[y]!;
      const rowCount = rows.count[y]!;
      // The source rows this output row reads that no earlier one did; rows are read in order, so the
      // ones it shares with the row before are still in the ring.
      for (let s = Math.max(nextRow, firstRow); s < firstRow + rowCount; s++) {
        const rowStart = offset + s * sourceRow;
        for (let x = x0, i = (s % ringRows) * lane; x < x1; x++, i += 3) {
          const n = count[x]!;
          const taps = x * stride;
          const w0 = weights[taps]!;
          let p = rowStart + first[x]! * channels;
          let hr = w0 * src[p]!, hg = w0 * src[p + 1]!, hb = w0 * src[p + 2]!;
          if (n > 1) {
            const wi = n > 2 ? weights[taps + 1]! : 0;
            const wn = weights[taps + n - 1]!;
            let ri = 0, gi = 0, bi = 0;
            for (let j = 1; j < n - 1; j++) {
              p += channels;
              ri += src[p]!;
              gi += src[p + 1]!;
              bi += src[p + 2]!;
            }
            p += channels;
            hr += wi * ri + wn * src[p]!;
            hg += wi * gi + wn * src[p + 1]!;
            hb += wi * bi + wn * src[p + 2]!;
          }
          ring[i] = hr;
          ring[i + 1] = hg;
          ring[i + 2] = hb;
        }
      }
      nextRow = Math.max(nextRow, firstRow + rowCount);
      const rowTaps = y * rows.stride;
      const base = ((top + y) * size + left + x0) * 3;
      const h0 = (firstRow % ringRows) * lane;
      const w0 = rows.weights[rowTaps]!;
      if (rowCount === 1) {
        for (let i = 0; i < lane; i++) out[base + i] = 0 + w0 * ring[h0 + i]! + 0.5;
      } else if (rowCount === 2) {
        const h1 = ((firstRow + 1) % ringRows) * lane;
        const w1 = rows.weights[rowTaps + 1]!;
        for (let i = 0; i < lane; i++) out[base + i] = 0 + w0 * ring[h0 + i]! + w1 * ring[h1 + i]! + 0.5;
      } else {
        for (let i = 0; i < lane; i++) sums[i] = 0 + w0 * ring[h0 + i]!;
        for (let k = 1; k < rowCount; k++) {
          const rowWeight = rows.weights[rowTaps + k]!;
          const h = ((firstRow + k) % ringRows) * lane;
          for (let i = 0; i < lane; i++) sums[i] = sums[i]! + rowWeight * ring[h + i]!;
        }
        for (let i = 0; i < lane; i++) out[base + i] = sums[i]! + 0.5;
      }
    }
  }

  /** RGBA rows as words, for reading a pixel per load, while a 16-bit lane of summed channels cannot carry. */
  #words(src: Uint8Array, offset: number): Int32Array | null {
    return this.#channels === 4 && this.#columns.stride < PACKED_TAPS && src.byteOffset % 4 === 0 && offset % 4 === 0
      ? new Int32Array(src.buffer, src.byteOffset, src.length >> 2)
      : null;
  }

  #scratch(length: number): Float64Array {
    if (this.#ring.length < length) this.#ring = new Float64Array(length);
    return this.#ring;
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
