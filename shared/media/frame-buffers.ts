/**
 * The analysis images of the newest frames, in buffers a source writes again
 * and again instead of allocating two new ones (RGB and gray, 64 KB at
 * 128×128) for every frame. Freed buffers are returned only when V8 collects
 * them, which it does late for memory outside its heap, so a fresh pair per
 * frame made peak memory grow with the length of the clip.
 *
 * Everything that compares frames compares the newest with the one before
 * it; a frame held longer than that is kept (`Frame.keep()`), which copies
 * its images out.
 */

/** The newest frame and the one before it. */
export const LIVE_FRAMES = 2;

export class FrameBuffers {
  readonly #rgb: Uint8Array[];
  readonly #gray: Uint8Array[];
  #newest = -1;

  constructor(side: number) {
    this.#rgb = Array.from({ length: LIVE_FRAMES }, () => new Uint8Array(side * side * 3));
    this.#gray = Array.from({ length: LIVE_FRAMES }, () => new Uint8Array(side * side));
  }

  /** Frame `index` is the newest now: the RGB buffer to write its analysis image into. */
  next(index: number): Uint8Array {
    this.#newest = index;
    return this.#rgb[index % LIVE_FRAMES]!;
  }

  /** Whether frame `index`'s buffers still hold its images. */
  live(index: number): boolean {
    return index <= this.#newest && index > this.#newest - LIVE_FRAMES;
  }

  get newest(): number {
    return this.#newest;
  }

  rgb(index: number): Uint8Array {
    return this.#rgb[index % LIVE_FRAMES]!;
  }

  gray(index: number): Uint8Array {
    return this.#gray[index % LIVE_FRAMES]!;
  }
}
