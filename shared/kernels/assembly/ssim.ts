/**
 * Mean SSIM of two gray images over a box window (shared/analysis/ssim.ts explains the method). The
 * same integer window sums and the same double arithmetic in the same order as the TypeScript, so the
 * same value to the bit: the windows that overlap the bounding box of differing pixels (found
 * `step` pixels at a time, as there) are summed in row order and the rest count as 1 each.
 */

/** Mean SSIM; `column` has room for width × 5 i32 sums. Both images are `width` × `height` bytes. */
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
  memory.fill(column, 0, <usize>(w * 5) << 2);
  for (let r = 0; r < window; r++) {
    const pixel = <usize>((top0 + r) * width + left0);
    for (let c = 0; c < w; c++) {
      const p = <i32>load<u8>(a + pixel + c), q = <i32>load<u8>(b + pixel + c);
      const at = column + (<usize>(c * 5) << 2);
      store<i32>(at, load<i32>(at) + p);
      store<i32>(at, load<i32>(at, 4) + q, 4);
      store<i32>(at, load<i32>(at, 8) + p * p, 8);
      store<i32>(at, load<i32>(at, 12) + q * q, 12);
      store<i32>(at, load<i32>(at, 16) + p * q, 16);
    }
  }
  const n = <f64>(window * window);
  let total = 0.0;
  for (let t = 0; t <= top1 - top0; t++) {
    if (t > 0) {
      const entering = <usize>((top0 + t + window - 1) * width + left0);
      const leaving = <usize>((top0 + t - 1) * width + left0);
      for (let c = 0; c < w; c++) {
        const p = <i32>load<u8>(a + entering + c), q = <i32>load<u8>(b + entering + c);
        const u = <i32>load<u8>(a + leaving + c), v = <i32>load<u8>(b + leaving + c);
        const at = column + (<usize>(c * 5) << 2);
        store<i32>(at, load<i32>(at) + p - u);
        store<i32>(at, load<i32>(at, 4) + q - v, 4);
        store<i32>(at, load<i32>(at, 8) + p * p - u * u, 8);
        store<i32>(at, load<i32>(at, 12) + q * q - v * v, 12);
        store<i32>(at, load<i32>(at, 16) + p * q - u * v, 16);
      }
    }
    let sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    for (let c = 0; c < window; c++) {
      const at = column + (<usize>(c * 5) << 2);
      sx += load<i32>(at);
      sy += load<i32>(at, 4);
      sxx += load<i32>(at, 8);
      syy += load<i32>(at, 12);
      sxy += load<i32>(at, 16);
    }
    for (let l = 0; ; l++) {
      // Integers below 2⁵³ convert exactly, so these doubles are the TypeScript's numbers.
      const x = <f64>sx, y = <f64>sy;
      const xy = x * y;
      const squares = x * x + y * y;
      total += ((2 * xy + c1) * (2 * (n * <f64>sxy - xy) + c2)) / ((squares + c1) * (n * (<f64>sxx + <f64>syy) - squares + c2));
      if (l === left1 - left0) break;
      const enter = column + (<usize>((l + window) * 5) << 2);
      const leave = column + (<usize>(l * 5) << 2);
      sx += load<i32>(enter) - load<i32>(leave);
      sy += load<i32>(enter, 4) - load<i32>(leave, 4);
      sxx += load<i32>(enter, 8) - load<i32>(leave, 8);
      syy += load<i32>(enter, 12) - load<i32>(leave, 12);
      sxy += load<i32>(enter, 16) - load<i32>(leave, 16);
    }
  }
  const computed = (top1 - top0 + 1) * (left1 - left0 + 1);
  return (total + <f64>(rows * cols - computed)) / <f64>(rows * cols);
}

@inline function same(a: usize, b: usize, row: usize, unit: i32, step: i32): bool {
  const at = row + <usize>(unit * step);
  return step === 4 ? load<u32>(a + at) === load<u32>(b + at) : load<u8>(a + at) === load<u8>(b + at);
}
