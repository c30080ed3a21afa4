/**
 * Brightness-robust frame appearance over 16×16 RGB cell means of the picture
 * area, for cut detection. A frame's appearance is its mean colour, its contrast and its
 * shape: each cell's deviation from the mean colour, divided by the contrast.
 * Subtracting the mean and dividing by the contrast makes the shape blind to a
 * fade (every pixel scaled towards black or white is an affine map of each
 * channel), so only a change of what is where moves it. The loops over pixels
 * are WebAssembly kernels (shared/kernels/assembly/structure.ts).
 */
import { cellSums, type PixelRect } from './pixels.ts';
import { kernels, Layout } from '../kernels/index.ts';

/** A row or column belongs to the picture once any frame has shown a sample above this there (0–255). */
const CONTENT_LEVEL = 3;

/** Cells per side of the grid that appearance is measured on: 16×16, as the frame descriptor. */
export const APPEARANCE_GRID = 16;

/**
 * Contrast (RMS cell deviation, 0–1) below which a frame counts as flat: black,
 * white, one plain colour, or the last frames of a fade, snow or haze. 8 levels
 * of 255 over 16×16 cell means is above what compression noise on black and
 * the faint end of a fade leave, and below a dark scene that is meant to be
 * seen (15 levels and more). Small text on black can fall under it and counts
 * as flat, which still gives a cut when a picture follows. Below it the shape is
 * shrunk in proportion instead of being divided by a tiny number, so the noise
 * of a near-black frame never looks like structure.
 */
export const FLAT_CONTRAST = 8 / 255;

export type Rect = PixelRect;

/**
 * The rows and columns that have ever shown picture content. Letterbox bars,
 * added when a frame is fitted into the square, stay black in every frame;
 * leaving them out keeps a white frame flat and keeps two different pictures
 * from looking alike because they share black bars.
 */
export class ContentArea {
  #rect: Rect | undefined;

  /** Widens the area to what this square RGB frame lights up; true when it grew. */
  add(rgb: Uint8Array, size: number): boolean {
    let { top, left, bottom, right } = this.#rect ?? { top: size, left: size, bottom: -1, right: -1 };
    const before = `${top},${left},${bottom},${right}`;
    for (let y = 0; y < size; y++) {
      // Only the columns outside the known area can widen it, so rows inside it are scanned at their edges only.
      const inside = y >= top && y <= bottom;
      for (let x = 0; x < size; x++) {
        if (inside && x >= left && x <= right) {
          x = right;
          continue;
        }
        const p = (y * size + x) * 3;
        if (rgb[p]! > CONTENT_LEVEL || rgb[p + 1]! > CONTENT_LEVEL || rgb[p + 2]! > CONTENT_LEVEL) {
          top = Math.min(top, y);
          bottom = Math.max(bottom, y);
          left = Math.min(left, x);
          right = Math.max(right, x);
        }
      }
    }
    if (bottom < 0) return false;
    this.#rect = { top, left, bottom, right };
    return `${top},${left},${bottom},${right}` !== before;
  }

  /** The area, or the whole square while nothing has been shown (an all-black start). */
  rect(size: number): Rect {
    return this.#rect ?? { top: 0, left: 0, bottom: size - 1, right: size - 1 };
  }
}

/**
 * Levels per channel of the tone histogram, at standardised values −2, −1, 0,
 * +1, +2 contrasts (beyond is clamped to the end levels): 5³ = 125 joint bins.
 * Each sample is shared between the 8 nearest bins in proportion (trilinear),
 * so a small change of brightness moves the histogram a little instead of
 * tipping a mass of like pixels (a white page, a plain sky) into another bin.
 */
const TONE_LEVELS = 5;

/** The tone histogram reads every TONE_STRIDE-th pixel of every TONE_STRIDE-th row. */
const TONE_STRIDE = 2;

export interface Appearance {
  /** Mean R, G, B, 0–1. */
  mean: [number, number, number];
  /** RMS deviation of the cells from the mean colour, 0–1. */
  contrast: number;
  /** Deviations of the cells (3 per cell) divided by max(contrast, FLAT_CONTRAST). */
  shape: Float32Array;
  /** 1 for a flat frame, falling to 0 as contrast reaches FLAT_CONTRAST. */
  flatness: number;
  /** The cell means, for blend tests (a fade or dissolve is linear in them). */
  values: Float32Array;
  /**
   * Joint histogram of standardised pixel colours, summing to 1: which tones
   * the picture holds, wherever they are. A pan or fast motion keeps it, and
   * standardising keeps it through a fade.
   */
  tones: Float32Array;
}

/** The appearance of `rect` of a square RGB frame: APPEARANCE_GRID² cell means, and pixel tones. */
export function appearance(rgb: Uint8Array, size: number, rect: Rect): Appearance {
  const grid = APPEARANCE_GRID;
  const width = rect.right - rect.left + 1;
  const height = rect.bottom - rect.top + 1;
  const { sums, counts } = cellSums(rgb, size, rect, grid);
  // A content area narrower than the grid leaves some cells empty; they read as black.
  const values = new Float32Array(grid * grid * 3);
  for (let i = 0; i < values.length; i++) values[i] = sums[i]! / (255 * (counts[Math.floor(i / 3)]! || 1));
  const pixels = width * height;
  const mean: [number, number, number] = [0, 0, 0];
  for (let i = 0; i < values.length; i++) mean[i % 3] = mean[i % 3]! + sums[i]!;
  for (let c = 0; c < 3; c++) mean[c] = mean[c]! / (255 * pixels);

  const shape = new Float32Array(values.length);
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const d = values[i]! - mean[i % 3]!;
    shape[i] = d;
    sum += d * d;
  }
  const contrast = Math.sqrt(sum / values.length);
  const scale = 1 / Math.max(contrast, FLAT_CONTRAST);
  for (let i = 0; i < shape.length; i++) shape[i] = shape[i]! * scale;

  const tones = toneHistogram(rgb, size, rect, mean, contrast);
  return { mean, contrast, shape, flatness: 1 - Math.min(1, contrast / FLAT_CONTRAST), values, tones };
}

/**
 * Every channel is standardised by the same grey level (the mean over the channels) and the same
 * contrast: a fade to black or white is an offset and a gain common to the three channels, which
 * this undoes, while a red pixel stays redder than grey, so the histogram still tells colours apart.
 */
function toneHistogram(rgb: Uint8Array, size: number, rect: Rect, mean: readonly number[], contrast: number): Float32Array {
  const bins = TONE_LEVELS ** 3;
  const layout = new Layout();
  const frame = layout.take(rgb.length);
  const lowerAt = layout.take(256);
  const shareAt = layout.take(256 * 4);
  const countsAt = layout.take(bins * 8);
  const memory = kernels().memory(layout);
  memory.set(rgb, frame);
  // Each level's lower bin and the share of the bin above it.
  const lower = new Uint8Array(memory.buffer, lowerAt, 256);
  const share = new Float32Array(memory.buffer, shareAt, 256);
  const grey = (mean[0]! + mean[1]! + mean[2]!) / 3;
  const scale = 1 / Math.max(contrast, FLAT_CONTRAST);
  const top = TONE_LEVELS - 1;
  for (let v = 0; v < 256; v++) {
    const u = Math.max(0, Math.min(top, (v / 255 - grey) * scale + top / 2));
    lower[v] = Math.min(top - 1, Math.floor(u));
    share[v] = u - lower[v]!;
  }
  // Every other pixel of every other row: a quarter of the pixels describe the tones as well.
  const samples = kernels().run.toneCounts(frame, size, rect.top, rect.left, rect.bottom, rect.right, TONE_STRIDE, TONE_LEVELS, lowerAt, shareAt, countsAt);
  const counts = new Float64Array(memory.buffer, countsAt, bins);
  return Float32Array.from(counts, (n) => n / samples);
}

/** What the change measures read: an appearance, or a coarse copy kept for every frame. */
export type Look = Pick<Appearance, 'mean' | 'flatness' | 'shape' | 'tones'>;

/**
 * A copy of an appearance with its shape averaged over 2×2 cells (8×8), small
 * enough to keep for every frame of a clip, so that the two sides of a
 * transition of any length can be compared at the end.
 */
export function coarseLook(a: Appearance): Look {
  const grid = APPEARANCE_GRID;
  const half = grid / 2;
  const shape = new Float32Array(half * half * 3);
  for (let y = 0; y < grid; y++) {
    for (let x = 0; x < grid; x++) {
      for (let c = 0; c < 3; c++) {
        const k = ((y >> 1) * half + (x >> 1)) * 3 + c;
        shape[k] = shape[k]! + a.shape[(y * grid + x) * 3 + c]! / 4;
      }
    }
  }
  return { mean: a.mean, flatness: a.flatness, shape, tones: a.tones };
}

/** Total variation distance of the tone histograms, in [0, 1]. */
export function toneChange(a: Look, b: Look): number {
  let sum = 0;
  for (let i = 0; i < a.tones.length; i++) sum += Math.abs(a.tones[i]! - b.tones[i]!);
  return sum / 2;
}

/**
 * Change of shape, in [0, 1]: half the RMS difference of the two shapes. Two
 * unrelated pictures score about 0.7, a picture against a flat frame 0.5, and
 * the same picture at another brightness 0.
 */
export function shapeChange(a: Look, b: Look): number {
  let sum = 0;
  for (let i = 0; i < a.shape.length; i++) {
    const d = a.shape[i]! - b.shape[i]!;
    sum += d * d;
  }
  return Math.sqrt(sum / (a.shape.length || 1)) / 2;
}

/** RMS difference of the mean colours, in [0, 1]. */
export function colourShift(a: Look, b: Look): number {
  let sum = 0;
  for (let c = 0; c < 3; c++) sum += (a.mean[c]! - b.mean[c]!) ** 2;
  return Math.sqrt(sum / 3);
}

/**
 * Content change between two frames, in [0, 1]: the mean of the change of
 * shape (what is where) and of tones (which colours, wherever they are), in
 * the manner of PySceneDetect's content score and of the old histogram term,
 * but both blind to brightness. A pan or fast motion moves the shape and
 * keeps the tones, so it scores half of what a cut to a new picture does.
 * Between two flat frames, which have neither, the mean colour carries it, so
 * a cut between plain backgrounds of different colours still counts, while a
 * ramp over a flat field changes by small steady steps. The tones of two
 * near-flat frames are noise and count in proportion to the contrast.
 */
export function contentChange(a: Look, b: Look): number {
  const flat = Math.min(a.flatness, b.flatness);
  const picture = (shapeChange(a, b) + toneChange(a, b) * (1 - flat)) / 2;
  return picture + flat * FLAT_COLOUR_WEIGHT * colourShift(a, b);
}

/**
 * Weight of the colour shift between flat frames. A plain field that jumps by
 * a sixth of the range in one frame (40 levels) changes as much as a picture
 * cut against an unrelated one changes shape in half; a ramp over a flat field
 * moves by steady steps, which the adaptive ratio sets aside.
 */
const FLAT_COLOUR_WEIGHT = 2;

/**
 * How well `middle` is a linear blend of `a` and `b` in raw cell values, as
 * every frame of a fade or a dissolve is: the blend weight (0 = a, 1 = b) and
 * the residual as a fraction of the distance from a to b.
 */
export function blendFit(a: Appearance, middle: Appearance, b: Appearance): { weight: number; residual: number } {
  let ee = 0;
  let me = 0;
  for (let i = 0; i < a.values.length; i++) {
    const e = b.values[i]! - a.values[i]!;
    ee += e * e;
    me += (middle.values[i]! - a.values[i]!) * e;
  }
  if (ee === 0) return { weight: 0, residual: Infinity };
  const weight = me / ee;
  let rr = 0;
  for (let i = 0; i < a.values.length; i++) {
    const r = middle.values[i]! - a.values[i]! - weight * (b.values[i]! - a.values[i]!);
    rr += r * r;
  }
  return { weight, residual: Math.sqrt(rr / ee) };
}
