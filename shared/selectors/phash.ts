import { hashSimilarity } from '../analysis/phash.ts';
import { numberInRange, positiveInteger } from '../is.ts';
import { DEFAULT_MAX_KEY_FRAMES, FrameMetrics, parseOptions, type Choice, type SelectorDefinition } from './selector.ts';

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
const METRICS = new FrameMetrics({ phashSimilarity: 'perceptual-hash similarity (0–100) to the last key frame' });

export const phashSelector: SelectorDefinition<PhashOptions> = {
  name: 'phash',
  version: 2,
  defaults: Object.freeze({ threshold: 90, maxKeyFrames: DEFAULT_MAX_KEY_FRAMES }),
  metrics: METRICS.declared,
  curve: { metric: 'phashSimilarity', threshold: 'threshold' },
  parse(raw) {
    return parseOptions('phash', this.defaults, raw, {
      threshold: (v, name) => numberInRange(name, v, 0, 100),
      maxKeyFrames: (v, name) => positiveInteger(name, v),
    });
  },
  create({ threshold, maxKeyFrames }) {
    const picks: Choice[] = [];
    let lastKeptHash: string | undefined;
    return {
      push(frame) {
        if (picks.length >= maxKeyFrames) return false;
        const similarity = lastKeptHash === undefined ? null : hashSimilarity(lastKeptHash, frame.phash);
        if (similarity !== null) {
          METRICS.write(frame.stats, 'phashSimilarity', similarity);
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
