/**
 * The hot pixel loops, compiled to WebAssembly with SIMD (sources in ./assembly/, AssemblyScript;
 * `npm run build:kernels` makes ./wasm.ts). V8 runs typed-array loops one element at a time with
 * bounds checks; WebAssembly with SIMD takes sixteen bytes per instruction. Each kernel that
 * replaced TypeScript does the same integer and double arithmetic, so its results are the same to the
 * bit; the one new kernel, fixed-point resampling for a GIF's S×S frames, is within one level of them.
 *
 * The module has no allocator. A caller lays out one call's data from address 0 (`Layout`), copies
 * it in (`stage`), runs a kernel and copies results out. Calls are synchronous and JavaScript
 * runs one at a time, so one instance serves the whole process; its memory grows to the largest
 * call and stays there (callers cut big inputs into bands, so that is a few MiB). A GIF source
 * instead takes an instance of its own (`Workspace`) and keeps its canvas and images in it.
 */
import { KERNELS_WASM } from './wasm.ts';

/** An address in the kernels' memory. */
export type Pointer = number;

export interface KernelExports {
  memory: WebAssembly.Memory;
  resampleRgba(
    src: Pointer, rowBase: number, srcWidth: number, channels: number, out: Pointer, outRowBase: number, size: number, left: number, top: number,
    colFirst: Pointer, colCount: Pointer, colWeights: Pointer, colStride: number,
    rowFirst: Pointer, rowCount: Pointer, rowWeights: Pointer, ringRows: number,
    y0: number, y1: number, x0: number, x1: number, ring: Pointer, total: Pointer,
  ): void;
  resampleRgbaFixed(
    src: Pointer, rowBase: number, srcWidth: number, out: Pointer, outRowBase: number, size: number, left: number, top: number,
    colFirst: Pointer, colPairs: Pointer, colWeightAt: Pointer, colWeights: Pointer,
    rowFirst: Pointer, rowCount: Pointer, rowWeights: Pointer, ringRows: number,
    y0: number, y1: number, x0: number, x1: number, ring: Pointer, total: Pointer,
  ): void;
  halve(src: Pointer, rowBase: number, srcWidth: number, channels: number, out: Pointer, outRowBase: number, size: number, left: number, top: number, y0: number, y1: number, x0: number, x1: number, pairs: Pointer): void;
  lzwDecode(bytes: Pointer, length: number, at: number, out: Pointer, limit: number, table: Pointer, status: Pointer): number;
  paintIndices(
    indices: Pointer, pixels: number, frameWidth: number, frameHeight: number, interlaced: boolean, width: number,
    palette: Pointer, transparent: number, canvas: Pointer, canvasWidth: number, canvasHeight: number, left: number, top: number,
  ): void;
  cellSums(rgb: Pointer, size: number, top: number, left: number, width: number, height: number, grid: number, sums: Pointer, counts: Pointer, column: Pointer): void;
  toneCounts(rgb: Pointer, size: number, top: number, left: number, bottom: number, right: number, stride: number, levels: number, lower: Pointer, share: Pointer, counts: Pointer): number;
  rgbToGray(rgb: Pointer, out: Pointer, pixels: number): void;
  sumSquaredDifference(a: Pointer, b: Pointer, bytes: number): number;
  sumAbsoluteDifference(a: Pointer, b: Pointer, bytes: number): number;
  ssimGray(a: Pointer, b: Pointer, width: number, height: number, window: number, step: number, c1: number, c2: number, column: Pointer): number;
}

const PAGE = 65536;
/** Regions start on 16 bytes and end with 16 spare, so a vector load at a region's last byte stays inside. */
const ALIGN = 16;

let compiled: WebAssembly.Module | undefined;
let instance: Kernels | undefined;

/** The process's kernels, instantiated on first use. */
export function kernels(): Kernels {
  return (instance ??= new Kernels());
}

/** One instance of the kernels and its memory: `kernels()` is the process's, and each `Workspace` has its own. */
export class Kernels {
  readonly run: KernelExports;
  #bytes: Uint8Array;

  constructor() {
    compiled ??= new WebAssembly.Module(Buffer.from(KERNELS_WASM, 'base64'));
    this.run = new WebAssembly.Instance(compiled, {}).exports as unknown as KernelExports;
    this.#bytes = new Uint8Array(this.run.memory.buffer);
  }

  /** The memory as bytes, grown to hold `layout` first. Valid until the next call to `memory`. */
  memory(layout: Layout): Uint8Array {
    const missing = layout.size - this.run.memory.buffer.byteLength;
    if (missing > 0) this.run.memory.grow(Math.ceil(missing / PAGE));
    if (this.#bytes.buffer !== this.run.memory.buffer) this.#bytes = new Uint8Array(this.run.memory.buffer);
    return this.#bytes;
  }
}

/** The workspace each kernels memory belongs to, so that a kernel can run on arrays already in it. */
const HOLDERS = new WeakMap<ArrayBufferLike, Workspace>();

/**
 * A memory of one's own (one instance of the kernels) holding regions for as long as it lives, such
 * as a GIF's canvas for the whole file. Regions are taken from address 0 on; each call lays out its
 * scratch after them. Views of the memory end when it grows, so a caller takes them afresh (`bytes`),
 * or reserves the scratch its calls need up front (`reserve`) and keeps its views.
 */
export class Workspace {
  readonly kernels = new Kernels();
  readonly #kept = new Layout();
  #reserved = 0;

  /** The workspace whose kept regions hold every one of `arrays`, if there is one: a kernel can run on them where they lie. */
  static holding(...arrays: ArrayBufferView[]): Workspace | undefined {
    const buffer = arrays[0]!.buffer;
    const workspace = HOLDERS.get(buffer);
    if (!workspace || workspace.kernels.run.memory.buffer !== buffer) return undefined;
    const kept = workspace.#kept.size;
    return arrays.every((a) => a.buffer === buffer && a.byteOffset + a.byteLength <= kept) ? workspace : undefined;
  }

  /** A region of `bytes` bytes, zeroed, kept for the workspace's life; returns its address. */
  keep(bytes: number): Pointer {
    const at = this.#kept.take(bytes);
    // Earlier calls' scratch may have used these bytes; a kept region starts black, as a canvas does.
    this.#memory(new Layout(this.#kept.size + this.#reserved)).fill(0, at, at + bytes);
    return at;
  }

  /** Grows the memory now to hold `bytes` of scratch after the kept regions, so that calls needing no more never grow it. */
  reserve(bytes: number): void {
    this.#reserved = Math.max(this.#reserved, bytes);
    this.#memory(new Layout(this.#kept.size + this.#reserved));
  }

  /** The layout of one call's scratch, after every kept region. */
  scratch(): Layout {
    return new Layout(this.#kept.size);
  }

  /** Where `bytes` of scratch start for a call on kept regions in place, if the memory has room without growing. */
  scratchInPlace(bytes: number): Pointer | undefined {
    const at = this.#kept.size;
    return at + bytes <= this.kernels.run.memory.buffer.byteLength ? at : undefined;
  }

  /** The memory as bytes, holding every kept region. Valid until the memory grows. */
  bytes(): Uint8Array {
    return this.#memory(this.#kept);
  }

  #memory(layout: Layout): Uint8Array {
    const bytes = this.kernels.memory(layout);
    HOLDERS.set(bytes.buffer, this);
    return bytes;
  }
}

/** Regions placed one after another from `start` (address 0 for one call's data). */
export class Layout {
  size: number;

  constructor(start: Pointer = 0) {
    this.size = start;
  }

  /** A region of `bytes` bytes; returns its address. */
  take(bytes: number): Pointer {
    const at = this.size;
    this.size = Math.ceil((at + bytes + ALIGN) / ALIGN) * ALIGN;
    return at;
  }
}

/** Copy `data` to `at`, as bytes whatever its element type. */
export function stage(memory: Uint8Array, at: Pointer, data: ArrayBufferView): void {
  memory.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), at);
}
