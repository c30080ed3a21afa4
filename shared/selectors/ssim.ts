import { ssimGray } from '../analysis/ssim.ts';
import { booleanOption, numberInRange, parseSpan, positiveInteger, spanReached, type Span } from '../is.ts';
import type { Frame } from '../media/frame.ts';
import { DEFAULT_MAX_KEY_FRAMES, FrameMetrics, parseOptions, type Choice, type SelectorDefinition } from './selector.ts';

export interface SsimOptions {
  /** A frame is a candidate when its SSIM with the previous frame is below this. */
  threshold: number;
  /** Frames (10) or seconds ("0.5s") that must pass since the last key frame. */
  minGap: Span;
  maxKeyFrames: number;
  /** Repeat the last key frame until there are exactly maxKeyFrames. */
  pad: boolean;
}

/**
 * The GIF notebook's rule with both of its bugs fixed: SSIM is taken on 0–255
 * grayscale (the notebook divided by 255 twice, so SSIM never left 1.0), and
 * the gap counts frames since the last key frame (the notebook reset it on
 * every frame, so it never picked a second one).
 */
const METRICS = new FrameMetrics({ ssim: 'grayscale SSIM against the previous frame' });

export const ssimSelector: SelectorDefinition<SsimOptions> = {
  name: 'ssim',
  version: 1,
  defaults: Object.freeze({ threshold: 0.95, minGap: { frames: 10 }, maxKeyFrames: DEFAULT_MAX_KEY_FRAMES, pad: false }),
  metrics: METRICS.declared,
  curve: { metric: 'ssim', threshold: 'threshold' },
  parse(raw) {
    return parseOptions('ssim', this.defaults, raw, {
      threshold: (v, name) => numberInRange(name, v, -1, 1),
      minGap: (v, name) => parseSpan(name, v),
      maxKeyFrames: (v, name) => positiveInteger(name, v),
      pad: (v, name) => booleanOption(name, v),
    });
  },
  create({ threshold, minGap, maxKeyFrames, pad }, { frameStats }) {
    const picks: Choice[] = [];
    let previous: Frame | undefined;
    let lastKey: Frame | undefined;
    return {
      push(frame) {
        // Within the gap, or with every key frame found, the score cannot make a key frame: it is
        // taken only when the frame's scores are wanted.
        const mayPick = picks.length < maxKeyFrames && (lastKey === undefined || spanReached(minGap, lastKey, frame));
        const similarity = previous && (mayPick || frameStats) ? ssimGray(previous.gray, frame.gray, frame.analysisSize, frame.analysisSize) : null;
        if (similarity !== null) METRICS.write(frame.stats, 'ssim', similarity);
        previous = frame;
        const isKey = mayPick && (lastKey === undefined || similarity! < threshold);
        if (!isKey) return false;
        picks.push({ index: frame.index, score: similarity });
        lastKey = frame;
        return true;
      },
      finish() {
        const last = picks[picks.length - 1];
        while (pad && last && picks.length < maxKeyFrames) picks.push({ ...last });
        return { picks };
      },
    };
  },
};
