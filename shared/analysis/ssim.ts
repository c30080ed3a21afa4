import { kernels, Layout, Workspace } from '../kernels/index.ts';

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

/** The kernel's scratch for images `width` wide: four arrays of i32 column sums, each with room for a vector's reads past the window's last column. */
export function ssimScratchBytes(width: number): number {
  return (width + 11) * 4 * 4;
}

/**
 * A window whose pixels are equal in both images scores exactly 1 (its means, variances and
 * covariance coincide, so numerator and denominator are the same product). Consecutive frames
 * mostly differ in a small part of the picture, so only the windows that overlap the bounding box
 * of the differing pixels are computed, and the rest count as 1 each.
 *
 * Window sums are running sums: each column's sums over the window's rows move down a row by
 * adding the row that enters and taking away the one that leaves, and each window's sums move
 * right a column the same way. They are integers (at most 11 × 11 × 255²), so they are exact
 * whatever the order of the additions. The loops are a WebAssembly kernel (shared/kernels/assembly/ssim.ts).
 */
export function ssimGray(a: Uint8Array, b: Uint8Array, width: number, height: number, window = SSIM_WINDOW): number {
  if (a.length !== width * height || b.length !== width * height) {
    throw new RangeError(`ssimGray: expected ${width}×${height} images`);
  }
  // The kernel's integer steps stay below 2³¹ for windows up to 11 × 11 (n² · 255² · 2).
  if (!Number.isInteger(window) || window < 1 || window > SSIM_WINDOW) throw new RangeError(`ssimGray: expected a window of 1 to ${SSIM_WINDOW} pixels but got ${window}`);
  if (width < window || height < window) return a.every((v, i) => v === b[i]) ? 1 : 0;
  // The formula on window sums rather than means, both sides multiplied by n⁴: the same value, and
  // the sums' products are exact integers, so no division but the last.
  const n = window * window;
  // Rows are compared four pixels at a time when the width allows it, and the box of differing
  // pixels is then widened to whole words: which windows are summed, and so the order of the sum, follows.
  const step = width % 4 === 0 ? 4 : 1;
  const columnBytes = ssimScratchBytes(width);
  // Both already in a workspace's memory (a video's gray images): compared where they lie.
  const workspace = Workspace.holding(a, b);
  const inPlace = workspace?.scratchInPlace(columnBytes);
  if (workspace && inPlace !== undefined) return workspace.kernels.run.ssimGray(a.byteOffset, b.byteOffset, width, height, window, step, C1 * n * n, C2 * n * n, inPlace);
  const layout = new Layout();
  const at = layout.take(a.length);
  const bt = layout.take(b.length);
  const column = layout.take(columnBytes);
  const memory = kernels().memory(layout);
  memory.set(a, at);
  memory.set(b, bt);
  return kernels().run.ssimGray(at, bt, width, height, window, step, C1 * n * n, C2 * n * n, column);
}
