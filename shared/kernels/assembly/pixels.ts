/**
 * Pixel kernels over packed bytes (shared/analysis/pixels.ts states what each measures). Sums are of
 * integers, so each is the same exact number as the TypeScript's, whatever the order.
 */

/**
 * Luma as ssim.js computes it: (77 R + 150 G + 29 B + 128) >> 8. Sixteen pixels at a time: the
 * channels are gathered out of three vectors, and the sum (at most 65,408) fits 16-bit lanes.
 */
export function rgbToGray(rgb: usize, out: usize, pixels: i32): void {
  let i = 0;
  for (; i + 16 <= pixels; i += 16, rgb += 48) {
    const a = v128.load(rgb), b = v128.load(rgb, 16), c = v128.load(rgb, 32);
    const r = v128.shuffle<u8>(v128.shuffle<u8>(a, b, 0, 3, 6, 9, 12, 15, 18, 21, 24, 27, 30, 0, 0, 0, 0, 0), c, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 17, 20, 23, 26, 29);
    const g = v128.shuffle<u8>(v128.shuffle<u8>(a, b, 1, 4, 7, 10, 13, 16, 19, 22, 25, 28, 31, 0, 0, 0, 0, 0), c, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 18, 21, 24, 27, 30);
    const bl = v128.shuffle<u8>(v128.shuffle<u8>(a, b, 2, 5, 8, 11, 14, 17, 20, 23, 26, 29, 0, 0, 0, 0, 0, 0), c, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 16, 19, 22, 25, 28, 31);
    v128.store(out + i, i8x16.narrow_i16x8_u(luma(i16x8.extend_low_i8x16_u(r), i16x8.extend_low_i8x16_u(g), i16x8.extend_low_i8x16_u(bl)), luma(i16x8.extend_high_i8x16_u(r), i16x8.extend_high_i8x16_u(g), i16x8.extend_high_i8x16_u(bl))));
  }
  for (; i < pixels; i++, rgb += 3) {
    store<u8>(out + i, (77 * <u32>load<u8>(rgb) + 150 * <u32>load<u8>(rgb, 1) + 29 * <u32>load<u8>(rgb, 2) + 128) >> 8);
  }
}

@inline function luma(r: v128, g: v128, b: v128): v128 {
  const sum = i16x8.add(i16x8.add(i16x8.mul(r, i16x8.splat(77)), i16x8.mul(g, i16x8.splat(150))), i16x8.add(i16x8.mul(b, i16x8.splat(29)), i16x8.splat(128)));
  return i16x8.shr_u(sum, 8);
}

/** Σ (a − b)² over `bytes` samples, as a double (exact below 2⁵³). */
export function sumSquaredDifference(a: usize, b: usize, bytes: i32): f64 {
  let total: u64 = 0;
  let i = 0;
  while (i + 16 <= bytes) {
    // 4096 blocks of 16 keep each 32-bit lane under 4096 × 4 × 255².
    let lanes = i32x4.splat(0);
    for (let block = 0; block < 4096 && i + 16 <= bytes; block++, i += 16) {
      const x = v128.load(a + i), y = v128.load(b + i);
      const low = i16x8.sub(i16x8.extend_low_i8x16_u(x), i16x8.extend_low_i8x16_u(y));
      const high = i16x8.sub(i16x8.extend_high_i8x16_u(x), i16x8.extend_high_i8x16_u(y));
      lanes = i32x4.add(lanes, i32x4.add(i32x4.dot_i16x8_s(low, low), i32x4.dot_i16x8_s(high, high)));
    }
    total += <u64>(<u32>i32x4.extract_lane(lanes, 0)) + <u64>(<u32>i32x4.extract_lane(lanes, 1)) + <u64>(<u32>i32x4.extract_lane(lanes, 2)) + <u64>(<u32>i32x4.extract_lane(lanes, 3));
  }
  for (; i < bytes; i++) {
    const d = <i32>load<u8>(a + i) - <i32>load<u8>(b + i);
    total += <u64>(d * d);
  }
  return <f64>total;
}

/** Σ |a − b| over `bytes` samples, as a double. */
export function sumAbsoluteDifference(a: usize, b: usize, bytes: i32): f64 {
  let total: u64 = 0;
  let i = 0;
  while (i + 16 <= bytes) {
    let lanes = i32x4.splat(0);
    for (let block = 0; block < 65536 && i + 16 <= bytes; block++, i += 16) {
      const x = v128.load(a + i), y = v128.load(b + i);
      const d = v128.or(i8x16.sub_sat_u(x, y), i8x16.sub_sat_u(y, x));
      lanes = i32x4.add(lanes, i32x4.extadd_pairwise_i16x8_u(i16x8.extadd_pairwise_i8x16_u(d)));
    }
    total += <u64>(<u32>i32x4.extract_lane(lanes, 0)) + <u64>(<u32>i32x4.extract_lane(lanes, 1)) + <u64>(<u32>i32x4.extract_lane(lanes, 2)) + <u64>(<u32>i32x4.extract_lane(lanes, 3));
  }
  for (; i < bytes; i++) total += <u64>abs(<i32>load<u8>(a + i) - <i32>load<u8>(b + i));
  return <f64>total;
}
