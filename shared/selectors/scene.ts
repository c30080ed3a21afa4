import { numberInRange, parseSpan, positiveInteger, type Span } from '../is.ts';
import type { Frame } from '../media/frame.ts';
import { DEFAULT_MAX_KEY_FRAMES, FrameMetrics, parseOptions, type Choice, type SelectorDefinition } from './selector.ts';
import { ShotMiddles } from './middles.ts';
import { adaptiveRatio, decideShots, type DetectedShot, type ShotRules } from './shot-decisions.ts';
import { SignalTracker, type FrameSignals } from './shot-signals.ts';

/**
 * Shots are decided from the signals at the end, but their middles must be
 * kept while frames stream (nothing is decoded twice). So every few frames the
 * shots are decided again over a trailing window, and the start of the newest
 * shot that more frames can no longer move tells `ShotMiddles` which frames
 * may still be a middle. A decision about frame i looks at most 16 frames past
 * it (the widest blend test) plus the ratio's window, so 24 frames of lag
 * settle it; 256 frames of context hold a fade of several seconds.
 */
const SETTLE_EVERY = 4;
const SETTLED_LAG = 24;
const CONTEXT = 256;
/** Open-shot candidates: enough that shots up to 2 × (64 − 24 − 1) = 78 frames get their exact middle (64 × 196 KB at 256×256). */
const CANDIDATES = 64;

export interface SceneOptions {
  /**
   * Least content change (0–1) for a hard cut. A cut to an unrelated picture
   * scores about 0.6–0.8 and a cut to black about 0.5; motion within a shot
   * rarely passes 0.3 between frames, and what does is screened by the ratio.
   */
  threshold: number;
  /**
   * The change must also be this many times the mean change of the frames on
   * the calmer side. PySceneDetect's AdaptiveDetector asks 3; change saturates
   * near 0.7 between unrelated pictures, so in fast action (0.25 a frame) a
   * clean cut reaches under 3×, and 2.5× still sets it apart.
   */
  ratio: number;
  /** Frames on each side that make up "around it". */
  window: number;
  /**
   * Frames (3) or seconds ("0.5s"): the shortest shot. A 3-frame shot is 0.3 s
   * of a 10 fps GIF; one- and two-frame flashes are rejected by the flash test.
   */
  minShotLength: Span;
  maxKeyFrames: number;
}

/**
 * Shot detection in the manner of PySceneDetect's AdaptiveDetector, blind to
 * brightness. Content change between frames is the mean of a change of shape
 * (cell means of the picture standardised by mean colour and contrast, so a
 * fade leaves it) and of tones (a histogram of standardised colours, which a
 * pan leaves); between flat frames the mean colour carries it. A hard cut is
 * large in absolute terms and against its calmer side, is not a one- or
 * two-frame flash, and happens in one step. Fades are contrast ramps to or from
 * a faint (near-black, near-white or plain) frame; dissolves are runs of frames
 * that are blends of frames before and after. Each gives one boundary, and each
 * shot records how it began: `cut`, or `gradual` with the transition's frames.
 *
 * Representative frame: the middle frame of each shot, clear of the
 * transitions at both ends. Over maxKeyFrames shots, the longest win. Shots
 * are known only at the end, so the frames that may still be a middle are kept
 * as they stream (middles.ts, fed by the shots settled so far): exact for short
 * shots, within a few frames of the middle for long ones.
 */
const METRICS = new FrameMetrics({
  content: 'content change against the previous frame (0–1), blind to brightness',
  contrast: 'standard deviation of luma, which a fade takes towards 0',
  luma: 'mean luma (0–1)',
  blend: 'shape change between the ends of the widest window in which the frame is a blend of them; 0 if none',
  adaptiveRatio: 'content change against the mean change of the calmer side (PySceneDetect AdaptiveDetector)',
});

export const sceneSelector: SelectorDefinition<SceneOptions> = {
  name: 'scene',
  version: 3,
  defaults: Object.freeze({
    threshold: 0.3,
    ratio: 2.5,
    window: 2,
    minShotLength: { frames: 3 },
    maxKeyFrames: DEFAULT_MAX_KEY_FRAMES,
  }),
  metrics: METRICS.declared,
  curve: { metric: 'content', threshold: 'threshold' },
  parse(raw) {
    return parseOptions('scene', this.defaults, raw, {
      threshold: (v, name) => numberInRange(name, v, 0, 1),
      ratio: (v, name) => numberInRange(name, v, 1, 1000),
      window: (v, name) => positiveInteger(name, v),
      minShotLength: (v, name) => parseSpan(name, v),
      maxKeyFrames: (v, name) => positiveInteger(name, v),
    });
  },
  create(options) {
    const tracker = new SignalTracker();
    const middles = new ShotMiddles(options.maxKeyFrames, SETTLED_LAG, CANDIDATES);
    const stats: Array<Frame['stats']> = [];
    let settledStart = 0;
    return {
      push(frame) {
        tracker.push(frame.index, frame.timeMs, frame.analysis, frame.analysisSize);
        const s = tracker.signals;
        METRICS.write(frame.stats, 'content', s.change[frame.index]!);
        METRICS.write(frame.stats, 'contrast', s.contrast[frame.index]!);
        METRICS.write(frame.stats, 'luma', s.luma[frame.index]!);
        stats.push(frame.stats);
        if (frame.index % SETTLE_EVERY === 0) settledStart = Math.max(settledStart, newestSettledStart(s, frame.index, options));
        middles.push(frame, settledStart);
        return false;
      },
      finish() {
        const s = tracker.signals;
        // Written now: the blend test of a frame needs the frames after it, and the ratio its neighbours.
        stats.forEach((frameStats, i) => {
          METRICS.write(frameStats, 'blend', s.blend[i]!);
          const ratio = adaptiveRatio(s.change, i, options.window);
          if (i > 0 && Number.isFinite(ratio)) METRICS.write(frameStats, 'adaptiveRatio', ratio);
        });
        const shots = decideShots(s, options);
        return {
          shots: shots.map(({ cutScore: _, ...shot }) => shot),
          picks: middles.resolve(representatives(shots, s.change.length, options.maxKeyFrames)),
        };
      },
    };
  },
};

/** The first frame of the newest shot that starts at least SETTLED_LAG frames before `newest`, decided over the trailing context. */
function newestSettledStart(signals: FrameSignals, newest: number, rules: ShotRules): number {
  const from = Math.max(0, newest - CONTEXT);
  const window = sliceSignals(signals, from, newest + 1);
  let start = 0;
  for (const shot of decideShots(window, rules)) {
    const at = shot.startFrame + from;
    // The window's first shot starts at its edge, not at a boundary; a boundary just inside the edge lacks the frames before it.
    if (shot.transition && (from === 0 || at > from + SETTLED_LAG) && at <= newest - SETTLED_LAG) start = at;
  }
  return start;
}

function sliceSignals(signals: FrameSignals, from: number, to: number): FrameSignals {
  return Object.fromEntries(Object.entries(signals).map(([key, values]) => [key, (values as unknown[]).slice(from, to)])) as unknown as FrameSignals;
}

/** The middle of each shot, clear of the transitions that open and close it. */
function representatives(shots: DetectedShot[], frames: number, maxKeyFrames: number): Choice[] {
  const spans = shots.map((shot, k) => {
    const next = shots[k + 1];
    const first = shot.transition?.kind === 'gradual' ? shot.transition.lastFrame + 1 : shot.startFrame;
    const end = (next?.transition?.kind === 'gradual' ? next.transition.firstFrame : (next?.startFrame ?? frames)) - 1;
    const [a, b] = first <= end ? [first, end] : [shot.startFrame, Math.max(shot.startFrame, (next?.startFrame ?? frames) - 1)];
    return { index: Math.floor((a + b) / 2), length: b - a + 1, score: shot.cutScore };
  });
  const kept = [...spans].sort((a, b) => b.length - a.length || a.index - b.index).slice(0, maxKeyFrames);
  return kept.sort((a, b) => a.index - b.index).map(({ index, score }) => ({ index, score }));
}
