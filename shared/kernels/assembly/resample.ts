/**
 * The resampler's kernels (shared/media/resample.ts makes the tap tables and stages the data). Tap
 * tables hold per output index a first source index (i32), a tap count (i32) and `stride` weights
 * (f64). Source pixels are RGB or RGBA (`channels`), alpha ignored; source rows come in a band, row r
 * at `src + (r − rowBase) · rowBytes`. Output is packed RGB rows of side `size`, from row
 * `outRowBase` of the canvas on.
 *
 * Each output value is a fixed sequence of IEEE double operations: per source row, the first tap
 * times its weight plus (the integer sum of the taps between times their common weight plus the
 * last tap times its weight); per output pixel, those row sums times the row weights added from
 * zero in row order; then + 0.5, truncated. Two lanes of f64x2 are two channels, each with the
 * same sequence, so SIMD changes no value.
 */

/** f64x2 of a pixel's [r, g] and [b, a] from its four lanes. */
@inline function lanesLow(pixel: v128): v128 {
  return f64x2.convert_low_i32x4_s(pixel);
}
@inline function lanesHigh(pixel: v128): v128 {
  return f64x2.convert_low_i32x4_s(i32x4.shuffle(pixel, pixel, 2, 3, 0, 1));
}
/** The four bytes at `p` as four i32 lanes: a pixel's channels. */
@inline function widen(p: usize): v128 {
  return i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(p)));
}

/**
 * One source row's horizontal sum for output column x, in two f64x2 ([r, g], [b, ·]) written to
 * `into` (32 bytes): w0·first + (wi·Σ between + wn·last). Between the first tap and the last the
 * weights are equal (area) or there are none (linear), so those pixels are summed as integers.
 */
@inline function columnSum(row: usize, channels: i32, colFirst: usize, colCount: usize, colWeights: usize, colStride: i32, x: i32, into: usize): void {
  const n = load<i32>(colCount + (<usize>x << 2));
  const taps = colWeights + (<usize>(x * colStride) << 3);
  let p = row + <usize>(load<i32>(colFirst + (<usize>x << 2)) * channels);
  const w0 = f64x2.splat(load<f64>(taps));
  const v0 = widen(p);
  let rg = f64x2.mul(w0, lanesLow(v0));
  let ba = f64x2.mul(w0, lanesHigh(v0));
  if (n > 1) {
    const wi = f64x2.splat(n > 2 ? load<f64>(taps, 8) : 0.0);
    const wn = f64x2.splat(load<f64>(taps + (<usize>(n - 1) << 3)));
    const last = p + <usize>((n - 1) * channels);
    p += channels;
    let between = i32x4.splat(0);
    if (channels === 4) {
      // Two RGBA pixels at a time in 16-bit lanes, emptied every 128 pairs so that no lane passes 128 × 255.
      while (p + 8 <= last) {
        let pairs = i16x8.splat(0);
        for (let k = 0; k < 128 && p + 8 <= last; k++, p += 8) pairs = i16x8.add(pairs, i16x8.extend_low_i8x16_u(v128.load64_zero(p)));
        between = i32x4.add(between, i32x4.add(i32x4.extend_low_i16x8_u(pairs), i32x4.extend_high_i16x8_u(pairs)));
      }
    }
    // An RGB pixel read as a word carries the next pixel's red in its fourth lane, which is never used.
    for (; p < last; p += channels) between = i32x4.add(between, widen(p));
    const vn = widen(last);
    rg = f64x2.add(rg, f64x2.add(f64x2.mul(wi, lanesLow(between)), f64x2.mul(wn, lanesLow(vn))));
    ba = f64x2.add(ba, f64x2.add(f64x2.mul(wi, lanesHigh(between)), f64x2.mul(wn, lanesHigh(vn))));
  }
  v128.store(into, rg);
  v128.store(into, ba, 16);
}

@inline function storeRgb(q: usize, rg: v128, ba: v128): void {
  const half = f64x2.splat(0.5);
  const low = i32x4.trunc_sat_f64x2_s_zero(f64x2.add(rg, half));
  const high = i32x4.trunc_sat_f64x2_s_zero(f64x2.add(ba, half));
  store<u8>(q, i32x4.extract_lane(low, 0));
  store<u8>(q, i32x4.extract_lane(low, 1), 1);
  store<u8>(q, i32x4.extract_lane(high, 0), 2);
}

/**
 * Output rows [y0, y1) and columns [x0, x1): each source row's sums for every output column are made
 * once into a ring of `ringRows` rows (the most any output row reads), shared by the output rows that
 * read it; each output row then adds its rows' sums, weighed, from zero in row order, into `total`.
 * `ring` holds ringRows × (x1 − x0) × 32 bytes and `total` (x1 − x0) × 32.
 */
export function resampleRgba(
  src: usize, rowBase: i32, srcWidth: i32, channels: i32, out: usize, outRowBase: i32, size: i32, left: i32, top: i32,
  colFirst: usize, colCount: usize, colWeights: usize, colStride: i32,
  rowFirst: usize, rowCount: usize, rowWeights: usize, ringRows: i32,
  y0: i32, y1: i32, x0: i32, x1: i32, ring: usize, total: usize,
): void {
  const rowBytes = <usize>(srcWidth * channels);
  const lane = <usize>(x1 - x0) << 5;
  let nextRow = load<i32>(rowFirst + (<usize>y0 << 2));
  for (let y = y0; y < y1; y++) {
    const firstRow = load<i32>(rowFirst + (<usize>y << 2));
    const count = load<i32>(rowCount + (<usize>y << 2));
    for (let s = max(nextRow, firstRow); s < firstRow + count; s++) {
      const row = src + <usize>(s - rowBase) * rowBytes;
      let into = ring + <usize>(s % ringRows) * lane;
      for (let x = x0; x < x1; x++, into += 32) columnSum(row, channels, colFirst, colCount, colWeights, colStride, x, into);
    }
    nextRow = max(nextRow, firstRow + count);
    const rowTaps = rowWeights + (<usize>(y * ringRows) << 3);
    const zero = f64x2.splat(0);
    for (let k = 0; k < count; k++) {
      const weight = v128.load64_splat(rowTaps + (<usize>k << 3));
      const sums = ring + <usize>((firstRow + k) % ringRows) * lane;
      for (let i: usize = 0; i < lane; i += 16) {
        const before = k === 0 ? zero : v128.load(total + i);
        v128.store(total + i, f64x2.add(before, f64x2.mul(weight, v128.load(sums + i))));
      }
    }
    let q = out + <usize>(((top + y - outRowBase) * size + left + x0) * 3);
    for (let i: usize = 0; i < lane; i += 32, q += 3) storeRgb(q, v128.load(total + i), v128.load(total + i, 16));
  }
}

/**
 * Exactly 2:1 both ways (video's S×S square to 128×128): each output is the mean of a 2×2 block,
 * (a + b + c + d + 2) >> 2, which is what the general sum gives here (quarters are exact in binary).
 * The two source rows are added as 16-bit lanes sixteen bytes at a time into `pairs`, then each
 * output adds a pixel and its right neighbour.
 */
export function halve(src: usize, rowBase: i32, srcWidth: i32, channels: i32, out: usize, outRowBase: i32, size: i32, left: i32, top: i32, y0: i32, y1: i32, x0: i32, x1: i32, pairs: usize): void {
  const rowBytes = <usize>(srcWidth * channels);
  const from = <usize>(2 * x0 * channels), to = <usize>(2 * x1 * channels);
  for (let y = y0; y < y1; y++) {
    const upper = src + <usize>(2 * y - rowBase) * rowBytes, lower = upper + rowBytes;
    let i = from;
    for (; i + 16 <= to; i += 16) {
      const a = v128.load(upper + i), b = v128.load(lower + i);
      v128.store(pairs + (i << 1), i16x8.add(i16x8.extend_low_i8x16_u(a), i16x8.extend_low_i8x16_u(b)));
      v128.store(pairs + (i << 1), i16x8.add(i16x8.extend_high_i8x16_u(a), i16x8.extend_high_i8x16_u(b)), 16);
    }
    for (; i < to; i++) store<u16>(pairs + (i << 1), <u16>load<u8>(upper + i) + <u16>load<u8>(lower + i));
    let q = out + <usize>(((top + y - outRowBase) * size + left + x0) * 3);
    let x = x0;
    // Four outputs at a time while the vectors' reads stay before `to`: a sample plus the one a
    // pixel to its right, rounded, narrowed to bytes, and the first three channels of every other pixel kept.
    const n = <usize>channels << 1;
    for (; x + 6 <= x1; x += 4, q += 12) {
      const p = pairs + (<usize>(2 * x * channels) << 1);
      const low = i8x16.narrow_i16x8_u(quarter(p, n), quarter(p + 16, n));
      const high = i8x16.narrow_i16x8_u(quarter(p + 32, n), quarter(p + 48, n));
      const kept = channels === 4
        ? v128.shuffle<u8>(low, high, 0, 1, 2, 8, 9, 10, 16, 17, 18, 24, 25, 26, 0, 0, 0, 0)
        : v128.shuffle<u8>(low, high, 0, 1, 2, 6, 7, 8, 12, 13, 14, 18, 19, 20, 0, 0, 0, 0);
      v128.store64_lane(q, kept, 0);
      v128.store32_lane(q, kept, 2, 8);
    }
    for (; x < x1; x++, q += 3) {
      const p = pairs + (<usize>(2 * x * channels) << 1);
      store<u8>(q, (<u32>load<u16>(p) + <u32>load<u16>(p + n) + 2) >> 2);
      store<u8>(q, (<u32>load<u16>(p, 2) + <u32>load<u16>(p + n, 2) + 2) >> 2, 1);
      store<u8>(q, (<u32>load<u16>(p, 4) + <u32>load<u16>(p + n, 4) + 2) >> 2, 2);
    }
  }
}

/** Eight 2×2 sums from 16-bit row pairs at `p` and a pixel (`n` bytes) on, as (sum + 2) >> 2. */
@inline function quarter(p: usize, n: usize): v128 {
  return i16x8.shr_u(i16x8.add(i16x8.add(v128.load(p), v128.load(p + n)), i16x8.splat(2)), 2);
}

/** Fixed-point weights: each output's weights along an axis are integers summing to ONE. */
const ONE_SHIFT = 14;
/** Bits a row sum drops before the vertical pass, so that its products stay within 32 bits. */
const ROW_SHIFT = 8;

/**
 * The same resampling of RGBA with 14-bit fixed-point weights, within one level of the exact sums
 * and 1.3–2× as fast; for images that no score reads. Along a row, taps go in pairs: the
 * two pixels' bytes are interleaved (r₀ r₁ g₀ g₁ …) and one 16-bit dot product against the
 * pair's weights (`colWeights`, one i16x8 per pair, from pair `colWeightAt[x]` on, `colPairs[x]`
 * of them) sums each channel of both; the row sum keeps 6 fractional bits. Down a column, the
 * kept rows' sums times their weights (`rowWeights`, i32) are added and rounded to a byte.
 * `ring` holds ringRows × (x1 − x0) × 16 bytes and `total` (x1 − x0) × 16.
 */
export function resampleRgbaFixed(
  src: usize, rowBase: i32, srcWidth: i32, out: usize, outRowBase: i32, size: i32, left: i32, top: i32,
  colFirst: usize, colPairs: usize, colWeightAt: usize, colWeights: usize,
  rowFirst: usize, rowCount: usize, rowWeights: usize, ringRows: i32,
  y0: i32, y1: i32, x0: i32, x1: i32, ring: usize, total: usize,
): void {
  const rowBytes = <usize>srcWidth << 2;
  const lane = <usize>(x1 - x0) << 4;
  const rowRound = i32x4.splat(1 << (ROW_SHIFT - 1));
  const outShift = 2 * ONE_SHIFT - ROW_SHIFT;
  const outRound = i32x4.splat(1 << (outShift - 1));
  let nextRow = load<i32>(rowFirst + (<usize>y0 << 2));
  for (let y = y0; y < y1; y++) {
    const firstRow = load<i32>(rowFirst + (<usize>y << 2));
    const count = load<i32>(rowCount + (<usize>y << 2));
    for (let s = max(nextRow, firstRow); s < firstRow + count; s++) {
      const row = src + <usize>(s - rowBase) * rowBytes;
      let into = ring + <usize>(s % ringRows) * lane;
      for (let x = x0; x < x1; x++, into += 16) {
        let p = row + (<usize>load<i32>(colFirst + (<usize>x << 2)) << 2);
        let weights = colWeights + (<usize>load<i32>(colWeightAt + (<usize>x << 2)) << 4);
        const pairs = load<i32>(colPairs + (<usize>x << 2));
        let sum = i32x4.splat(0);
        for (let k = 0; k < pairs; k++, p += 8, weights += 16) {
          const two = i8x16.shuffle(v128.load64_zero(p), v128.splat<i32>(0), 0, 4, 1, 5, 2, 6, 3, 7, 16, 16, 16, 16, 16, 16, 16, 16);
          sum = i32x4.add(sum, i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_u(two), v128.load(weights)));
        }
        v128.store(into, i32x4.shr_s(i32x4.add(sum, rowRound), ROW_SHIFT));
      }
    }
    nextRow = max(nextRow, firstRow + count);
    const rowTaps = rowWeights + (<usize>(y * ringRows) << 2);
    for (let k = 0; k < count; k++) {
      const weight = i32x4.splat(load<i32>(rowTaps + (<usize>k << 2)));
      const sums = ring + <usize>((firstRow + k) % ringRows) * lane;
      for (let i: usize = 0; i < lane; i += 16) {
        const before = k === 0 ? outRound : v128.load(total + i);
        v128.store(total + i, i32x4.add(before, i32x4.mul(v128.load(sums + i), weight)));
      }
    }
    let q = out + <usize>(((top + y - outRowBase) * size + left + x0) * 3);
    for (let i: usize = 0; i < lane; i += 16, q += 3) {
      const pixel = i32x4.shr_s(v128.load(total + i), outShift);
      store<u8>(q, i32x4.extract_lane(pixel, 0));
      store<u8>(q, i32x4.extract_lane(pixel, 1), 1);
      store<u8>(q, i32x4.extract_lane(pixel, 2), 2);
    }
  }
}
