/**
 * Mean SSIM of two gray images over a box window (shared/analysis/ssim.ts explains the method). The
 * same integer window sums and the same double arithmetic in the same order as the TypeScript, so the
 * same value to the bit: the windows that overlap the bounding box of differing pixels (found
 * `step` pixels at a time, as there) are summed in row order and the rest count as 1 each.
 */

/** Mean SSIM for windows up to 11 × 11; `column` has room for (width + 11) × 4 i32 sums. Both images are `width` × `height` bytes. */
export function ssimGray(a: usize, b: usize, width: i32, height: i32, window: i32, step: i32, c1: f64, c2: f64, column: usize): f64 {
  const across = width / step;
  let top = -1, bottom = -1, left = across, right = -1;
  for (let y = 0; y < height; y++) {
    const row = <usize>(y * width);
    let first = 0;
    while (first < across && same(a, b, row, first, step)) first++;
    if (first === across) continue;
    let last = across - 1;
    while (same(a, b, row, last, step)) last--;
    if (top < 0) top = y;
    bottom = y;
    if (first < left) left = first;
    if (last > right) right = last;
  }
  if (top < 0) return 1;
  const boxLeft = left * step, boxRight = right * step + step - 1;

  const rows = height - window + 1, cols = width - window + 1;
  const top0 = max(0, top - window + 1), top1 = min(rows - 1, bottom);
  const left0 = max(0, boxLeft - window + 1), left1 = min(cols - 1, boxRight);
  const w = left1 - left0 + window;
  // Four column sums (Σp, Σq, Σ(p² + q²), Σpq over the window's rows: the formula needs the squares
  // only added) in four arrays `span` bytes apart, so that four columns are one vector. Lanes past
  // `w` hold sums nobody reads; the arrays have room for the last vector's reads past them.
  const span = <usize>((w + 11) & ~3) << 2;
  memory.fill(column, 0, span * 4);
  for (let r = 0; r < window; r++) {
    const pixel = <usize>((top0 + r) * width + left0);
    moveColumns(a + pixel, b + pixel, 0, column, span, w);
  }
  const count = left1 - left0 + 1;
  const n = i32x4.splat(window * window);
  const k1 = f64x2.splat(c1), k2 = f64x2.splat(c2);
  let total = 0.0;
  for (let t = 0; t <= top1 - top0; t++) {
    if (t > 0) {
      const entering = <usize>((top0 + t + window - 1) * width + left0);
      const leaving = <usize>((top0 + t - 1) * width + left0);
      moveColumns(a + entering, b + entering, <isize>leaving - <isize>entering, column, span, w);
    }
    // Four neighbouring windows at a time: lane k holds window l + k's sums.
    let x = windowSums(column, window), y = windowSums(column + span, window);
    let squares = windowSums(column + 2 * span, window), products = windowSums(column + 3 * span, window);
    for (let l = 0; l < count; l += 4) {
      if (l > 0) {
        const at = column + (<usize>(l - 4) << 2), ahead = <usize>window << 2;
        x = i32x4.add(x, slide(at, ahead));
        y = i32x4.add(y, slide(at + span, ahead));
        squares = i32x4.add(squares, slide(at + 2 * span, ahead));
        products = i32x4.add(products, slide(at + 3 * span, ahead));
      }
      // The TypeScript's formula on window sums takes exact integer steps up to each + c₁ or + c₂:
      // 2xy, 2(n·Σpq − xy), x² + y² and n·Σ(p² + q²) − (x² + y²). Below 2³¹ for windows up to
      // 11 × 11, they are done here in 32-bit lanes and converted exactly, so every double after
      // them is the TypeScript's, and the terms are added one at a time in its order.
      const xy = i32x4.mul(x, y);
      const meanTerm = i32x4.add(xy, xy);
      const covariance = i32x4.shl(i32x4.sub(i32x4.mul(n, products), xy), 1);
      const meanSquares = i32x4.add(i32x4.mul(x, x), i32x4.mul(y, y));
      const variance = i32x4.sub(i32x4.mul(n, squares), meanSquares);
      const low = terms(meanTerm, covariance, meanSquares, variance, k1, k2);
      const high = terms(upper(meanTerm), upper(covariance), upper(meanSquares), upper(variance), k1, k2);
      total += f64x2.extract_lane(low, 0);
      if (l + 1 < count) total += f64x2.extract_lane(low, 1);
      if (l + 2 < count) total += f64x2.extract_lane(high, 0);
      if (l + 3 < count) total += f64x2.extract_lane(high, 1);
    }
  }
  const computed = (top1 - top0 + 1) * count;
  return (total + <f64>(rows * cols - computed)) / <f64>(rows * cols);
}

/** The SSIM terms of the two windows in the low lanes, from their exact integer parts. */
@inline function terms(meanTerm: v128, covariance: v128, meanSquares: v128, variance: v128, k1: v128, k2: v128): v128 {
  const numerator = f64x2.mul(f64x2.add(f64x2.convert_low_i32x4_s(meanTerm), k1), f64x2.add(f64x2.convert_low_i32x4_s(covariance), k2));
  const denominator = f64x2.mul(f64x2.add(f64x2.convert_low_i32x4_s(meanSquares), k1), f64x2.add(f64x2.convert_low_i32x4_s(variance), k2));
  return f64x2.div(numerator, denominator);
}

@inline function upper(v: v128): v128 {
  return v128.shuffle<i32>(v, v, 2, 3, 0, 1);
}

/** Windows 0–3's sums of one column array: lane k adds columns k … k + window − 1. */
@inline function windowSums(sums: usize, window: i32): v128 {
  let total = i32x4.splat(0);
  for (let c = 0; c < window; c++) total = i32x4.add(total, v128.load(sums + (<usize>c << 2)));
  return total;
}

/** What windows l − 4 … l − 1 (from `at`) gain moving four columns right: the four columns entering less the four leaving. */
@inline function slide(at: usize, ahead: usize): v128 {
  const entering = i32x4.add(i32x4.add(v128.load(at + ahead), v128.load(at + ahead, 4)), i32x4.add(v128.load(at + ahead, 8), v128.load(at + ahead, 12)));
  const leaving = i32x4.add(i32x4.add(v128.load(at), v128.load(at, 4)), i32x4.add(v128.load(at, 8), v128.load(at, 12)));
  return i32x4.sub(entering, leaving);
}

/**
 * Adds the row at `a`/`b` to the column sums, four columns at a time, and takes away the row
 * `leaving` bytes from it (0: none). Integer sums, so the same numbers as one column at a time.
 */
@inline function moveColumns(a: usize, b: usize, leaving: isize, column: usize, span: usize, w: i32): void {
  for (let c: usize = 0; c < <usize>w; c += 4) {
    const p = widen(a + c), q = widen(b + c);
    let dx = p, dy = q, dsquares = i32x4.add(i32x4.mul(p, p), i32x4.mul(q, q)), dproducts = i32x4.mul(p, q);
    if (leaving !== 0) {
      const u = widen(a + c + leaving), v = widen(b + c + leaving);
      dx = i32x4.sub(dx, u);
      dy = i32x4.sub(dy, v);
      dsquares = i32x4.sub(dsquares, i32x4.add(i32x4.mul(u, u), i32x4.mul(v, v)));
      dproducts = i32x4.sub(dproducts, i32x4.mul(u, v));
    }
    const at = column + (c << 2);
    v128.store(at, i32x4.add(v128.load(at), dx));
    v128.store(at + span, i32x4.add(v128.load(at + span), dy));
    v128.store(at + 2 * span, i32x4.add(v128.load(at + 2 * span), dsquares));
    v128.store(at + 3 * span, i32x4.add(v128.load(at + 3 * span), dproducts));
  }
}

/** Four bytes as four 32-bit lanes. */
@inline function widen(at: usize): v128 {
  return i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(at)));
}

@inline function same(a: usize, b: usize, row: usize, unit: i32, step: i32): bool {
  const at = row + <usize>(unit * step);
  return step === 4 ? load<u32>(a + at) === load<u32>(b + at) : load<u8>(a + at) === load<u8>(b + at);
}
