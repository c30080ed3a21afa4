import { perceptualHash } from '../analysis/phash.ts';
import { colourHistogram, rgbToGray, thumbnailDescriptor } from '../analysis/pixels.ts';

/** Cells per side of the coreset/diversity descriptor: 16×16 RGB means, 768 numbers in [0, 1]. */
export const DESCRIPTOR_GRID = 16;

/**
 * One normalised frame: S×S packed RGB, letterboxed, alpha composited over black.
 * Derived features are computed on first use and cached, so a frame that no
 * selector looks at twice costs nothing twice.
 */
export class Frame {
  readonly index: number;
  /** Start time with browser delay rules (a 0 or 10 ms GIF delay plays as 100 ms). */
  readonly timeMs: number;
  /** Start time from the file's own delays or presentation timestamps. */
  readonly rawTimeMs: number;
  readonly size: number;
  readonly rgb: Uint8Array;
  /** Per-frame scores written by the metrics and the selector, for tuning. */
  readonly stats: Record<string, number> = {};

  #gray: Uint8Array | undefined;
  #descriptor: Float32Array | undefined;
  #phash: string | undefined;
  #histogram: Float32Array | undefined;

  constructor(index: number, timeMs: number, rawTimeMs: number, size: number, rgb: Uint8Array) {
    this.index = index;
    this.timeMs = timeMs;
    this.rawTimeMs = rawTimeMs;
    this.size = size;
    this.rgb = rgb;
  }

  get gray(): Uint8Array {
    return (this.#gray ??= rgbToGray(this.rgb));
  }

  get descriptor(): Float32Array {
    return (this.#descriptor ??= thumbnailDescriptor(this.rgb, this.size, DESCRIPTOR_GRID));
  }

  get histogram(): Float32Array {
    return (this.#histogram ??= colourHistogram(this.rgb));
  }

  get phash(): string {
    return (this.#phash ??= perceptualHash(this.rgb, this.size, this.size));
  }
}
