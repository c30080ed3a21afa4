/**
 * Conformance: every frame of every corpus GIF, composited by the streaming
 * decoder, against libvips' composite (sharp, flattened over black). The
 * tolerance is zero: on this corpus libvips and the decoder agree on every
 * byte, and no case where libvips departs from browsers needs an allowance.
 */
import { basename } from 'node:path';
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { bytesSource } from '../../../shared/media/gif/bytes.ts';
import { GifCanvas } from '../../../shared/media/gif/canvas.ts';
import { scanGif } from '../../../shared/media/gif/scan.ts';
import { openMedia, resolveLimits } from '../../../shared/media/index.ts';
import { ANALYSIS_SIZE } from '../../../shared/media/frame.ts';
import { fitInside, place } from '../../../shared/media/letterbox.ts';
import { Normaliser } from '../../../shared/media/resample.ts';
import { corpusFiles } from '../../support/corpus.ts';

/** Largest per-channel difference allowed between the decoder's frame and libvips'. */
const TOLERANCE = 0;
const SIZE = 256;

describe('streaming GIF decoder against libvips, every frame of ../shared/corpus/gifs', () => {
  it.each(corpusFiles('gifs').map((f) => [basename(f), f]))('%s', async (_, path) => {
    const { data, info } = await sharp(path, { pages: -1, limitInputPixels: false })
      .flatten({ background: '#000000' })
      .raw()
      .toBuffer({ resolveWithObject: true });
    const width = info.width;
    const height = info.pageHeight ?? info.height;
    const frameBytes = width * height * 3;
    const pages = data.length / frameBytes;

    const bytes = new Uint8Array(readFileSync(path));
    const layout = scanGif(bytes, 10_000);
    expect([layout.width, layout.height, layout.frames.length]).toEqual([width, height, pages]);

    const canvas = new GifCanvas(bytesSource(bytes), layout);
    // The source's own S×S and analysis images, from the same decode, against libvips' frames put through the same resamplers.
    const source = await openMedia(path, { size: SIZE, limits: resolveLimits() });
    const square = new Normaliser(width, height, fitInside(width, height, SIZE), SIZE, { channels: 4, fixedPoint: true });
    const analysis = new Normaliser(SIZE, SIZE, place(ANALYSIS_SIZE, ANALYSIS_SIZE, ANALYSIS_SIZE), ANALYSIS_SIZE);
    const rgba = new Uint8Array(width * height * 4);
    let index = 0;
    for await (const frame of source.frames()) {
      canvas.draw(layout.frames[index]!);
      const reference = data.subarray(index * frameBytes, (index + 1) * frameBytes);
      let worst = 0;
      for (let p = 0, q = 0; p < frameBytes; p += 3, q += 4) {
        for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(reference[p + c]! - canvas.rgba[q + c]!));
      }
      expect(worst, `frame ${index}`).toBeLessThanOrEqual(TOLERANCE);
      for (let p = 0, q = 0; p < frameBytes; p += 3, q += 4) rgba.set(reference.subarray(p, p + 3), q);
      const expected = square.normalise(rgba, 0);
      expect(Buffer.from(frame.rgb).equals(Buffer.from(expected)), `S×S image of frame ${index}`).toBe(true);
      expect(Buffer.from(frame.analysis).equals(Buffer.from(analysis.normalise(expected, 0))), `analysis image of frame ${index}`).toBe(true);
      index++;
    }
    expect(index).toBe(pages);
  });
});
