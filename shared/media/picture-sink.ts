import type { ByteSink } from './child-output.ts';
import type { Placement } from './letterbox.ts';

/**
 * Takes one frame of a fitted RGB picture, row after row as ffmpeg writes it, into its place in
 * an S×S RGB square; the rest of the square is never written, so it stays as it was (black).
 * What ffmpeg's pad filter would make, for 44% fewer bytes through the socket at 16:9.
 */
export class PictureSink implements ByteSink {
  readonly #square: Uint8Array;
  readonly #size: number;
  readonly #at: Placement;
  readonly #rowBytes: number;
  readonly #total: number;
  #filled = 0;

  constructor(square: Uint8Array, size: number, at: Placement) {
    if (square.length !== size * size * 3 || at.left < 0 || at.top < 0 || at.left + at.width > size || at.top + at.height > size) {
      throw new RangeError(`PictureSink: a ${at.width}×${at.height} picture at (${at.left}, ${at.top}) does not fit a ${size}×${size} square`);
    }
    this.#square = square;
    this.#size = size;
    this.#at = at;
    this.#rowBytes = at.width * 3;
    this.#total = this.#rowBytes * at.height;
  }

  reset(): this {
    this.#filled = 0;
    return this;
  }

  get full(): boolean {
    return this.#filled === this.#total;
  }

  write(data: Uint8Array): number {
    const take = Math.min(data.length, this.#total - this.#filled);
    const { left, top, width } = this.#at;
    if (width === this.#size) {
      // Whole rows: the picture's bytes are one run of the square's.
      this.#square.set(take === data.length ? data : data.subarray(0, take), top * this.#rowBytes + this.#filled);
      this.#filled += take;
      return take;
    }
    for (let from = 0; from < take; ) {
      const row = Math.floor(this.#filled / this.#rowBytes);
      const column = this.#filled - row * this.#rowBytes;
      const run = Math.min(this.#rowBytes - column, take - from);
      this.#square.set(data.subarray(from, from + run), ((top + row) * this.#size + left) * 3 + column);
      from += run;
      this.#filled += run;
    }
    return take;
  }
}
