import { describe, expect, it } from 'vitest';
import { effectiveDelay, openGif } from '../../../shared/media/gif.ts';
import type { Frame } from '../../../shared/media/frame.ts';
import { resolveLimits } from '../../../shared/media/limits.ts';
import { sniffFile } from '../../../shared/media/sniff.ts';
import { syntheticClips } from '../../../scripts/synthetic/clips.ts';
import { corpusPath } from '../../support/corpus.ts';
import { decodeAll, solidFrame, writeGif } from '../../support/media.ts';
import { tempDir } from '../../support/tmp.ts';

describe('GIF decoding', () => {
  const dir = tempDir();

  it('keeps raw delays and plays 0 and 10 ms delays as 100 ms', async () => {
    const frames = [0, 10, 20, 100].map((delay, i) => solidFrame(8, 8, [i * 60, 0, 0, 255], delay));
    const { frames: decoded, info } = await decodeAll(writeGif(dir, 'delays.gif', 8, 8, frames));
    expect(decoded.map((f) => f.rawTimeMs)).toEqual([0, 0, 10, 30]);
    expect(decoded.map((f) => f.timeMs)).toEqual([0, 100, 200, 220]);
    expect(info.duration()).toEqual({ effectiveMs: 320, rawMs: 130 });
    expect(effectiveDelay(11)).toBe(11);
  });

  it('records the loop count: 0 plays forever, a missing NETSCAPE block plays once', async () => {
    const forever = await decodeAll(corpusPath('gifs/bumptech__glide__gif_netscape_iteration_0.gif'));
    const once = await decodeAll(corpusPath('gifs/bumptech__glide__gif_without_netscape_iteration.gif'));
    expect(forever.info.info.loopCount).toBe(0);
    expect(once.info.info.loopCount).toBe(1);
  });

  it('gives the same frames when the stream is read again from the start', async () => {
    const clip = syntheticClips()[0]!;
    const path = writeGif(dir, 'again.gif', clip.width, clip.height, clip.frames);
    const sniffed = await sniffFile(path);
    const source = await openGif(path, sniffed, { size: 128, limits: resolveLimits(), deadline: Date.now() + 60_000 });
    const read = async () => {
      const out: Uint8Array[] = [];
      for await (const frame of source.frames()) out.push(frame.keep().rgb);
      return out;
    };
    const first = await read();
    expect(first.length).toBe(48);
    expect(await read()).toEqual(first);
  });

  it('renders a frame at full size only while it is still on the canvas', async () => {
    const clip = syntheticClips()[0]!;
    const path = writeGif(dir, 'late.gif', clip.width, clip.height, clip.frames);
    const source = await openGif(path, await sniffFile(path), { size: 128, limits: resolveLimits(), deadline: Date.now() + 60_000 });
    const frames: Frame[] = [];
    for await (const frame of source.frames()) {
      frames.push(frame);
      if (frames.length === 2) break;
    }
    expect(() => frames[0]!.rgb).toThrow(/rendered after frame 1 was drawn/);
    expect(frames[1]!.rgb).toHaveLength(128 * 128 * 3);
  });

  it('lends analysis images for two frames, and a kept frame keeps its own', async () => {
    const clip = syntheticClips()[0]!;
    const path = writeGif(dir, 'lent.gif', clip.width, clip.height, clip.frames);
    const source = await openGif(path, await sniffFile(path), { size: 128, limits: resolveLimits(), deadline: Date.now() + 60_000 });
    const frames: Frame[] = [];
    let first: Uint8Array | undefined;
    for await (const frame of source.frames()) {
      if (frame.index === 0) first = frame.keep().analysis.slice();
      frames.push(frame);
      if (frames.length === 3) break;
    }
    // Frame 0 was kept; frame 1 is the one before the newest, still lent.
    expect(frames[0]!.analysis).toEqual(first);
    expect(frames[1]!.gray).toHaveLength(128 * 128);
    expect(frames[2]!.analysis).toHaveLength(128 * 128 * 3);
  });

  it('refuses to read a frame that was not kept once its buffer is reused', async () => {
    const clip = syntheticClips()[0]!;
    const path = writeGif(dir, 'reused.gif', clip.width, clip.height, clip.frames);
    const source = await openGif(path, await sniffFile(path), { size: 128, limits: resolveLimits(), deadline: Date.now() + 60_000 });
    const frames: Frame[] = [];
    for await (const frame of source.frames()) {
      frames.push(frame);
      if (frames.length === 3) break;
    }
    expect(() => frames[0]!.analysis).toThrow(/read after frame 2 reused its buffer; keep\(\) a frame to hold it/);
    expect(() => frames[0]!.gray).toThrow(/gray image/);
  });

  it('checks the frame limit from the block structure, before decoding', async () => {
    const frames = [0, 1, 2, 3].map((i) => solidFrame(8, 8, [i * 60, 0, 0, 255]));
    const path = writeGif(dir, 'four.gif', 8, 8, frames);
    await expect(openGif(path, await sniffFile(path), { size: 64, limits: resolveLimits({ maxFrames: 3 }), deadline: Date.now() + 60_000 })).rejects.toMatchObject({
      code: 'LIMIT_EXCEEDED',
    });
  });

  it('decodes sub-rectangle frames with disposal as a browser shows them', async () => {
    // FLAnimatedImage's rock.gif: 57 of 58 frames are sub-rectangles over the previous canvas.
    const { frames } = await decodeAll(corpusPath('gifs/Flipboard__FLAnimatedImage__rock.gif'));
    expect(frames).toHaveLength(58);
    // Composited frames stay full pictures: no frame is mostly the black of an undrawn canvas.
    for (const frame of frames) {
      const black = frame.gray.filter((v) => v < 4).length / frame.gray.length;
      expect(black).toBeLessThan(0.5);
    }
  });
});
