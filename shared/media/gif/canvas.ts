/**
 * Frame-by-frame compositing with libnsgif's rules (libvips' GIF decoder):
 * one RGBA canvas, one saved copy for "restore to previous", one index buffer.
 * Pixels are written as whole 32-bit words from a 32-bit palette. Alpha is
 * composited over black as it is drawn, so a transparent pixel is stored as
 * black: a GIF's pixels are either opaque or fully transparent, which makes
 * that exact, and readers ignore the fourth byte.
 */
import { Workspace } from '../../kernels/index.ts';
import { Disposal, type GifFrameInfo, type GifLayout } from './scan.ts';
import { decodeAndPaint } from './lzw.ts';
import type { ByteSource } from './bytes.ts';

/** A rectangle of the canvas, already clipped to it. */
export interface CanvasRect {
  left: number;
  top: number;
  width: number;
  height: number;
}

const NOTHING: CanvasRect = Object.freeze({ left: 0, top: 0, width: 0, height: 0 });

export class GifCanvas {
  readonly width: number;
  readonly height: number;
  /** The kernels' memory the canvas lies in, and its address there: resamplers read it in place. */
  readonly workspace: Workspace;
  readonly address: number;
  readonly #source: ByteSource;
  readonly #layout: GifLayout;
  readonly #palette = new Uint32Array(256);
  readonly #paletteBytes = new Uint8Array(this.#palette.buffer);
  readonly #background: number;
  /** Address of the saved copy for "restore to previous", kept once a frame asks for it. */
  #saved = -1;
  #previous: { frame: GifFrameInfo; rect: CanvasRect } | null = null;

  constructor(source: ByteSource, layout: GifLayout, workspace: Workspace = new Workspace()) {
    this.#source = source;
    this.#layout = layout;
    this.width = layout.width;
    this.height = layout.height;
    this.workspace = workspace;
    this.address = workspace.keep(this.#bytes);
    const bg = layout.backgroundIndex;
    const colour = new Uint8Array(4);
    if (layout.palette && bg < layout.paletteEntries) colour.set(layout.palette.subarray(bg * 3, bg * 3 + 3));
    colour[3] = 255;
    this.#background = new Uint32Array(colour.buffer)[0]!;
  }

  /**
   * Packed RGBA rows of the composited canvas (the alpha byte is not meaningful): a view of the
   * workspace's memory, valid until the next frame is drawn or anything else grows that memory.
   */
  get rgba(): Uint8Array {
    return this.workspace.bytes().subarray(this.address, this.address + this.#bytes);
  }

  get #bytes(): number {
    return this.width * this.height * 4;
  }

  #pixels(): Uint32Array {
    return new Uint32Array(this.workspace.bytes().buffer, this.address, this.width * this.height);
  }

  /**
   * Dispose of the previous frame, then draw this one. Returns the part of the canvas that
   * may have changed, and what was wrong with the frame's data, if anything; `empty` when a
   * frame that should have pixels decoded none (libvips calls that invalid frame data).
   */
  draw(frame: GifFrameInfo): { changed: CanvasRect; problem: string | null; empty?: boolean } {
    const disposed = this.#dispose();
    const rect = clip(frame, this.width, this.height);
    if (frame.disposal === Disposal.RESTORE_PREVIOUS) this.#save(rect);
    this.#previous = { frame, rect };
    const changed = union(disposed, rect);
    if (rect.width === 0 || rect.height === 0) return { changed, problem: null };
    const limit = indexPixels(frame, this.#layout);
    const bytes = this.#source.read(frame.start, frame.end - frame.start);
    const palette = this.#loadPalette(frame, bytes);
    const target = { workspace: this.workspace, canvas: this.address, canvasWidth: this.width, canvasHeight: this.height, rect, frame, palette };
    const { pixels, problem } = decodeAndPaint(bytes, frame.dataOffset - frame.start, limit, target);
    if (pixels === 0) return { changed, problem: problem ?? 'no pixels in its image data', empty: true };
    return { changed, problem };
  }

  /** The frame's own palette, else the global one, else libnsgif's default (black, white); missing entries are black. */
  #loadPalette(frame: GifFrameInfo, frameBytes: Uint8Array): Uint32Array {
    const bytes = this.#paletteBytes;
    bytes.fill(0);
    const [rgb, entries] =
      frame.paletteOffset >= 0
        ? [frameBytes.subarray(frame.paletteOffset - frame.start), frame.paletteEntries]
        : [this.#layout.palette, this.#layout.paletteEntries];
    if (rgb) {
      for (let i = 0; i < entries; i++) {
        bytes[i * 4] = rgb[i * 3]!;
        bytes[i * 4 + 1] = rgb[i * 3 + 1]!;
        bytes[i * 4 + 2] = rgb[i * 3 + 2]!;
      }
    } else {
      bytes.fill(255, 4, 7);
    }
    return this.#palette;
  }

  /** Returns the rectangle it restored. */
  #dispose(): CanvasRect {
    const previous = this.#previous;
    if (!previous) return NOTHING;
    const { frame, rect } = previous;
    if (frame.disposal === Disposal.RESTORE_PREVIOUS && this.#saved >= 0) {
      this.#copyRect(this.#saved, this.address, rect);
    } else if (frame.disposal === Disposal.RESTORE_BACKGROUND || frame.disposal === Disposal.RESTORE_PREVIOUS) {
      // "Restore to background" clears to transparent (black here) only when the frame had transparency.
      this.#fill(rect, frame.transparentIndex >= 0 ? 0 : this.#background);
    } else {
      return NOTHING;
    }
    return rect;
  }

  #save(rect: CanvasRect): void {
    if (this.#saved < 0) this.#saved = this.workspace.keep(this.#bytes);
    this.#copyRect(this.address, this.#saved, rect);
  }

  /** Copies `rect` between two canvases in the workspace, given their addresses. */
  #copyRect(from: number, to: number, rect: CanvasRect): void {
    const memory = this.workspace.bytes();
    if (rect.width === this.width) {
      // Whole rows are one run of the canvas: one copy.
      const start = rect.top * this.width * 4;
      memory.copyWithin(to + start, from + start, from + start + rect.height * this.width * 4);
      return;
    }
    for (let y = rect.top; y < rect.top + rect.height; y++) {
      const start = (y * this.width + rect.left) * 4;
      memory.copyWithin(to + start, from + start, from + start + rect.width * 4);
    }
  }

  #fill(rect: CanvasRect, colour: number): void {
    const pixels = this.#pixels();
    if (rect.width === this.width) {
      pixels.fill(colour, rect.top * this.width, (rect.top + rect.height) * this.width);
      return;
    }
    for (let y = rect.top; y < rect.top + rect.height; y++) {
      const start = y * this.width + rect.left;
      pixels.fill(colour, start, start + rect.width);
    }
  }
}

export function clip(frame: GifFrameInfo, width: number, height: number): CanvasRect {
  if (frame.left >= width || frame.top >= height) return NOTHING;
  return { left: frame.left, top: frame.top, width: Math.min(frame.width, width - frame.left), height: Math.min(frame.height, height - frame.top) };
}

function union(a: CanvasRect, b: CanvasRect): CanvasRect {
  if (a.width === 0 || a.height === 0) return b;
  if (b.width === 0 || b.height === 0) return a;
  const left = Math.min(a.left, b.left);
  const top = Math.min(a.top, b.top);
  const right = Math.max(a.left + a.width, b.left + b.width);
  const bottom = Math.max(a.top + a.height, b.top + b.height);
  return { left, top, width: right - left, height: bottom - top };
}

/**
 * Indices worth decoding: a progressive frame's rows come in four passes, so all of
 * them; a plain frame stops at the canvas' last row.
 */
export function indexPixels(frame: GifFrameInfo, layout: Pick<GifLayout, 'width' | 'height'>): number {
  if (frame.left >= layout.width || frame.top >= layout.height) return 0;
  const rows = frame.interlaced ? frame.height : Math.min(frame.height, layout.height - frame.top);
  return rows * frame.width;
}
