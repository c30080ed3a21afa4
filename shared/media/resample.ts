/**
 * Separable resampling of packed RGB or RGBA into a placement inside a black S×S
 * RGB canvas: area averaging when shrinking (each source pixel weighted by how
 * much of it an output pixel covers, OpenCV's INTER_AREA), linear
 * interpolation when enlarging.
 *
 * The GIF decoder composites each frame on its own canvas and hands it here,
 * so frames never bleed into each other as they would in libvips' multi-page
 * resize. This module makes the tap tables and cuts the work into bands of
 * source rows; the loops are WebAssembly kernels (shared/kernels/assembly/resample.ts):
 * each source row's sums for the output columns are made once and shared by the
 * output rows that read it, and an exact 2:1 is a 2×2 mean.
 */
import { kernels, Layout, type KernelExports, type Pointer, type Workspace } from '../kernels/index.ts';
import type { Placement } from './letterbox.ts';

/** A rectangle of pixels: the same four numbers as a placement. */
type Rect = Placement;
/** Output rows [y0, y1) and columns [x0, x1) of the placed image. */
type Span = [y0: number, y1: number, x0: number, x1: number];

export interface AxisTaps {
  first: Int32Array;
  count: Int32Array;
  weights: Float64Array;
  stride: number;
}

/** Per output index along one axis: its first source index, how many it reads, and their weights. */
export function axisTaps(from: number, to: number): AxisTaps {
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

/** Source bytes copied into the kernels' memory at once: large canvases go in bands of rows, so that memory stays small. */
const BAND_BYTES = 8 << 20;

export interface NormaliserOptions {
  /** Bytes per source pixel: 3 for RGB, 4 for RGBA whose alpha is ignored. */
  channels?: number;
  /**
   * RGBA only: 14-bit fixed-point weights, within one level of the exact double-precision sums
   * and 1.3–2× as fast (npm run bench -- --only resample). A GIF's S×S frames take it.
   */
  fixedPoint?: boolean;
}

/** Fixed-point weights along an axis sum to this. */
const FIXED_ONE = 1 << 14;

export class Normaliser {
  readonly #sourceWidth: number;
  readonly #channels: number;
  readonly #at: Placement;
  readonly #size: number;
  readonly #columns: AxisTaps;
  readonly #rows: AxisTaps;
  /** Exactly 2:1 both ways (video's S×S square to 128×128, a GIF twice the placement): each output is a 2×2 mean. */
  readonly #halve: boolean;
  /** Both axes' tap tables as the kernel reads them, one after another, and where each starts. */
  readonly #tables: { bytes: Uint8Array; at: number[] };
  readonly #fixedPoint: boolean;
  /** Where each workspace `renderIn` ran in holds its copy of the tables; held weakly, so a finished file's memory goes. */
  readonly #tablesIn = new WeakMap<Workspace, Pointer>();

  constructor(sourceWidth: number, sourceHeight: number, at: Placement, size: number, options: NormaliserOptions = {}) {
    this.#sourceWidth = sourceWidth;
    this.#channels = options.channels ?? 3;
    this.#at = at;
    this.#size = size;
    this.#columns = axisTaps(sourceWidth, at.width);
    this.#rows = axisTaps(sourceHeight, at.height);
    this.#halve = sourceWidth === 2 * at.width && sourceHeight === 2 * at.height;
    this.#fixedPoint = options.fixedPoint === true && !this.#halve;
    if (this.#fixedPoint && this.#channels !== 4) throw new RangeError('Fixed-point resampling reads RGBA');
    this.#tables = this.#fixedPoint
      ? packTables([...fixedColumns(this.#columns), this.#rows.first, this.#rows.count, fixedRows(this.#rows)])
      : packTables([this.#columns.first, this.#columns.count, this.#columns.weights, this.#rows.first, this.#rows.count, this.#rows.weights]);
  }

  /** `src` holds one frame as packed rows from `offset`; returns an S×S RGB canvas, `into` or a new one. */
  normalise(src: Uint8Array, offset: number, into?: Uint8Array): Uint8Array {
    const out = into ? into.fill(0) : new Uint8Array(this.#size * this.#size * 3);
    this.#render(src.subarray(offset), out, 0, this.#at.height, 0, this.#at.width);
    return out;
  }

  /**
   * The same, for a frame that differs from the one `previous` was made from only inside
   * `changed` (source pixels): only the output pixels whose taps reach into it are computed.
   * The result is `into` (a buffer other than `previous`) or a new canvas.
   */
  update(src: Uint8Array, previous: Uint8Array, changed: Rect, into?: Uint8Array): Uint8Array {
    const out = into ? (into.set(previous), into) : previous.slice();
    const reached = this.#reached(changed);
    if (reached) this.#render(src, out, ...reached);
    return out;
  }

  /** The rectangle of the S×S canvas that `update` and `renderIn` compute again for `changed`. */
  reached(changed: Rect): Rect {
    const reached = this.#reached(changed);
    if (!reached) return { left: 0, top: 0, width: 0, height: 0 };
    const [y0, y1, x0, x1] = reached;
    return { left: this.#at.left + x0, top: this.#at.top + y0, width: x1 - x0, height: y1 - y0 };
  }

  /** Rows [y0, y1) and columns [x0, x1) of the placed image whose taps read `changed`, if any. */
  #reached(changed: Rect): Span | undefined {
    if (changed.width === 0 || changed.height === 0) return undefined;
    const [y0, y1] = reach(this.#rows, this.#at.height, changed.top, changed.top + changed.height);
    const [x0, x1] = reach(this.#columns, this.#at.width, changed.left, changed.left + changed.width);
    return y0 < y1 && x0 < x1 ? [y0, y1, x0, x1] : undefined;
  }

  /** Output rows [y0, y1) and columns [x0, x1) of the placed image, written into `out`, a band of source rows at a time. */
  #render(src: Uint8Array, out: Uint8Array, y0: number, y1: number, x0: number, x1: number): void {
    const rowBytes = this.#sourceWidth * this.#channels;
    const { first, count } = this.#rows;
    for (let from = y0; from < y1; ) {
      let to = from + 1;
      while (to < y1 && (first[to]! + count[to]! - first[from]!) * rowBytes <= BAND_BYTES) to++;
      this.#renderBand(src, out, from, to, x0, x1);
      from = to;
    }
  }

  /**
   * The same resampling where the source and the S×S canvas already lie in `workspace` (at
   * `source` and `out`, whole): only `changed` (source pixels), or everything when it is absent,
   * is computed, in place. The tap tables are copied there once.
   */
  renderIn(workspace: Workspace, source: Pointer, out: Pointer, changed?: Rect): void {
    const reached: Span | undefined = changed ? this.#reached(changed) : [0, this.#at.height, 0, this.#at.width];
    if (!reached) return;
    const [y0, y1, x0, x1] = reached;
    const tables = this.placeIn(workspace);
    const layout = workspace.scratch();
    const [ring, total] = this.#scratch(layout, x1 - x0);
    workspace.kernels.memory(layout);
    this.#run(workspace.kernels.run, { source, rowBase: 0, out, outRowBase: 0, tables, ring, total }, y0, y1, x0, x1);
  }

  /**
   * Keeps the tap tables in `workspace` and reserves the scratch `renderIn` needs there, so that
   * later calls grow nothing; returns where the tables lie.
   */
  placeIn(workspace: Workspace): Pointer {
    let tables = this.#tablesIn.get(workspace);
    if (tables === undefined) {
      tables = workspace.keep(this.#tables.bytes.length);
      workspace.bytes().set(this.#tables.bytes, tables);
      this.#tablesIn.set(workspace, tables);
      const layout = new Layout();
      this.#scratch(layout, this.#at.width);
      workspace.reserve(layout.size);
    }
    return tables;
  }

  #renderBand(src: Uint8Array, out: Uint8Array, y0: number, y1: number, x0: number, x1: number): void {
    const rowBytes = this.#sourceWidth * this.#channels;
    const rows = this.#rows;
    const bandFirst = rows.first[y0]!;
    const bandEnd = rows.first[y1 - 1]! + rows.count[y1 - 1]!;
    const layout = new Layout();
    const tables = layout.take(this.#tables.bytes.length);
    const [ring, total] = this.#scratch(layout, x1 - x0);
    // Only the output rows this band writes go in and out.
    const outRowBytes = this.#size * 3;
    const [outFirst, outEnd] = [(this.#at.top + y0) * outRowBytes, (this.#at.top + y1) * outRowBytes];
    const target = layout.take(outEnd - outFirst);
    const band = layout.take((bandEnd - bandFirst) * rowBytes);
    const memory = kernels().memory(layout);
    memory.set(this.#tables.bytes, tables);
    memory.set(out.subarray(outFirst, outEnd), target);
    memory.set(src.subarray(bandFirst * rowBytes, bandEnd * rowBytes), band);
    this.#run(kernels().run, { source: band, rowBase: bandFirst, out: target, outRowBase: this.#at.top + y0, tables, ring, total }, y0, y1, x0, x1);
    out.set(memory.subarray(target, target + outEnd - outFirst), outFirst);
  }

  /** The kernel's ring of source-row sums and its row of totals, for `columns` output columns. */
  #scratch(layout: Layout, columns: number): [Pointer, Pointer] {
    const lane = columns * (this.#fixedPoint ? 16 : 32);
    const ring = layout.take(this.#halve ? this.#sourceWidth * this.#channels * 2 : this.#rows.stride * lane);
    return [ring, layout.take(lane)];
  }

  /** Output rows [y0, y1) and columns [x0, x1), from source rows held from `rowBase` on at `source` into output rows held from `outRowBase` on at `out`. */
  #run(run: KernelExports, at: KernelAddresses, y0: number, y1: number, x0: number, x1: number): void {
    const { left, top } = this.#at;
    const { source, rowBase, out, outRowBase, ring, total } = at;
    const rows = this.#rows;
    const tables = this.#tables.at.map((offset) => at.tables + offset) as [number, number, number, number, number, number, number?];
    if (this.#fixedPoint) {
      const [colFirst, colPairs, colWeightAt, colWeights, rowFirst, rowCount, rowWeights] = tables;
      run.resampleRgbaFixed(
        source, rowBase, this.#sourceWidth, out, outRowBase, this.#size, left, top,
        colFirst, colPairs, colWeightAt, colWeights, rowFirst, rowCount, rowWeights!, rows.stride,
        y0, y1, x0, x1, ring, total,
      );
    } else if (this.#halve) {
      // The general sum gives (a + b + c + d) / 4 + 0.5 exactly here (quarters are exact in binary), so this is the same value.
      run.halve(source, rowBase, this.#sourceWidth, this.#channels, out, outRowBase, this.#size, left, top, y0, y1, x0, x1, ring);
    } else {
      const [colFirst, colCount, colWeights, rowFirst, rowCount, rowWeights] = tables;
      run.resampleRgba(
        source, rowBase, this.#sourceWidth, this.#channels, out, outRowBase, this.#size, left, top,
        colFirst, colCount, colWeights, this.#columns.stride, rowFirst, rowCount, rowWeights, rows.stride,
        y0, y1, x0, x1, ring, total,
      );
    }
  }
}

/** Where one kernel call's data lies in the kernels' memory. */
interface KernelAddresses {
  source: Pointer;
  rowBase: number;
  out: Pointer;
  outRowBase: number;
  tables: Pointer;
  ring: Pointer;
  total: Pointer;
}

/** One output's weights as integers that sum to FIXED_ONE: rounded, and the remainder given to the largest. */
function fixedWeights(weights: Float64Array, from: number, count: number): Int32Array {
  const fixed = new Int32Array(count);
  let largest = 0;
  for (let j = 0; j < count; j++) {
    fixed[j] = Math.round(weights[from + j]! * FIXED_ONE);
    if (fixed[j]! > fixed[largest]!) largest = j;
  }
  fixed[largest] = fixed[largest]! + FIXED_ONE - fixed.reduce((sum, w) => sum + w, 0);
  return fixed;
}

/**
 * Per output column: first source pixel, pairs of taps, and where its pair weights start; then
 * the pair weights, one i16x8 per pair laid out for pixels interleaved as r₀ r₁ g₀ g₁ b₀ b₁ a₀ a₁.
 * An odd tap count gets a last weight of 0.
 */
function fixedColumns(columns: AxisTaps): [Int32Array, Int32Array, Int32Array, Int16Array] {
  const outputs = columns.first.length;
  const pairs = new Int32Array(outputs);
  const at = new Int32Array(outputs);
  let total = 0;
  for (let x = 0; x < outputs; x++) {
    pairs[x] = Math.ceil(columns.count[x]! / 2);
    at[x] = total;
    total += pairs[x]!;
  }
  const vectors = new Int16Array(total * 8);
  for (let x = 0; x < outputs; x++) {
    const fixed = fixedWeights(columns.weights, x * columns.stride, columns.count[x]!);
    for (let k = 0; k < pairs[x]!; k++) {
      const [a, b] = [fixed[2 * k] ?? 0, fixed[2 * k + 1] ?? 0];
      vectors.set([a, b, a, b, a, b, a, b], (at[x]! + k) * 8);
    }
  }
  return [columns.first, pairs, at, vectors];
}

/** Per output row, its rows' weights as integers, `stride` to a row. */
function fixedRows(rows: AxisTaps): Int32Array {
  const fixed = new Int32Array(rows.first.length * rows.stride);
  for (let y = 0; y < rows.first.length; y++) fixed.set(fixedWeights(rows.weights, y * rows.stride, rows.count[y]!), y * rows.stride);
  return fixed;
}

/** Typed arrays as one run of bytes, each starting on 16 bytes (the kernels' alignment), and their offsets. */
function packTables(tables: ArrayBufferView[]): { bytes: Uint8Array; at: number[] } {
  const layout = new Layout();
  const at = tables.map((table) => layout.take(table.byteLength));
  const bytes = new Uint8Array(layout.size);
  tables.forEach((table, i) => bytes.set(new Uint8Array(table.buffer, table.byteOffset, table.byteLength), at[i]));
  return { bytes, at };
}

/** The outputs [first, last) along one axis whose taps read any source index in [from, to). */
function reach(taps: AxisTaps, outputs: number, from: number, to: number): [number, number] {
  let lo = 0;
  while (lo < outputs && taps.first[lo]! + taps.count[lo]! <= from) lo++;
  let hi = lo;
  while (hi < outputs && taps.first[hi]! < to) hi++;
  return [lo, hi];
}
