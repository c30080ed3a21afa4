import { describe, expect, it } from 'vitest';
import { place } from '../../../shared/media/letterbox.ts';
import { PictureSink } from '../../../shared/media/picture-sink.ts';

describe('PictureSink', () => {
  // A picture arrives in writes of any size, across rows and frames; each frame lands in its place in
  // the square, and the rest of the square is never written.
  it.each([
    [256, 144],
    [144, 256],
    [97, 61],
    [256, 256],
    [1, 256],
  ])('places a %i×%i picture in a 256×256 square, whatever the writes', (width, height) => {
    const size = 256;
    const at = place(width, height, size);
    const square = new Uint8Array(size * size * 3).fill(7);
    const sink = new PictureSink(square, size, at);
    const frameBytes = width * height * 3;
    const stream = Uint8Array.from({ length: frameBytes * 2 + 5 }, (_, i) => (i * 31 + (i >> 9)) & 255);
    let offset = 0;
    let seed = width * 7 + height;
    for (let frame = 0; frame < 2; frame++) {
      sink.reset();
      while (!sink.full) {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        const length = 1 + (seed % 5000);
        offset += sink.write(stream.subarray(offset, offset + length));
      }
      const picture = stream.subarray(frame * frameBytes, (frame + 1) * frameBytes);
      for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) {
          const inside = x >= at.left && x < at.left + width && y >= at.top && y < at.top + height;
          const p = (y * size + x) * 3;
          const expected = inside ? picture.subarray(((y - at.top) * width + (x - at.left)) * 3, ((y - at.top) * width + (x - at.left)) * 3 + 3) : [7, 7, 7];
          if (square[p] !== expected[0] || square[p + 1] !== expected[1] || square[p + 2] !== expected[2]) {
            throw new Error(`Frame ${frame}, pixel (${x}, ${y}): ${[...square.subarray(p, p + 3)]} where ${[...expected]} was expected`);
          }
        }
      }
    }
    // The second frame took exactly its bytes: the five after it are the next frame's.
    expect(offset).toBe(frameBytes * 2);
  });

  it('refuses a picture that does not fit the square', () => {
    expect(() => new PictureSink(new Uint8Array(16 * 16 * 3), 16, { left: 1, top: 0, width: 16, height: 4 })).toThrow(RangeError);
  });
});
