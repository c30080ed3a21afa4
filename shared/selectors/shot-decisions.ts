/**
 * From per-frame signals to shots: hard cuts, gradual transitions, flashes
 * and short shots, decided once every frame has been seen.
 */
import { contentChange, FLAT_CONTRAST } from '../analysis/structure.ts';
import { spanReached, type Span } from '../is.ts';
import type { Shot } from './selector.ts';
import type { FrameSignals } from './shot-signals.ts';

export interface ShotRules {
  /** Least content change for a hard cut. */
  threshold: number;
  /** A hard cut's change must be this many times the mean change of the frames on its calmer side. */
  ratio: number;
  /** Frames on each side that make up "around it". */
  window: number;
  /** Shortest shot; two cuts closer than this are one transition. */
  minShotLength: Span;
}

export interface DetectedShot extends Shot {
  /** The change that started the shot, null for the first. */
  cutScore: number | null;
}

interface Boundary {
  kind: 'cut' | 'gradual';
  first: number;
  last: number;
  score: number;
}

/**
 * Frames shorter than this between two gradual transitions are a passage, not
 * a shot: the black of a dip (fade out, fade in), the white of a white-out, a
 * picture glimpsed between two dissolves. Half a second is longer than the one
 * to a few frames of a dip but shorter than a held black or white card, which
 * is a shot of its own.
 */
const PASSAGE_MS = 500;

/**
 * A shot that dims towards black and comes back within a second is one shot
 * with a change of light (a lamp switched off and on, a cloud over the sun); a fade out
 * and in to the same picture held longer than that is a deliberate pause.
 */
const RETURN_MS = 1000;

/**
 * How much farther apart frames two apart across a cut may be than the frames
 * either side of it. Distances between unrelated pictures saturate near 0.7,
 * so across a cut they agree within noise; a quarter more is well above that
 * noise and well below the near doubling of two steps of steady motion.
 */
const ONE_STEP = 1.25;

export function decideShots(signals: FrameSignals, rules: ShotRules): DetectedShot[] {
  const frames = signals.change.length;
  if (frames === 0) return [];
  const fades = fadeBoundaries(signals, rules.threshold);
  const touches = (i: number, b: Boundary) => i >= b.first - 1 && i <= b.last + 1;
  // The step onto or off a flat frame at the end of a fade is part of the fade.
  const cuts = hardCuts(signals, rules)
    .filter((i) => !fades.some((fade) => touches(i, fade)))
    .map((i): Boundary => ({ kind: 'cut', first: i, last: i, score: signals.change[i]! }));
  // A blend that touches a hard cut is two shots joined by the cut, seen through motion.
  const dissolves = gradualSpans(signals).filter((span) => !cuts.some((cut) => touches(cut.first, span)));
  const boundaries = mergeOverlapping([...fades, ...cuts, ...dissolves]);
  // A transition that ends where it began (a dip towards black and back into the same shot) is
  // none. Its two sides are the nearest frames that clearly show a picture, looking past faint
  // frames for up to RETURN_MS: the faint end of a fade still holds the same picture, dimmed.
  const picture = (i: number) => signals.contrast[i]! >= 2 * FLAT_CONTRAST;
  const side = (from: number, step: 1 | -1) => {
    for (let i = from; i >= 0 && i < frames; i += step) {
      if (picture(i)) return i;
      if (Math.abs(signals.timesMs[i]! - signals.timesMs[from]!) >= RETURN_MS) return undefined;
    }
    return undefined;
  };
  const alike = (b: Boundary) => {
    const before = side(b.first - 1, -1);
    const after = side(b.last + 1, 1);
    return before !== undefined && after !== undefined && contentChange(signals.looks[before]!, signals.looks[after]!) < rules.threshold / 2;
  };
  const kept = dropShortShots(boundaries, signals, rules).filter((b) => b.kind === 'cut' || !alike(b));
  const shots: DetectedShot[] = [{ startFrame: 0, startMs: signals.timesMs[0]!, cutScore: null }];
  for (const b of kept) {
    const startFrame = b.kind === 'cut' ? b.first : Math.floor((b.first + b.last) / 2);
    shots.push({
      startFrame,
      startMs: signals.timesMs[startFrame]!,
      transition: { kind: b.kind, firstFrame: b.first, lastFrame: b.last },
      cutScore: b.score,
    });
  }
  return shots;
}

/**
 * The adaptive ratio of frame i, after PySceneDetect's AdaptiveDetector: its
 * change against the mean change of the `window` frames before it or after
 * it, whichever side is calmer. A cut into (or out of) a stretch where every
 * frame changes a lot, such as fast action or stop-motion, stands out only
 * against the side it leaves. A side counts only when it has all its frames;
 * near the ends of the clip both sides are pooled.
 */
export function adaptiveRatio(change: readonly number[], i: number, window: number): number {
  const side = (from: number, to: number) => {
    let sum = 0;
    for (let j = from; j <= to; j++) sum += change[j]!;
    return { mean: sum / Math.max(1, to - from + 1), full: to - from + 1 === window, frames: Math.max(0, to - from + 1), sum };
  };
  const before = side(Math.max(1, i - window), i - 1);
  const after = side(i + 1, Math.min(change.length - 1, i + window));
  const full = [before, after].filter((s) => s.full);
  const around = full.length ? Math.min(...full.map((s) => s.mean)) : (before.sum + after.sum) / Math.max(1, before.frames + after.frames);
  return around > 0 ? change[i]! / around : change[i]! > 0 ? Infinity : 0;
}

function hardCuts({ change, lag2, lag3 }: FrameSignals, { threshold, ratio, window }: ShotRules): number[] {
  const cuts: number[] = [];
  for (let i = 1; i < change.length; i++) {
    const c = change[i]!;
    if (c < threshold || adaptiveRatio(change, i, window) < ratio) continue;
    // A one- or two-frame flash returns to what came before it: the frames either side of it look
    // alike. That holds for its first frame (i−1 against i+1 or i+2) and for the return (i−2 or i−3
    // against i). "Alike" is less than half the change that made the candidate.
    const alike = (value: number | undefined) => value !== undefined && value < c / 2;
    if (alike(lag2[i + 1]) || alike(lag3[i + 2]) || alike(lag2[i]) || alike(lag3[i])) continue;
    // A cut changes the picture in one step: two frames apart across it differ about as much as the
    // two frames either side (a new picture is as far from one old frame as from the next), while
    // the change of motion keeps adding up with distance, as at the tail of a whip pan.
    const farther = (value: number | undefined) => value !== undefined && value > c * ONE_STEP;
    if (farther(lag2[i]) || farther(lag2[i + 1])) continue;
    cuts.push(i);
  }
  return cuts;
}

/**
 * A fade to black or white lowers the contrast step by step: walking back from
 * the first flat frame, contrast rises while the fade lasts. It is a fade, not
 * a cut to black, when the frame before the flat one has already lost at least
 * half the contrast the fade began with; a cut drops from full contrast in one
 * frame. Fades in are the same read forward.
 */
function fadeBoundaries({ contrast, change }: FrameSignals, threshold: number): Boundary[] {
  const flat = (i: number) => contrast[i]! < FLAT_CONTRAST;
  const fades: Boundary[] = [];
  const ramp = (edge: number, step: 1 | -1) => {
    let end = edge;
    while (end + step >= 0 && end + step < contrast.length && !flat(end + step) && contrast[end + step]! > contrast[end]!) end += step;
    if (Math.abs(end - edge) < 1 || contrast[edge]! > contrast[end]! / 2) return;
    const [first, last] = step < 0 ? [end, edge] : [edge, end];
    // A fade keeps the picture: no step between two frames that clearly show it (twice the flat
    // contrast; nearer black, noise is magnified) changes it by half a cut, which is what the flash
    // test calls alike. A camera tilting from the sky to the ground does.
    for (let i = first + 1; i <= last; i++) {
      const clear = Math.min(contrast[i - 1]!, contrast[i]!) >= 2 * FLAT_CONTRAST;
      if (clear && change[i]! >= threshold / 2) return;
    }
    let score = 0;
    for (let i = first; i <= last + 1 && i < change.length; i++) score = Math.max(score, change[i]!);
    fades.push({ kind: 'gradual', first, last, score });
  };
  for (let i = 1; i < contrast.length; i++) {
    if (flat(i) && !flat(i - 1)) ramp(i - 1, -1);
    if (!flat(i) && flat(i - 1)) ramp(i, 1);
  }
  return fades;
}

/**
 * Runs of frames that are the middle of a blend, a gap of one frame allowed.
 * One frame alone that fits a blend is chance (a zoom or a fade-like flicker
 * can); a dissolve shows as a run of them.
 */
function gradualSpans({ blend }: FrameSignals): Boundary[] {
  const spans: Boundary[] = [];
  for (let i = 0; i < blend.length; i++) {
    if (blend[i]! <= 0) continue;
    const open = spans[spans.length - 1];
    if (open && i - open.last <= 2) {
      open.last = i;
      open.score = Math.max(open.score, blend[i]!);
    } else spans.push({ kind: 'gradual', first: i, last: i, score: blend[i]! });
  }
  return spans.filter((span) => span.last > span.first);
}

/** Boundaries that touch become one; a transition holding a cut is one boundary, gradual if it spans frames. */
function mergeOverlapping(boundaries: Boundary[]): Boundary[] {
  const sorted = [...boundaries].sort((a, b) => a.first - b.first || a.last - b.last);
  const out: Boundary[] = [];
  for (const b of sorted) {
    const open = out[out.length - 1];
    if (open && b.first <= open.last + 1) out[out.length - 1] = join(open, b);
    else out.push({ ...b });
  }
  return out;
}

function join(a: Boundary, b: Boundary): Boundary {
  const first = Math.min(a.first, b.first);
  const last = Math.max(a.last, b.last);
  return { kind: a.kind === 'cut' && b.kind === 'cut' && first === last ? 'cut' : 'gradual', first, last, score: Math.max(a.score, b.score) };
}

/**
 * A shot shorter than minShotLength is not a shot. Between two cuts the later
 * one is dropped (the earlier change already started a new shot); when a
 * gradual transition is involved, the two become one transition. Two gradual
 * transitions less than PASSAGE_MS apart are one transition too.
 */
function dropShortShots(boundaries: Boundary[], signals: FrameSignals, { minShotLength }: ShotRules): Boundary[] {
  const out: Boundary[] = [];
  const at = (i: number) => ({ index: i, timeMs: signals.timesMs[i]! });
  for (const b of boundaries) {
    const previous = out[out.length - 1];
    const shotStart = previous ? previous.last + (previous.kind === 'cut' ? 0 : 1) : 0;
    const long = spanReached(minShotLength, at(shotStart), at(b.first));
    const dip = previous?.kind === 'gradual' && b.kind === 'gradual' && signals.timesMs[b.first]! - signals.timesMs[shotStart]! < PASSAGE_MS;
    if (long && !dip) out.push({ ...b });
    // Too close to the start of the clip, or a second cut too soon: dropped.
    else if (!previous || (previous.kind === 'cut' && b.kind === 'cut')) continue;
    else out[out.length - 1] = { kind: 'gradual', first: previous.first, last: b.last, score: Math.max(previous.score, b.score) };
  }
  return out;
}
