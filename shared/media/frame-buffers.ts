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

import type { Workspace } from '../kernels/index.ts';

/** The newest frame and the one before it. */
export const LIVE_FRAMES = 2;

export class FrameBuffers {
  readonly #rgb: Buffers;
  readonly #gray: Buffers;
  #newest = -1;

  /**
   * In `workspace`, the buffers are kept regions of its memory, so that kernels run on them where
   * they lie. A view of that memory lasts until it grows: the source keeps and reserves everything
   * its calls need before the first frame.
   */
  constructor(side: number, workspace?: Workspace) {
    this.#rgb = buffers(side * side * 3, workspace);
    this.#gray = buffers(side * side, workspace);
  }

  /** Frame `index` is the newest now: the RGB buffer to write its analysis image into. */
  next(index: number): Uint8Array {
    this.#newest = index;
    return this.#rgb(index % LIVE_FRAMES);
  }

  /** Whether frame `index`'s buffers still hold its images. */
  live(index: number): boolean {
    return index <= this.#newest && index > this.#newest - LIVE_FRAMES;
  }

  get newest(): number {
    return this.#newest;
  }

  rgb(index: number): Uint8Array {
    return this.#rgb(index % LIVE_FRAMES);
  }

  gray(index: number): Uint8Array {
    return this.#gray(index % LIVE_FRAMES);
  }
}

/** The buffer of each live slot. */
type Buffers = (slot: number) => Uint8Array;

function buffers(bytes: number, workspace: Workspace | undefined): Buffers {
  if (!workspace) {
    const own = Array.from({ length: LIVE_FRAMES }, () => new Uint8Array(bytes));
    return (slot) => own[slot]!;
  }
  const at = Array.from({ length: LIVE_FRAMES }, () => workspace.keep(bytes));
  return (slot) => workspace.bytes().subarray(at[slot]!, at[slot]! + bytes);
}
