import { descriptorDistance } from '../analysis/pixels.ts';
import { numberInRange } from '../is.ts';
import {
  DEFAULT_MAX_KEY_FRAMES,
  parseMaxKeyFrames,
  rejectUnknown,
  type Choice,
  type SelectorDefinition,
} from './selector.ts';

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
 * It needs every descriptor before it can choose, so its frames come from a second decode.
 */
export const coresetSelector: SelectorDefinition<CoresetOptions> = {
  name: 'coreset',
  version: 1,
  defaults: Object.freeze({ maxKeyFrames: DEFAULT_MAX_KEY_FRAMES, minDistance: 0.02 }),
  parse(raw) {
    rejectUnknown('coreset', raw, this.defaults);
    const options = { ...this.defaults, ...raw };
    return {
      maxKeyFrames: parseMaxKeyFrames('coreset', options.maxKeyFrames),
      minDistance: numberInRange('coreset.minDistance', options.minDistance, 0, 1),
    };
  },
  create({ maxKeyFrames, minDistance }) {
    const descriptors: Float32Array[] = [];
    return {
      push(frame) {
        descriptors.push(frame.descriptor);
        return false;
      },
      finish() {
        return { picks: farthestFirst(descriptors, maxKeyFrames, minDistance) };
      },
    };
  },
};

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
