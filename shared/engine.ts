import { ssimGray } from './analysis/ssim.ts';
import { descriptorDistance } from './analysis/pixels.ts';
import { distribution, pairwiseDistances, type Distribution } from './analysis/stats.ts';
import { ErrorCode, FramesiftError } from './errors.ts';
import { isNumber, invalidOption, positiveInteger } from './is.ts';
import { openMedia, resolveLimits, type Frame, type Limits, type MediaInfo } from './media/index.ts';
import { DEFAULT_STATIC_ENERGY, MotionMeter, type MotionMetrics } from './metrics.ts';
import { resolveSelector, type Choice, type SelectorName, type Shot } from './selectors/index.ts';

/** The notebook's training resolution. */
export const DEFAULT_SIZE = 256;
/** Floats in a record are rounded so that its JSON is short and reads the same everywhere. */
const RECORD_DECIMALS = 6;

export interface ExtractOptions {
  /** Side of the square, letterboxed output frames. */
  size?: number;
  selector?: string;
  selectorOptions?: Record<string, unknown>;
  limits?: Partial<Limits>;
  /** Largest frame-to-frame energy that still counts as a static clip. */
  staticEnergy?: number;
  /** Add every frame's scores to the record, for tuning thresholds. */
  frameStats?: boolean;
}

export interface KeyFrame {
  ordinal: number;
  frameIndex: number;
  timeMs: number;
  rawTimeMs: number;
  /** The selector's own score: SSIM to the previous frame, hash similarity, cut strength, coreset radius. */
  score: number | null;
  /** Grayscale SSIM against the previous key frame. */
  similarityToPrevious: number | null;
  phash: string;
}

export interface FrameStats {
  index: number;
  timeMs: number;
  rawTimeMs: number;
  picked: boolean;
  [metric: string]: number | boolean;
}

export interface MediaSummary extends MediaInfo {
  frameCount: number;
  durationMs: number;
  rawDurationMs: number;
  meanFps: number | null;
}

export interface ExtractionRecord {
  media: MediaSummary;
  selector: { name: SelectorName; version: number; options: object };
  size: number;
  keyFrames: KeyFrame[];
  /** Detected shots, for the scene selector. */
  shots: Shot[] | null;
  metrics: MotionMetrics & { diversity: Distribution | null };
  warnings: string[];
  frames?: FrameStats[];
}

export interface Extraction {
  record: ExtractionRecord;
  /** The normalised S×S RGB pixels of each key frame, by ordinal. */
  images: Uint8Array[];
}

/** Decode a GIF or video, pick its key frames and measure it. Pure: no I/O but reading `path`. */
export async function extractKeyFrames(path: string, options: ExtractOptions = {}): Promise<Extraction> {
  const size = positiveInteger('size', options.size ?? DEFAULT_SIZE);
  const staticEnergy = options.staticEnergy ?? DEFAULT_STATIC_ENERGY;
  if (!isNumber(staticEnergy) || staticEnergy < 0) throw invalidOption('staticEnergy', 'non-negative number', staticEnergy);
  const limits = resolveLimits(options.limits);
  const selector = resolveSelector(options.selector, options.selectorOptions);

  const source = await openMedia(path, { size, limits });
  const chooser = selector.create({ frameStats: options.frameStats === true });
  const meter = new MotionMeter(staticEnergy);
  const kept = new Map<number, Frame>();
  const perFrame: Array<Pick<Frame, 'index' | 'timeMs' | 'rawTimeMs' | 'stats'>> = [];
  let frameCount = 0;
  for await (const frame of source.frames()) {
    meter.push(frame);
    if (chooser.push(frame)) kept.set(frame.index, frame.keep());
    if (options.frameStats) perFrame.push({ index: frame.index, timeMs: frame.timeMs, rawTimeMs: frame.rawTimeMs, stats: frame.stats });
    frameCount++;
  }
  if (frameCount === 0) throw new FramesiftError(ErrorCode.EMPTY_INPUT, 'Expected at least one frame but decoded none');

  const outcome = chooser.finish();
  const chosen = outcome.picks.map((pick) => ({ pick, frame: keptFrame(pick, kept) }));

  const keyFrames = chosen.map(({ pick, frame }, ordinal): KeyFrame => {
    const previous = chosen[ordinal - 1]?.frame;
    return {
      ordinal,
      frameIndex: frame.index,
      timeMs: frame.timeMs,
      rawTimeMs: frame.rawTimeMs,
      score: roundOrNull(pick.score),
      similarityToPrevious: previous ? round(ssimGray(previous.gray, frame.gray, frame.analysisSize, frame.analysisSize)) : null,
      phash: frame.phash,
    };
  });
  const distinct = [...new Map(chosen.map(({ frame }) => [frame.index, frame.descriptor])).values()];
  const diversity = distribution(pairwiseDistances(distinct, descriptorDistance));
  const duration = source.duration();
  const picked = new Set(outcome.picks.map((p) => p.index));

  const record: ExtractionRecord = {
    media: {
      ...source.info,
      frameCount,
      durationMs: duration.effectiveMs,
      rawDurationMs: duration.rawMs,
      meanFps: duration.effectiveMs > 0 ? round((frameCount * 1000) / duration.effectiveMs) : null,
    },
    selector: { name: selector.name, version: selector.version, options: selector.options },
    size,
    keyFrames,
    shots: outcome.shots ?? null,
    metrics: roundAll({ ...meter.result(), diversity }),
    warnings: source.warnings.slice(),
  };
  if (options.frameStats) {
    record.frames = perFrame.map(({ index, timeMs, rawTimeMs, stats }) => ({
      index,
      timeMs,
      rawTimeMs,
      picked: picked.has(index),
      ...roundAll(stats),
    }));
  }
  return { record, images: chosen.map(({ frame }) => frame.rgb) };
}

function keptFrame(pick: Choice, kept: Map<number, Frame>): Frame {
  const frame = kept.get(pick.index) ?? pick.frame;
  // A selector bug, not bad input: every pick must be a frame someone kept while it streamed.
  if (!frame) throw new Error(`Selector picked frame ${pick.index} without keeping it`);
  return frame;
}

function round(value: number): number {
  const factor = 10 ** RECORD_DECIMALS;
  return Math.round(value * factor) / factor;
}

function roundOrNull(value: number | null): number | null {
  return value === null ? null : round(value);
}

function roundAll<T>(value: T): T {
  if (typeof value === 'number') return (Number.isFinite(value) ? round(value) : value) as T;
  if (Array.isArray(value)) return value.map(roundAll) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, roundAll(v)])) as T;
  }
  return value;
}
