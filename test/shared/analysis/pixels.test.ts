import { describe, expect, it } from 'vitest';
import {
  colourHistogram,
  descriptorDistance,
  histogramDistance,
  meanSquaredDifference,
  rgbToGray,
  thumbnailDescriptor,
} from '../../../shared/analysis/pixels.ts';
import { hashSimilarity } from '../../../shared/analysis/phash.ts';
import { distribution, percentile } from '../../../shared/analysis/stats.ts';

const solid = (size: number, value: number) => new Uint8Array(size * size * 3).fill(value);

describe('pixel kernels', () => {
  it('descriptor distance runs from 0 (same) to 1 (black against white)', () => {
    const black = thumbnailDescriptor(solid(32, 0), 32, 16);
    const white = thumbnailDescriptor(solid(32, 255), 32, 16);
    expect(descriptorDistance(black, black)).toBe(0);
    expect(descriptorDistance(black, white)).toBeCloseTo(1, 6);
  });

  it('histogram distance is 1 between disjoint colours and 0 between equal ones', () => {
    expect(histogramDistance(colourHistogram(solid(8, 0)), colourHistogram(solid(8, 255)))).toBe(1);
    expect(histogramDistance(colourHistogram(solid(8, 90)), colourHistogram(solid(8, 90)))).toBe(0);
  });

  it('energy is the mean squared difference over RGB samples in 0–255', () => {
    expect(meanSquaredDifference(solid(4, 10), solid(4, 13))).toBe(9);
  });

  it('gray uses the integer luma of ssim.js', () => {
    expect([...rgbToGray(Uint8Array.of(255, 0, 0, 0, 255, 0, 0, 0, 255))]).toEqual([77, 149, 29]);
  });

  it('gray is that luma for every pixel, sixteen at a time and in the tail', () => {
    for (const pixels of [16, 17, 1000, 128 * 128]) {
      const rgb = Uint8Array.from({ length: pixels * 3 }, (_, i) => (Math.imul(i + pixels, 2654435761) >>> 24) | (i % 97 === 0 ? 255 : 0));
      const expected = Uint8Array.from({ length: pixels }, (_, i) => (77 * rgb[3 * i]! + 150 * rgb[3 * i + 1]! + 29 * rgb[3 * i + 2]! + 128) >> 8);
      expect(Buffer.compare(rgbToGray(rgb), expected)).toBe(0);
    }
  });

  it('hash similarity counts equal bits', () => {
    expect(hashSimilarity('ff', 'ff')).toBe(100);
    expect(hashSimilarity('f0', 'ff')).toBe(50);
  });

  it('percentiles interpolate like numpy', () => {
    expect(percentile([1, 2, 3, 4, 5], 10)).toBeCloseTo(1.4);
    expect(distribution([3, 1, 2])).toEqual({ min: 1, mean: 2, max: 3, p10: 1.2, p90: 2.8 });
    expect(distribution([])).toBeNull();
  });
});
