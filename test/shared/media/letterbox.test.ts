import { describe, expect, it } from 'vitest';
import { fitInside } from '../../../shared/media/letterbox.ts';
import { decodeAll, pixel, solidFrame, writeGif } from '../../support/media.ts';
import { tempDir } from '../../support/tmp.ts';

describe('fitInside', () => {
  it.each([
    [100, 50, { width: 256, height: 128, left: 0, top: 64 }],
    [50, 100, { width: 128, height: 256, left: 64, top: 0 }],
    // dh = 125 is odd: top = floor(125 / 2) = 62, bottom = 63.
    [100, 51, { width: 256, height: 131, left: 0, top: 62 }],
    [1, 1, { width: 256, height: 256, left: 0, top: 0 }],
    [12337, 1, { width: 256, height: 1, left: 0, top: 127 }],
  ])('%i×%i fills one side of 256 and centres the rest', (w, h, expected) => {
    expect(fitInside(w, h, 256)).toEqual(expected);
  });
});

describe('normalised GIF frames', () => {
  const dir = tempDir();

  it('letterbox in black with top = floor(dh/2) and bottom = dh − top', async () => {
    const path = writeGif(dir, 'wide.gif', 100, 51, [solidFrame(100, 51, [255, 255, 255, 255])]);
    const [frame] = (await decodeAll(path)).frames;
    expect(frame!.rgb.length).toBe(256 * 256 * 3);
    expect(pixel(frame!, 128, 61)).toEqual([0, 0, 0]);
    expect(pixel(frame!, 128, 62)).toEqual([255, 255, 255]);
    expect(pixel(frame!, 128, 192)).toEqual([255, 255, 255]);
    expect(pixel(frame!, 128, 193)).toEqual([0, 0, 0]);
  });

  it('composite transparent pixels over black', async () => {
    const half = solidFrame(64, 64, [200, 30, 30, 255]);
    for (let y = 0; y < 64; y++) for (let x = 0; x < 32; x++) half.rgba[(y * 64 + x) * 4 + 3] = 0;
    const [frame] = (await decodeAll(writeGif(dir, 'alpha.gif', 64, 64, [half]))).frames;
    expect(pixel(frame!, 20, 128)).toEqual([0, 0, 0]);
    const [r, g, b] = pixel(frame!, 220, 128);
    expect(r).toBeGreaterThan(180);
    expect(g! + b!).toBeLessThan(100);
  });

  it('honour a different output size', async () => {
    const path = writeGif(dir, 'small.gif', 40, 20, [solidFrame(40, 20, [0, 0, 255, 255])]);
    const [frame] = (await decodeAll(path, 64)).frames;
    expect(frame!.rgb.length).toBe(64 * 64 * 3);
    expect(pixel(frame!, 32, 15)).toEqual([0, 0, 0]);
    expect(pixel(frame!, 32, 16)).toEqual([0, 0, 255]);
  });
});
