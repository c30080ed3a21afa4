import { descriptorDistance } from '../analysis/pixels.ts';
import { numberInRange, positiveInteger } from '../is.ts';
import type { Frame } from '../media/frame.ts';
import { DEFAULT_MAX_KEY_FRAMES, parseOptions, type Choice, type SelectorDefinition } from './selector.ts';

export interface CoresetOptions {
  /** Stop at this many frames (K). */
  maxKeyFrames: number;
  /** Or stop earlier, once every frame is within this descriptor distance of a chosen one. */
  minDistance: number;
}

/**
 * Greedy k-center (farthest-first traversal), Lightly's diverse selection.
 * Descriptor: the frame's 16×16 RGB area means in [0, 1]; distance: their RMS
 * difference, so 0 is identical and 1 is black against white. The first frame
 * seeds the set, which makes the result deterministic; ties go to the earlier frame.
 *
 * Nothing is decoded twice, so the traversal runs over a pool of frames kept at S×S
 * as they stream: a frame joins when it is farther than the pool's radius from every
 * member, and when the pool overflows the radius doubles and the pool is thinned
 * in frame order (the doubling algorithm for streaming k-center). Every frame left
 * out is within the radius of a member. Version 2: picks come from that pool.
 */
export const coresetSelector: SelectorDefinition<CoresetOptions> = {
  name: 'coreset',
  version: 2,
  defaults: Object.freeze({ maxKeyFrames: DEFAULT_MAX_KEY_FRAMES, minDistance: 0.02 }),
  metrics: [],
  parse(raw) {
    return parseOptions('coreset', this.defaults, raw, {
      maxKeyFrames: (v, name) => positiveInteger(name, v),
      minDistance: (v, name) => numberInRange(name, v, 0, 1),
    });
  },
  create({ maxKeyFrames, minDistance }) {
    const pool = new DiversePool(maxKeyFrames * POOL_PER_KEY_FRAME, minDistance);
    return {
      push(frame) {
        pool.offer(frame);
        return false;
      },
      finish() {
        const members = pool.members;
        const picks = farthestFirst(members.map((f) => f.descriptor), maxKeyFrames, minDistance);
        return { picks: picks.map(({ index, score }) => ({ index: members[index]!.index, score, frame: members[index] })) };
      },
    };
  },
};

/** Pool members per key frame asked for: 80 S×S frames (about 16 MB at 256) for the default 10. */
const POOL_PER_KEY_FRAME = 8;

class DiversePool {
  readonly #capacity: number;
  #radius: number;
  #members: Frame[] = [];

  constructor(capacity: number, radius: number) {
    this.#capacity = capacity;
    this.#radius = radius;
  }

  get members(): readonly Frame[] {
    return this.#members;
  }

  offer(frame: Frame): void {
    const descriptor = frame.descriptor;
    if (this.#members.length > 0 && this.#members.some((m) => descriptorDistance(m.descriptor, descriptor) <= this.#radius)) return;
    this.#members.push(frame.keep());
    while (this.#members.length > this.#capacity) this.#thin();
  }

  #thin(): void {
    const members = this.#members;
    let closest = Infinity;
    for (let i = 0; i < members.length; i++) {
      for (let j = 0; j < i; j++) closest = Math.min(closest, descriptorDistance(members[i]!.descriptor, members[j]!.descriptor));
    }
    this.#radius = Math.max(2 * this.#radius, closest);
    const kept: Frame[] = [];
    for (const m of members) if (kept.every((k) => descriptorDistance(k.descriptor, m.descriptor) > this.#radius)) kept.push(m);
    this.#members = kept;
  }
}

export function farthestFirst(points: readonly Float32Array[], k: number, minDistance: number): Choice[] {
  if (points.length === 0) return [];
  const nearest = new Float64Array(points.length).fill(Infinity);
  const picks: Choice[] = [];
  let chosen = 0;
  let radius: number | null = null;
  while (picks.length < k) {
    picks.push({ index: chosen, score: radius });
    const centre = points[chosen]!;
    let farthest = -1;
    for (let i = 0; i < points.length; i++) {
      nearest[i] = Math.min(nearest[i]!, descriptorDistance(points[i]!, centre));
      if (farthest < 0 || nearest[i]! > nearest[farthest]!) farthest = i;
    }
    radius = nearest[farthest]!;
    if (radius <= minDistance) break;
    chosen = farthest;
  }
  return picks.sort((a, b) => a.index - b.index);
}
