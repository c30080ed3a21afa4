import { ssim as ssimJs } from 'ssim.js';
import { describe, expect, it } from 'vitest';
import { ssimGray } from '../../../shared/analysis/ssim.ts';
import { seededRandom } from '../../../shared/random.ts';

/**
 * The definition as plain loops: every 11×11 window's sums from scratch, its term in the
 * kernel's formula (sums scaled by n², no division but the last), added in row order.
 */
function definition(a: Uint8Array, b: Uint8Array, width: number, height: number): number {
  const window = 11;
  const n = window * window;
  const c1 = (0.01 * 255) ** 2 * n * n;
  const c2 = (0.03 * 255) ** 2 * n * n;
  let total = 0;
  for (let top = 0; top + window <= height; top++) {
    for (let left = 0; left + window <= width; left++) {
      let sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
      for (let y = top; y < top + window; y++) {
        for (let x = left; x < left + window; x++) {
          const p = a[y * width + x]!, q = b[y * width + x]!;
          sx += p; sy += q; sxx += p * p; syy += q * q; sxy += p * q;
        }
      }
      const xy = sx * sy;
      const squares = sx * sx + sy * sy;
      total += ((2 * xy + c1) * (2 * (n * sxy - xy) + c2)) / ((squares + c1) * (n * (sxx + syy) - squares + c2));
    }
  }
  return total / ((width - window + 1) * (height - window + 1));
}

function grayToImageData(gray: Uint8Array, width: number, height: number) {
  const data = new Uint8ClampedArray(width * height * 4);
  gray.forEach((v, i) => data.set([v, v, v, 255], i * 4));
  return { data, width, height };
}

describe('ssimGray', () => {
  const size = 64;
  const random = seededRandom(7);
  const noise = Uint8Array.from({ length: size * size }, () => Math.floor(random() * 256));
  const gradient = Uint8Array.from({ length: size * size }, (_, i) => (i % size) * 4);
  const shifted = Uint8Array.from(gradient, (v, i) => Math.min(255, v + (i % 7) * 6));
  const dark = new Uint8Array(size * size).fill(12);

  it.each([
    ['noise vs gradient', noise, gradient],
    ['gradient vs shifted gradient', gradient, shifted],
    ['flat vs noise', dark, noise],
  ])('agrees with ssim.js (weber) on %s', (_, a, b) => {
    const reference = ssimJs(grayToImageData(a, size, size), grayToImageData(b, size, size)).mssim;
    expect(ssimGray(a, b, size, size)).toBeCloseTo(reference, 3);
  });

  it.each([[64, 64], [128, 128], [128, 72], [61, 47], [11, 11], [15, 200]])(
    'is the definition to the bit where every window is computed, and within 1e-12 where only those over differing pixels are: %i×%i',
    (width, height) => {
      const pick = seededRandom(width * 1000 + height);
      const a = Uint8Array.from({ length: width * height }, () => Math.floor(pick() * 256));
      const b = Uint8Array.from(a, (v) => (v + 1 + Math.floor(pick() * 60)) % 256);
      expect(ssimGray(a, b, width, height)).toBe(definition(a, b, width, height));
      const patched = a.slice();
      for (let y = Math.floor(height / 3); y < Math.floor(height / 3) + 5 && y < height; y++) {
        for (let x = 2; x < Math.min(width, 19); x++) patched[y * width + x] = 255 - a[y * width + x]!;
      }
      expect(ssimGray(a, patched, width, height)).toBeCloseTo(definition(a, patched, width, height), 12);
    },
  );

  it('is 1 for identical images and symmetric', () => {
    expect(ssimGray(noise, noise, size, size)).toBeCloseTo(1, 12);
    expect(ssimGray(noise, gradient, size, size)).toBeCloseTo(ssimGray(gradient, noise, size, size), 12);
  });

  it('rejects images of the wrong size, and windows whose sums would not fit the kernel', () => {
    expect(() => ssimGray(noise, gradient.subarray(1), size, size)).toThrow(RangeError);
    expect(() => ssimGray(noise, gradient, size, size, 12)).toThrow(RangeError);
    expect(ssimGray(noise, gradient, size, size, 7)).toBeCloseTo(ssimGray(gradient, noise, size, size, 7), 12);
  });
});
