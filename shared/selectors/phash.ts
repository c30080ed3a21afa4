import { hashSimilarity } from '../analysis/phash.ts';
import { numberInRange } from '../is.ts';
import {
  DEFAULT_MAX_KEY_FRAMES,
  parseMaxKeyFrames,
  rejectUnknown,
  type Choice,
  type SelectorDefinition,
} from './selector.ts';

export interface PhashOptions {
  /** Drop a frame whose hash similarity to the last kept frame is at least this percentage. */
  threshold: number;
  maxKeyFrames: number;
}

/**
 * The dedupe module's rule: compare with the last *kept* frame, so slow drift still yields new frames.
 * Version 2: GIF frames are now area-averaged in both directions (libvips shrank widths
 * linearly before), which moved one corpus pick.
 */
export const phashSelector: SelectorDefinition<PhashOptions> = {
  name: 'phash',
  version: 2,
  defaults: Object.freeze({ threshold: 90, maxKeyFrames: DEFAULT_MAX_KEY_FRAMES }),
  parse(raw) {
    rejectUnknown('phash', raw, this.defaults);
    const options = { ...this.defaults, ...raw };
    return {
      threshold: numberInRange('phash.threshold', options.threshold, 0, 100),
      maxKeyFrames: parseMaxKeyFrames('phash', options.maxKeyFrames),
    };
  },
  create({ threshold, maxKeyFrames }) {
    const picks: Choice[] = [];
    let lastKeptHash: string | undefined;
    return {
      push(frame) {
        if (picks.length >= maxKeyFrames) return false;
        const similarity = lastKeptHash === undefined ? null : hashSimilarity(lastKeptHash, frame.phash);
        if (similarity !== null) {
          frame.stats.phashSimilarity = similarity;
          if (similarity >= threshold) return false;
        }
        lastKeptHash = frame.phash;
        picks.push({ index: frame.index, score: similarity });
        return true;
      },
      finish: () => ({ picks }),
    };
  },
};
