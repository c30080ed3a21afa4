import { numberInRange, parseSpan, positiveInteger, type Span } from '../is.ts';
import {
  DEFAULT_MAX_KEY_FRAMES,
  parseMaxKeyFrames,
  rejectUnknown,
  type Choice,
  type SelectorDefinition,
} from './selector.ts';
import { adaptiveRatio, decideShots, type DetectedShot } from './shot-decisions.ts';
import { SignalTracker } from './shot-signals.ts';

export interface SceneOptions {
  /** Least content change (descriptor RMS distance, 0–1) between two frames for a cut. */
  threshold: number;
  /** The change must also be this many times the mean change of the frames around it. */
  ratio: number;
  /** Frames on each side that make up "around it". */
  window: number;
  /** Frames (5) or seconds ("0.5s") a shot must last before another cut is accepted. */
  minShotLength: Span;
  maxKeyFrames: number;
}

/**
 * Content-change cut detection in the manner of PySceneDetect's
 * AdaptiveDetector. Content change between consecutive frames is the mean of
 * two distances: where things are (RMS distance of the 16×16 RGB descriptors,
 * which averages away grain and noise) and what colours there are (total
 * variation distance of 64-bin colour histograms, which a pan or fast motion
 * barely moves). A cut must be large in absolute terms and large against its
 * neighbours, so a fade or a dissolve, whose changes are steady, does not fire.
 * A frame whose neighbours on both sides look alike is a flash, not a cut, and
 * neither is the return from it.
 *
 * Representative frame: the middle frame of each shot, floor((first + last) / 2),
 * clear of the transitions at both ends. Over maxKeyFrames shots, the longest win.
 * Shots are known only at the end, so representatives come from a second decode.
 */
export const sceneSelector: SelectorDefinition<SceneOptions> = {
  name: 'scene',
  version: 1,
  defaults: Object.freeze({
    threshold: 0.3,
    ratio: 2.5,
    window: 2,
    minShotLength: { frames: 3 },
    maxKeyFrames: DEFAULT_MAX_KEY_FRAMES,
  }),
  parse(raw) {
    rejectUnknown('scene', raw, this.defaults);
    const options = { ...this.defaults, ...raw };
    return {
      threshold: numberInRange('scene.threshold', options.threshold, 0, 1),
      ratio: numberInRange('scene.ratio', options.ratio, 1, 1000),
      window: positiveInteger('scene.window', options.window),
      minShotLength: 'minShotLength' in raw ? parseSpan('scene.minShotLength', raw.minShotLength) : this.defaults.minShotLength,
      maxKeyFrames: parseMaxKeyFrames('scene', options.maxKeyFrames),
    };
  },
  create(options) {
    const tracker = new SignalTracker();
    const stats: Array<Record<string, number>> = [];
    return {
      push(frame) {
        tracker.push(frame.index, frame.timeMs, frame.analysis, frame.analysisSize);
        const s = tracker.signals;
        frame.stats.content = s.change[frame.index]!;
        frame.stats.contrast = s.contrast[frame.index]!;
        frame.stats.luma = s.luma[frame.index]!;
        stats.push(frame.stats);
        return false;
      },
      finish() {
        const s = tracker.signals;
        // Written now: the blend test of a frame needs the frames after it, and the ratio its neighbours.
        stats.forEach((frameStats, i) => {
          frameStats.blend = s.blend[i]!;
          const ratio = adaptiveRatio(s.change, i, options.window);
          if (i > 0 && Number.isFinite(ratio)) frameStats.adaptiveRatio = ratio;
        });
        const shots = decideShots(s, options);
        return {
          shots: shots.map(({ cutScore: _, ...shot }) => shot),
          picks: representatives(shots, s.change.length, options.maxKeyFrames),
        };
      },
    };
  },
};

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
