/**
 * Mean SSIM of two 8-bit grayscale images with a square box window over the
 * "valid" region: the same quantity ssim.js computes with its default `weber`
 * algorithm, which a test checks to within 1e-3.
 *
 * Why not call ssim.js itself: it takes RGBA, converts both images to gray on
 * every call and builds its sums through per-pixel callbacks, about 15 ms for a
 * 256×256 pair on this machine. Summed-area tables over typed arrays give the
 * same value many times faster (see `npm run bench`).
 */

const K1 = 0.01;
const K2 = 0.03;
const DYNAMIC_RANGE = 255;
const C1 = (K1 * DYNAMIC_RANGE) ** 2;
const C2 = (K2 * DYNAMIC_RANGE) ** 2;
export const SSIM_WINDOW = 11;

// Summed-area tables of x, y, x², y² and xy, interleaved; one per image size, big enough for the
// whole image and reused for any part of it. Integer tables while the largest sum (pixels × 255²)
// fits 32 bits, which covers the 128×128 analysis image and 256×256: half the memory of doubles,
// and the same exact sums.
const scratch = new Map<string, Uint32Array | Float64Array>();
const UINT32_SUMS = Math.floor(0xffffffff / (255 * 255));

/**
 * A window whose pixels are equal in both images scores exactly 1 (its means, variances and
 * covariance coincide, so numerator and denominator are the same product). Consecutive frames
 * mostly differ in a small part of the picture, so only the windows that overlap the bounding box
 * of the differing pixels are computed, over a summed-area table of that neighbourhood alone, and
 * the rest count as 1 each.
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
  // The table covers the pixels those windows read: a (h + 1) × (w + 1) block with a zero edge.
  const w = left1 - left0 + window;
  const h = top1 - top0 + window;
  const stride = (w + 1) * 5;
  const key = `${width}×${height}`;
  let s = scratch.get(key);
  if (!s) {
    const length = (width + 1) * 5 * (height + 1);
    scratch.set(key, (s = width * height <= UINT32_SUMS ? new Uint32Array(length) : new Float64Array(length)));
  }
  s.fill(0, 0, stride);

  for (let row = 0; row < h; row++) {
    let sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    const up = row * stride + 5;
    const here = up + stride;
    s[here - 5] = s[here - 4] = s[here - 3] = s[here - 2] = s[here - 1] = 0;
    const pixel = (top0 + row) * width + left0;
    for (let col = 0; col < w; col++) {
      const p = a[pixel + col]!;
      const q = b[pixel + col]!;
      sx += p;
      sy += q;
      sxx += p * p;
      syy += q * q;
      sxy += p * q;
      const at = here + col * 5;
      const above = up + col * 5;
      s[at] = s[above]! + sx;
      s[at + 1] = s[above + 1]! + sy;
      s[at + 2] = s[above + 2]! + sxx;
      s[at + 3] = s[above + 3]! + syy;
      s[at + 4] = s[above + 4]! + sxy;
    }
  }

  const n = window * window;
  const across = window * 5;
  const down = window * stride;
  // The formula on window sums rather than means, both sides multiplied by n⁴: the same value, and
  // the sums' products are exact integers, so no division but the last.
  const c1 = C1 * n * n;
  const c2 = C2 * n * n;
  let total = 0;
  for (let top = 0; top <= top1 - top0; top++) {
    for (let left = 0; left <= left1 - left0; left++) {
      const t = top * stride + left * 5;
      const tr = t + across;
      const bl = t + down;
      const br = bl + across;
      const sx = s[br]! - s[bl]! - s[tr]! + s[t]!;
      const sy = s[br + 1]! - s[bl + 1]! - s[tr + 1]! + s[t + 1]!;
      const sxx = s[br + 2]! - s[bl + 2]! - s[tr + 2]! + s[t + 2]!;
      const syy = s[br + 3]! - s[bl + 3]! - s[tr + 3]! + s[t + 3]!;
      const sxy = s[br + 4]! - s[bl + 4]! - s[tr + 4]! + s[t + 4]!;
      const xy = sx * sy;
      const squares = sx * sx + sy * sy;
      total += ((2 * xy + c1) * (2 * (n * sxy - xy) + c2)) / ((squares + c1) * (n * (sxx + syy) - squares + c2));
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
