/**
 * Mean SSIM of two 8-bit grayscale images with a square box window over the
 * "valid" region: the same quantity ssim.js computes with its default `weber`
 * algorithm, which a test checks to within 1e-3.
 *
 * Why not call ssim.js itself: it takes RGBA, converts both images to gray on
 * every call and builds its sums through per-pixel callbacks, about 15 ms for a
 * 256×256 pair on this machine. Running window sums over typed arrays give the
 * same value many times faster (see `npm run bench`).
 */

const K1 = 0.01;
const K2 = 0.03;
const DYNAMIC_RANGE = 255;
const C1 = (K1 * DYNAMIC_RANGE) ** 2;
const C2 = (K2 * DYNAMIC_RANGE) ** 2;
export const SSIM_WINDOW = 11;

/** Column sums of x, y, x², y² and xy over the window's rows, interleaved; one per image width, reused. */
const scratch = new Map<number, Int32Array>();

/**
 * A window whose pixels are equal in both images scores exactly 1 (its means, variances and
 * covariance coincide, so numerator and denominator are the same product). Consecutive frames
 * mostly differ in a small part of the picture, so only the windows that overlap the bounding box
 * of the differing pixels are computed, and the rest count as 1 each.
 *
 * Window sums are running sums: each column's sums over the window's rows move down a row by
 * adding the row that enters and taking away the one that leaves, and each window's sums move
 * right a column the same way. They are integers (at most 11 × 11 × 255²), so they are exact
 * whatever the order of the additions.
 */
export function ssimGray(a: Uint8Array, b: Uint8Array, width: number, height: number, window = SSIM_WINDOW): number {
  if (a.length !== width * height || b.length !== width * height) {
    throw new RangeError(`ssimGray: expected ${width}×${height} images`);
  }
  if (width < window || height < window) return a.every((v, i) => v === b[i]) ? 1 : 0;
  const changed = differingBox(a, b, width, height);
  const rows = height - window + 1;
  const cols = width - window + 1;
  if (!changed) return 1;

  // Windows whose top-left corner is in [top0, top1] × [left0, left1] overlap the differing box.
  const top0 = Math.max(0, changed.top - window + 1);
  const top1 = Math.min(rows - 1, changed.bottom);
  const left0 = Math.max(0, changed.left - window + 1);
  const left1 = Math.min(cols - 1, changed.right);
  // The columns those windows read.
  const w = left1 - left0 + window;
  let column = scratch.get(width);
  if (!column) scratch.set(width, (column = new Int32Array(width * 5)));
  column.fill(0, 0, w * 5);
  for (let row = 0; row < window; row++) {
    const pixel = (top0 + row) * width + left0;
    for (let c = 0, at = 0; c < w; c++, at += 5) {
      const p = a[pixel + c]!;
      const q = b[pixel + c]!;
      column[at] = column[at]! + p;
      column[at + 1] = column[at + 1]! + q;
      column[at + 2] = column[at + 2]! + p * p;
      column[at + 3] = column[at + 3]! + q * q;
      column[at + 4] = column[at + 4]! + p * q;
    }
  }

  const n = window * window;
  const across = window * 5;
  // The formula on window sums rather than means, both sides multiplied by n⁴: the same value, and
  // the sums' products are exact integers, so no division but the last.
  const c1 = C1 * n * n;
  const c2 = C2 * n * n;
  let total = 0;
  for (let top = 0; top <= top1 - top0; top++) {
    if (top > 0) {
      const entering = (top0 + top + window - 1) * width + left0;
      const leaving = (top0 + top - 1) * width + left0;
      for (let c = 0, at = 0; c < w; c++, at += 5) {
        const p = a[entering + c]!, q = b[entering + c]!;
        const u = a[leaving + c]!, v = b[leaving + c]!;
        column[at] = column[at]! + p - u;
        column[at + 1] = column[at + 1]! + q - v;
        column[at + 2] = column[at + 2]! + p * p - u * u;
        column[at + 3] = column[at + 3]! + q * q - v * v;
        column[at + 4] = column[at + 4]! + p * q - u * v;
      }
    }
    let sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    for (let at = 0; at < across; at += 5) {
      sx += column[at]!;
      sy += column[at + 1]!;
      sxx += column[at + 2]!;
      syy += column[at + 3]!;
      sxy += column[at + 4]!;
    }
    for (let left = 0; ; left++) {
      const xy = sx * sy;
      const squares = sx * sx + sy * sy;
      total += ((2 * xy + c1) * (2 * (n * sxy - xy) + c2)) / ((squares + c1) * (n * (sxx + syy) - squares + c2));
      if (left === left1 - left0) break;
      const enter = (left + window) * 5;
      const leave = left * 5;
      sx += column[enter]! - column[leave]!;
      sy += column[enter + 1]! - column[leave + 1]!;
      sxx += column[enter + 2]! - column[leave + 2]!;
      syy += column[enter + 3]! - column[leave + 3]!;
      sxy += column[enter + 4]! - column[leave + 4]!;
    }
  }
  const computed = (top1 - top0 + 1) * (left1 - left0 + 1);
  return (total + (rows * cols - computed)) / (rows * cols);
}

/** The inclusive bounding box of the pixels where `a` and `b` differ, or null when they are equal. */
function differingBox(a: Uint8Array, b: Uint8Array, width: number, height: number): { top: number; bottom: number; left: number; right: number } | null {
  // Rows are compared four pixels at a time where the layout allows it; the box is then widened to whole words.
  const packed = width % 4 === 0 && a.byteOffset % 4 === 0 && b.byteOffset % 4 === 0;
  const step = packed ? 4 : 1;
  const wa = packed ? new Uint32Array(a.buffer, a.byteOffset, a.length >> 2) : a;
  const wb = packed ? new Uint32Array(b.buffer, b.byteOffset, b.length >> 2) : b;
  const across = width / step;
  let top = -1;
  let bottom = -1;
  let left = across;
  let right = -1;
  for (let y = 0; y < height; y++) {
    const row = y * across;
    let first = 0;
    while (first < across && wa[row + first] === wb[row + first]) first++;
    if (first === across) continue;
    let last = across - 1;
    while (wa[row + last] === wb[row + last]) last--;
    if (top < 0) top = y;
    bottom = y;
    if (first < left) left = first;
    if (last > right) right = last;
  }
  return top < 0 ? null : { top, bottom, left: left * step, right: right * step + step - 1 };
}
