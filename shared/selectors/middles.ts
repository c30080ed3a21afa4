import type { Frame } from '../media/frame.ts';
import type { Choice } from './selector.ts';

/**
 * Open-shot frames kept at S×S as possible middles, by default. A shot of up
 * to 2 × (candidates − lag − 1) frames gets its exact middle; past that the
 * candidates thin to every 2nd, 4th, … frame, so a long shot's representative
 * is within about length/(2 × candidates) frames of its middle while memory
 * stays at `candidates` frames (16 × 196 KB at 256×256).
 */
export const MIDDLE_CANDIDATES = 16;

interface ClosedShot {
  start: number;
  length: number;
  frame: Frame;
}

/**
 * Keeps, as frames stream, what a "middle frame of each shot, longest shots
 * win" rule needs at the end, without a second decode: for every closed shot
 * that can still be among the longest, the kept frame nearest its middle; for
 * the open shot, a thinning set of frames from the earliest possible middle on.
 */
export class ShotMiddles {
  readonly #maxShots: number;
  readonly #lag: number;
  readonly #candidates: number;
  #closed: ClosedShot[] = [];
  #open: Frame[] = [];
  #start = 0;
  #stride = 1;

  /** `lag`: frames a cut decision trails the newest frame by (the detector's window). */
  constructor(maxShots: number, lag: number, candidates: number = MIDDLE_CANDIDATES) {
    this.#maxShots = maxShots;
    this.#lag = lag;
    this.#candidates = candidates;
  }

  /** Call after the detector has seen `frame`; `shotStart` is the first frame of the newest shot it has accepted. */
  push(frame: Frame, shotStart: number): void {
    if (shotStart !== this.#start) this.#close(shotStart);
    if ((frame.index - this.#start) % this.#stride === 0) this.#open.push(frame.keep());
    // The open shot ends at frame.index − lag at the earliest, so its middle is at least this.
    const lowest = Math.floor((this.#start + Math.max(this.#start, frame.index - this.#lag)) / 2);
    while (this.#open.length > 1 && this.#open[1]!.index <= lowest) this.#open.shift();
    if (this.#open.length > this.#candidates) {
      this.#stride *= 2;
      this.#open = this.#open.filter((f) => (f.index - this.#start) % this.#stride === 0);
    }
  }

  /** Each pick (a shot's exact middle) with the kept frame nearest to it; ties go to the earlier frame. */
  resolve(picks: Choice[]): Choice[] {
    const kept = [...this.#closed.map((shot) => shot.frame), ...this.#open];
    return picks.map(({ index, score }) => {
      const frame = nearest(kept, index)!;
      return { index: frame.index, score, frame };
    });
  }

  #close(next: number): void {
    const end = next - 1;
    const frame = nearest(
      this.#open.filter((f) => f.index <= end),
      Math.floor((this.#start + end) / 2),
    );
    if (frame) {
      this.#closed.push({ start: this.#start, length: next - this.#start, frame });
      // Only the longest shots are picked in the end, so a closed shot outside them never returns.
      this.#closed.sort((a, b) => b.length - a.length || a.start - b.start);
      this.#closed.length = Math.min(this.#closed.length, this.#maxShots);
    }
    this.#open = this.#open.filter((f) => f.index >= next);
    this.#start = next;
    this.#stride = 1;
  }
}

function nearest(frames: readonly Frame[], index: number): Frame | undefined {
  let best: Frame | undefined;
  for (const frame of frames) {
    const distance = Math.abs(frame.index - index);
    if (!best || distance < Math.abs(best.index - index) || (distance === Math.abs(best.index - index) && frame.index < best.index)) best = frame;
  }
  return best;
}
