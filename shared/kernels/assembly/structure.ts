/**
 * The loops of a frame's appearance for cut detection (shared/analysis/structure.ts states what
 * they measure), over a square RGB frame of side `size` and a rectangle of it.
 */

/**
 * Integer sums of R, G and B (u32, 3 per cell) and pixel counts (u32 per cell) over a grid × grid
 * split of the rectangle: pixel (x, y) of it falls in cell (⌊x·grid/width⌋, ⌊y·grid/height⌋).
 * `column` has room for `width` u16 cell columns. `sums` and `counts` are zeroed first.
 */
export function cellSums(rgb: usize, size: i32, top: i32, left: i32, width: i32, height: i32, grid: i32, sums: usize, counts: usize, column: usize): void {
  memory.fill(sums, 0, <usize>(grid * grid * 3) << 2);
  memory.fill(counts, 0, <usize>(grid * grid) << 2);
  for (let x = 0; x < width; x++) store<u16>(column + (<usize>x << 1), <u16>((x * grid) / width));
  for (let y = 0; y < height; y++) {
    const row = ((y * grid) / height) * grid;
    let p = rgb + <usize>(((top + y) * size + left) * 3);
    for (let x = 0; x < width; x++, p += 3) {
      const cell = row + <i32>load<u16>(column + (<usize>x << 1));
      const at = sums + (<usize>(cell * 3) << 2);
      store<u32>(at, load<u32>(at) + <u32>load<u8>(p));
      store<u32>(at, load<u32>(at, 4) + <u32>load<u8>(p, 1), 4);
      store<u32>(at, load<u32>(at, 8) + <u32>load<u8>(p, 2), 8);
      const count = counts + (<usize>cell << 2);
      store<u32>(count, load<u32>(count) + 1);
    }
  }
}

/**
 * The trilinear tone histogram: every `stride`-th pixel of every `stride`-th row of the rectangle
 * [top, bottom] × [left, right] shares 1 between the 8 bins around its standardised colour.
 * `lower` (u8) and `share` (f32) give each level's lower bin and the share of the upper one;
 * `counts` (f64, levels³) is zeroed first, then summed in row order, as the TypeScript did.
 * Returns the number of samples.
 */
export function toneCounts(rgb: usize, size: i32, top: i32, left: i32, bottom: i32, right: i32, stride: i32, levels: i32, lower: usize, share: usize, counts: usize): i32 {
  const sr = levels * levels, sg = levels;
  memory.fill(counts, 0, <usize>(sr * levels) << 3);
  let samples = 0;
  for (let y = top; y <= bottom; y += stride) {
    let p = rgb + <usize>((y * size + left) * 3);
    for (let x = left; x <= right; x += stride, p += <usize>(3 * stride)) {
      const r = <usize>load<u8>(p), g = <usize>load<u8>(p, 1), b = <usize>load<u8>(p, 2);
      const k = <i32>load<u8>(lower + r) * sr + <i32>load<u8>(lower + g) * sg + <i32>load<u8>(lower + b);
      const r1 = <f64>load<f32>(share + (r << 2)), g1 = <f64>load<f32>(share + (g << 2)), b1 = <f64>load<f32>(share + (b << 2));
      const r0 = 1 - r1, g0 = 1 - g1, b0 = 1 - b1;
      add(counts, k, r0 * g0 * b0);
      add(counts, k + 1, r0 * g0 * b1);
      add(counts, k + sg, r0 * g1 * b0);
      add(counts, k + sg + 1, r0 * g1 * b1);
      add(counts, k + sr, r1 * g0 * b0);
      add(counts, k + sr + 1, r1 * g0 * b1);
      add(counts, k + sr + sg, r1 * g1 * b0);
      add(counts, k + sr + sg + 1, r1 * g1 * b1);
      samples++;
    }
  }
  return samples;
}

@inline function add(counts: usize, bin: i32, value: f64): void {
  const at = counts + (<usize>bin << 3);
  store<f64>(at, load<f64>(at) + value);
}
