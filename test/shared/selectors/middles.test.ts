import { describe, expect, it } from 'vitest';
import type { Frame } from '../../../shared/media/frame.ts';
import { MIDDLE_CANDIDATES, ShotMiddles } from '../../../shared/selectors/middles.ts';

/** Feeds frames 0..total−1 with cuts at `cuts`, each known `lag` frames late, as the scene detector reports them. */
function run(total: number, cuts: number[], lag = 2, maxShots = 10) {
  const middles = new ShotMiddles(maxShots, lag);
  let renders = 0;
  for (let index = 0; index < total; index++) {
    const frame = { index, keep: () => (renders++, frame) } as unknown as Frame;
    const known = cuts.filter((cut) => cut + lag <= index);
    middles.push(frame, known.length ? known[known.length - 1]! : 0);
  }
  const starts = [0, ...cuts];
  const exact = starts.map((start, k) => Math.floor((start + (starts[k + 1] ?? total) - 1) / 2));
  const resolved = middles.resolve(exact.map((index) => ({ index, score: null })));
  return { exact, resolved: resolved.map((c) => c.index), frames: resolved.map((c) => c.frame!.index), renders };
}

describe('shot middles kept while frames stream', () => {
  it('finds the exact middle of every shot up to 2 × (candidates − window − 1) frames (26)', () => {
    const { exact, resolved, frames } = run(90, [5, 11, 18, 38, 64]);
    expect(resolved).toEqual(exact);
    expect(frames).toEqual(exact);
  });

  it('stays near the middle of a long shot while rendering few of its frames', () => {
    const { exact, resolved, renders } = run(2000, [1000]);
    resolved.forEach((index, k) => expect(Math.abs(index - exact[k]!)).toBeLessThanOrEqual(1000 / 32));
    expect(renders).toBeLessThan(400);
  });

  it('keeps a bounded number of frames whatever the number of shots', () => {
    const cuts = Array.from({ length: 300 }, (_, k) => 10 + k * 7);
    const middles = new ShotMiddles(10, 2);
    const alive = new Set<number>();
    for (let index = 0; index < 2200; index++) {
      const frame = { index, keep: () => (alive.add(index), frame) } as unknown as Frame;
      const known = cuts.filter((cut) => cut + 2 <= index);
      middles.push(frame, known.length ? known[known.length - 1]! : 0);
    }
    // What resolve can still return is all that is held: the longest closed shots and the open candidates.
    const held = middles.resolve(Array.from({ length: 2200 }, (_, index) => ({ index, score: null })));
    expect(new Set(held.map((c) => c.index)).size).toBeLessThanOrEqual(10 + MIDDLE_CANDIDATES + 1);
  });
});
