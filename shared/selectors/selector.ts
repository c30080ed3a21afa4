import type { FrameMetric } from '../frame-metrics.ts';
import type { Frame } from '../media/frame.ts';
import { invalidOption, positiveInteger } from '../is.ts';

/** A chosen frame and the selector's own score for it (what made it a key frame). */
export interface Choice {
  index: number;
  score: number | null;
  /** The frame itself, kept (rendered at S×S) by a selector that decides at the end. */
  frame?: Frame;
}

/** A shot found by cut detection: where it starts and how it began. */
export interface Shot {
  /** Its first frame; after a gradual transition, the transition's middle frame. */
  startFrame: number;
  startMs: number;
  /** How it began; absent for the first shot, which begins with the clip. */
  transition?: ShotTransition;
}

/**
 * A hard cut (first = last = the shot's first frame) or a gradual transition
 * (fade, dissolve, dip to black or white) with its first and last frames.
 */
export interface ShotTransition {
  kind: 'cut' | 'gradual';
  firstFrame: number;
  lastFrame: number;
}

export interface SelectorOutcome {
  /** In ascending frame order; an index may repeat when a selector pads. */
  picks: Choice[];
  shots?: Shot[];
}

/**
 * Frames in, decisions out. A selector sees every frame once, in order, and
 * answers whether the engine should keep that frame's pixels because it is
 * picked. A frame's S×S pixels can be rendered only while it is the newest
 * frame, and nothing is decoded twice, so a selector that decides at the end
 * keeps its own bounded set of candidates (`frame.keep()`) and hands the
 * chosen ones back in its picks.
 */
export interface Selector {
  push(frame: Frame): boolean;
  finish(): SelectorOutcome;
}

/** What the engine wants from a selector besides its picks. */
export interface SelectorContext {
  /**
   * Every frame's scores are wanted (the engine's `frameStats`). When they are not, a selector
   * skips a score that cannot change its picks: the record is the same either way.
   */
  readonly frameStats: boolean;
}

/** The context that computes everything: what a caller gets that does not say. */
export const EVERY_SCORE: SelectorContext = Object.freeze({ frameStats: true });

export { FrameMetrics, type FrameMetric } from '../frame-metrics.ts';

export interface SelectorDefinition<Options extends object> {
  readonly name: string;
  /** Bumped when the same options would pick different frames. */
  readonly version: number;
  readonly defaults: Readonly<Options>;
  /** What it writes on each frame, in column order. */
  readonly metrics: readonly FrameMetric[];
  /** The metric the report plots per frame, and the option that is its threshold. */
  readonly curve?: { readonly metric: string; readonly threshold?: keyof Options & string };
  /** Validates user options, fills in defaults, and rejects unknown keys. */
  parse(raw: Record<string, unknown>): Options;
  create(options: Options, context: SelectorContext): Selector;
}

/** Every selector caps its output; 10 is the GIF notebook's number. */
export const DEFAULT_MAX_KEY_FRAMES = 10;

/** One check per option: it converts the raw value (or the default) or throws `invalidOption` naming `selector.option`. */
export type OptionValidators<Options> = { readonly [Key in keyof Options]-?: (value: unknown, name: string) => Options[Key] };

/** Rejects unknown keys, fills in the defaults, and checks every option, each under its full name. */
export function parseOptions<Options extends object>(selector: string, defaults: Readonly<Options>, raw: Record<string, unknown>, validators: OptionValidators<Options>): Options {
  rejectUnknown(selector, raw, validators);
  const merged: Record<string, unknown> = { ...defaults, ...raw };
  return Object.fromEntries(Object.entries(validators).map(([key, check]) => [key, (check as (v: unknown, n: string) => unknown)(merged[key], `${selector}.${key}`)])) as Options;
}

export function rejectUnknown(selector: string, raw: Record<string, unknown>, known: object): void {
  for (const key of Object.keys(raw)) {
    if (!(key in known)) throw invalidOption(`${selector}.${key}`, `one of ${Object.keys(known).join(', ')}`, key);
  }
}

export function parseMaxKeyFrames(selector: string, value: unknown): number {
  return positiveInteger(`${selector}.maxKeyFrames`, value);
}
