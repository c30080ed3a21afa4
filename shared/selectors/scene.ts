import { descriptorDistance, histogramDistance } from '../analysis/pixels.ts';
import { numberInRange, parseSpan, positiveInteger, spanReached, type Span } from '../is.ts';
import type { Frame } from '../media/frame.ts';
import {
  DEFAULT_MAX_KEY_FRAMES,
  parseMaxKeyFrames,
  rejectUnknown,
  type Choice,
  type SelectorDefinition,
  type Shot,
} from './selector.ts';
import { ShotMiddles } from './middles.ts';

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
 * Shots are known only at the end, so the frames that may still be a middle are
 * kept as they stream (see middles.ts): exact for shots up to 26 frames, within
 * about length/32 frames of the middle for longer ones. Version 2: that bound.
 */
export const sceneSelector: SelectorDefinition<SceneOptions> = {
  name: 'scene',
  version: 2,
  defaults: Object.freeze({
    threshold: 0.08,
    ratio: 3,
    window: 2,
    minShotLength: { frames: 5 },
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
    const detector = new CutDetector(options);
    const middles = new ShotMiddles(options.maxKeyFrames, options.window);
    let frames = 0;
    return {
      push(frame) {
        detector.push(frame);
        middles.push(frame, detector.openShotStart);
        frames = frame.index + 1;
        return false;
      },
      finish() {
        const shots = detector.finish();
        return {
          shots: shots.map(({ startFrame, startMs }) => ({ startFrame, startMs })),
          picks: middles.resolve(representatives(shots, frames, options.maxKeyFrames)),
        };
      },
    };
  },
};

interface DetectedShot extends Shot {
  cutScore: number | null;
}

class CutDetector {
  readonly #options: SceneOptions;
  /** Content change of frame i against frame i−1; index 0 has none. */
  readonly #changes: number[] = [];
  /** The last few frames, for the flash test and for writing stats once a frame is judged. */
  readonly #recent = new Map<number, Frame>();
  readonly #shots: DetectedShot[] = [];

  constructor(options: SceneOptions) {
    this.#options = options;
  }

  /** First frame of the newest shot accepted so far. */
  get openShotStart(): number {
    return this.#shots[this.#shots.length - 1]!.startFrame;
  }

  push(frame: Frame): void {
    const previous = this.#recent.get(frame.index - 1);
    this.#changes.push(previous ? contentChange(previous, frame) : 0);
    this.#recent.set(frame.index, frame);
    if (frame.index === 0) this.#shots.push({ startFrame: 0, startMs: frame.timeMs, cutScore: null });
    frame.stats.content = this.#changes[frame.index]!;
    this.#judge(frame.index - this.#options.window);
    this.#recent.delete(frame.index - 2 * this.#options.window - 2);
  }

  finish(): DetectedShot[] {
    const last = this.#changes.length - 1;
    for (let i = Math.max(1, last - this.#options.window + 1); i <= last; i++) this.#judge(i);
    return this.#shots;
  }

  #judge(i: number): void {
    if (i < 1) return;
    const { threshold, ratio, window, minShotLength } = this.#options;
    const change = this.#changes[i]!;
    const frame = this.#recent.get(i)!;
    let sum = 0;
    let count = 0;
    for (let j = Math.max(1, i - window); j <= Math.min(this.#changes.length - 1, i + window); j++) {
      if (j === i) continue;
      sum += this.#changes[j]!;
      count++;
    }
    const around = count ? sum / count : 0;
    const adaptive = around > 0 ? change / around : change > 0 ? Infinity : 0;
    if (Number.isFinite(adaptive)) frame.stats.adaptiveRatio = adaptive;
    if (change < threshold || adaptive < ratio) return;
    if (this.#isFlash(i, change)) return;
    const shotStart = this.#shots[this.#shots.length - 1]!;
    if (!spanReached(minShotLength, { index: shotStart.startFrame, timeMs: shotStart.startMs }, frame)) return;
    this.#shots.push({ startFrame: i, startMs: frame.timeMs, cutScore: change });
  }

  /** Frame i starts or ends a flash when the frames either side of the flash look alike. */
  #isFlash(i: number, change: number): boolean {
    const alike = (a: number, b: number) => {
      const x = this.#recent.get(a);
      const y = this.#recent.get(b);
      return x !== undefined && y !== undefined && contentChange(x, y) < change / 2;
    };
    return alike(i - 1, i + 1) || alike(i - 2, i);
  }
}

export function contentChange(a: Frame, b: Frame): number {
  return (descriptorDistance(a.descriptor, b.descriptor) + histogramDistance(a.histogram, b.histogram)) / 2;
}

function representatives(shots: DetectedShot[], frames: number, maxKeyFrames: number): Choice[] {
  const spans = shots.map((shot, k) => {
    const end = (shots[k + 1]?.startFrame ?? frames) - 1;
    return { index: Math.floor((shot.startFrame + end) / 2), length: end - shot.startFrame + 1, score: shot.cutScore };
  });
  const kept = [...spans].sort((a, b) => b.length - a.length || a.index - b.index).slice(0, maxKeyFrames);
  return kept.sort((a, b) => a.index - b.index).map(({ index, score }) => ({ index, score }));
}
