import { ssim as ssimJs } from 'ssim.js';
import { describe, expect, it } from 'vitest';
import { ssimGray } from '../../../shared/analysis/ssim.ts';
import {  } from '../../../scripts/synthetic/clips.ts';
import { seededRandom } from '../../../shared/random.ts';

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

  it('is 1 for identical images and symmetric', () => {
    expect(ssimGray(noise, noise, size, size)).toBeCloseTo(1, 12);
    expect(ssimGray(noise, gradient, size, size)).toBeCloseTo(ssimGray(gradient, noise, size, size), 12);
  });

  it('rejects images of the wrong size', () => {
    expect(() => ssimGray(noise, gradient.subarray(1), size, size)).toThrow(RangeError);
  });
});
