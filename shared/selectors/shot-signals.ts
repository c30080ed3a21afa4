/**
 * Per-frame signals for shot detection, computed as frames stream in: content
 * change against the frames 1, 2 and 3 back, contrast and luma, the evidence
 * that the frame is the middle of a dissolve, and a coarse look (about 1.3 KB)
 * to compare the two sides of a transition. Only the last 33 frames' pixels
 * are held. Decisions are taken from these at the end.
 */
import { appearance, blendFit, coarseLook, contentChange, shapeChange, ContentArea, type Appearance, type Look } from '../analysis/structure.ts';

/**
 * Half-widths of the windows in which a frame is tested as the middle of a
 * gradual transition. Doubling from 2 to 16 frames covers fades and dissolves
 * from a few frames to over a second at 24–30 fps: in a window wider than the
 * transition the middle frames are still blends of the two ends.
 */
const BLEND_HALF_WIDTHS = [2, 4, 8, 16] as const;
const HISTORY = 2 * BLEND_HALF_WIDTHS[BLEND_HALF_WIDTHS.length - 1]! + 1;

/**
 * A middle frame whose blend weight is within this margin of 0 or 1 looks like
 * one of the ends: it is before or after the change, not inside it. Keeping the
 * middle 60% also keeps a frame moving a little on one side of a hard cut from
 * passing as a blend.
 */
const BLEND_WEIGHT_MARGIN = 0.2;

/**
 * Largest residual of the blend fit, as a fraction of the distance between the
 * ends. A fade or dissolve is an exact blend in cell means, up to motion inside
 * the two shots; a pan or a zoom moves content to new cells, which no blend of
 * the ends explains, and leaves a residual near the full distance.
 */
const BLEND_RESIDUAL = 0.15;

/**
 * Least shape change between a window's ends for its middle to be inside a
 * dissolve. The ends of a dissolve are two different pictures, which score
 * about 0.7 (unrelated) and rarely under 0.5; a title or an overlay fading in
 * over the same picture is an exact blend too, but moves the shape by 0.3 to
 * 0.4. Fades to and from flat frames are found from contrast instead.
 */
const DISSOLVE_CHANGE = 0.45;

export interface FrameSignals {
  /** Content change against the previous frame (0 for the first). */
  change: number[];
  /** Content change against the frames two and three back (NaN where there are none). */
  lag2: number[];
  lag3: number[];
  contrast: number[];
  luma: number[];
  /** The largest shape change between the ends of a window of which the frame is a blend; 0 if none. */
  blend: number[];
  timesMs: number[];
  /** A coarse look at every frame, to compare the two sides of a transition. */
  looks: Look[];
}

interface Held {
  rgb: Uint8Array;
  size: number;
  appearance: Appearance;
}

export class SignalTracker {
  readonly signals: FrameSignals = { change: [], lag2: [], lag3: [], contrast: [], luma: [], blend: [], timesMs: [], looks: [] };
  readonly #area = new ContentArea();
  readonly #held = new Map<number, Held>();

  /** `rgb`: the frame's square analysis image of side `size`. */
  push(index: number, timeMs: number, rgb: Uint8Array, size: number): void {
    if (this.#area.add(rgb, size)) {
      // Frames still held are measured again over the wider area, so every comparison is like for like.
      for (const held of this.#held.values()) held.appearance = this.#appearance(held.rgb, held.size);
    }
    const now = this.#appearance(rgb, size);
    // The source lends a frame's analysis image for two frames only, so the ones held here are
    // copies, in the buffers of the frames that leave.
    const leaving = this.#held.get(index - HISTORY)?.rgb;
    this.#held.delete(index - HISTORY);
    const copy = leaving?.length === rgb.length ? leaving : new Uint8Array(rgb.length);
    copy.set(rgb);
    this.#held.set(index, { rgb: copy, size, appearance: now });

    const s = this.signals;
    const back = (k: number) => this.#held.get(index - k)?.appearance;
    const against = (k: number) => {
      const then = back(k);
      return then ? contentChange(then, now) : k === 1 ? 0 : NaN;
    };
    s.change.push(against(1));
    s.lag2.push(against(2));
    s.lag3.push(against(3));
    s.contrast.push(now.contrast);
    s.luma.push(0.299 * now.mean[0] + 0.587 * now.mean[1] + 0.114 * now.mean[2]);
    s.blend.push(0);
    s.timesMs.push(timeMs);
    s.looks.push(coarseLook(now));
    for (const h of BLEND_HALF_WIDTHS) this.#testBlend(index - h, h, now);
  }

  #appearance(rgb: Uint8Array, size: number): Appearance {
    return appearance(rgb, size, this.#area.rect(size));
  }

  /** Is frame `middle` a blend of the frames `h` before and after it, whose shapes differ? */
  #testBlend(middle: number, h: number, end: Appearance): void {
    const start = this.#held.get(middle - h)?.appearance;
    const centre = this.#held.get(middle)?.appearance;
    // A flat middle is the end of a fade, not the middle of a blend between two pictures.
    if (!start || !centre || centre.flatness > 0) return;
    const distance = shapeChange(start, end);
    if (distance < DISSOLVE_CHANGE || distance <= this.signals.blend[middle]!) return;
    const { weight, residual } = blendFit(start, centre, end);
    if (weight < BLEND_WEIGHT_MARGIN || weight > 1 - BLEND_WEIGHT_MARGIN || residual > BLEND_RESIDUAL) return;
    this.signals.blend[middle] = distance;
  }
}
