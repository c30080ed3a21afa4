import { perceptualHash } from '../analysis/phash.ts';
import { colourHistogram, rgbToGray, thumbnailDescriptor } from '../analysis/pixels.ts';
import type { FrameBuffers } from './frame-buffers.ts';

/** Cells per side of the coreset/diversity descriptor: 16×16 RGB means, 768 numbers in [0, 1]. */
export const DESCRIPTOR_GRID = 16;

/**
 * Side of the analysis image that every score is computed on: SSIM, energy,
 * motion, descriptors, histograms and hashes. A 128×128 letterboxed image
 * keeps what those scores see while costing a quarter of 256×256, which lets
 * analysis keep pace with decoding. Only key frames are copied out at full size.
 */
export const ANALYSIS_SIZE = 128;

/**
 * One decoded frame. Scores read its small analysis image; the full S×S
 * normalised pixels are copied out of the source's buffers only when asked
 * for, which in practice means only for frames a selector keeps. (Both sources
 * make every frame at S×S and shrink it to the analysis image; the copy is what
 * a kept frame costs.) A source may lend the analysis image from
 * buffers it reuses (frame-buffers.ts): it is then readable while the frame is
 * one of the newest two, and for good once the frame is kept.
 */
export class Frame {
  readonly index: number;
  /** Start time with browser delay rules (a 0 or 10 ms GIF delay plays as 100 ms). */
  readonly timeMs: number;
  /** Start time from the file's own delays or presentation timestamps. */
  readonly rawTimeMs: number;
  /** Side of the full normalised frame. */
  readonly size: number;
  readonly analysisSize: number;
  /** Per-frame scores written by the metrics and the selector, for tuning. */
  readonly stats: Record<string, number> = {};

  #render: (() => Uint8Array) | undefined;
  #lent: FrameBuffers | undefined;
  #analysis: Uint8Array;
  #rgb: Uint8Array | undefined;
  #gray: Uint8Array | undefined;
  #descriptor: Float32Array | undefined;
  #histogram: Float32Array | undefined;
  #phash: string | undefined;

  /** `analysis.lent`: the buffers `analysis.rgb` belongs to, when the source reuses them. */
  constructor(
    index: number,
    time: { timeMs: number; rawTimeMs: number },
    size: number,
    analysis: { rgb: Uint8Array; size: number; lent?: FrameBuffers },
    render: () => Uint8Array,
  ) {
    this.index = index;
    this.timeMs = time.timeMs;
    this.rawTimeMs = time.rawTimeMs;
    this.size = size;
    this.#analysis = analysis.rgb;
    this.analysisSize = analysis.size;
    this.#lent = analysis.lent;
    this.#render = render;
  }

  /** Letterboxed RGB of side `analysisSize`, alpha composited over black. */
  get analysis(): Uint8Array {
    this.#checkLent('analysis image');
    return this.#analysis;
  }

  /** The full S×S normalised RGB frame: the key-frame image. */
  get rgb(): Uint8Array {
    if (!this.#rgb) {
      this.#rgb = this.#render!();
      // The renderer holds the decoder's buffer; drop it so a kept frame keeps only its own pixels.
      this.#render = undefined;
    }
    return this.#rgb;
  }

  /**
   * Render the full frame now, while the decoder's buffer is still at hand, and take its own copy
   * of the analysis images, so it can be read whenever; returns this frame.
   */
  keep(): this {
    void this.rgb;
    if (this.#lent) {
      this.#checkLent('analysis image');
      this.#analysis = this.#analysis.slice();
      this.#gray = this.#gray?.slice();
      this.#lent = undefined;
    }
    return this;
  }

  get gray(): Uint8Array {
    this.#checkLent('gray image');
    return (this.#gray ??= rgbToGray(this.#analysis, this.#lent?.gray(this.index)));
  }

  get descriptor(): Float32Array {
    return (this.#descriptor ??= thumbnailDescriptor(this.analysis, this.analysisSize, DESCRIPTOR_GRID));
  }

  get histogram(): Float32Array {
    return (this.#histogram ??= colourHistogram(this.analysis));
  }

  get phash(): string {
    return (this.#phash ??= perceptualHash(this.analysis, this.analysisSize, this.analysisSize));
  }

  #checkLent(what: string): void {
    // A caller bug, not bad input: whoever holds a frame past the next one must keep() it.
    if (this.#lent && !this.#lent.live(this.index)) {
      throw new Error(`Frame ${this.index}'s ${what} was read after frame ${this.#lent.newest} reused its buffer; keep() a frame to hold it`);
    }
  }
}
