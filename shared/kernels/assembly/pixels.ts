/**
 * Pixel kernels over packed bytes (shared/analysis/pixels.ts states what each measures). Sums are of
 * integers, so each is the same exact number as the TypeScript's, whatever the order.
 */

/** Luma as ssim.js computes it: (77 R + 150 G + 29 B + 128) >> 8. */
export function rgbToGray(rgb: usize, out: usize, pixels: i32): void {
  for (let i = 0; i < pixels; i++, rgb += 3) {
    store<u8>(out + i, (77 * <u32>load<u8>(rgb) + 150 * <u32>load<u8>(rgb, 1) + 29 * <u32>load<u8>(rgb, 2) + 128) >> 8);
  }
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
