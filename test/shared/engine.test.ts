import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractKeyFrames } from '../../shared/index.ts';
import { openMedia, resolveLimits } from '../../shared/media/index.ts';
import { useSyntheticClips } from '../support/clips.ts';
import { corpusPath } from '../support/corpus.ts';
import { tempDir } from '../support/tmp.ts';

const clip = useSyntheticClips();

describe('extractKeyFrames', () => {
  const dir = tempDir();

  it('gives byte-identical record JSON for the same input twice', async () => {
    for (const path of [corpusPath('gifs/Zulko__moviepy__pigs_in_a_polka.gif'), clip('mixed').path]) {
      for (const selector of ['ssim', 'scene']) {
        const a = await extractKeyFrames(path, { selector, frameStats: true });
        const b = await extractKeyFrames(path, { selector, frameStats: true });
        expect(JSON.stringify(b.record)).toBe(JSON.stringify(a.record));
        expect(Buffer.concat(b.images)).toEqual(Buffer.concat(a.images));
      }
    }
  });

  it('hands back, for selectors that decide at the end, the pixels of the frames they picked', async () => {
    for (const path of [clip('mixed').path, corpusPath('gifs/Flipboard__FLAnimatedImage__rock.gif')]) {
      for (const selector of ['scene', 'coreset']) {
        const { record, images } = await extractKeyFrames(path, { selector });
        // A second, independent read renders exactly the picked frames for comparison.
        const wanted = new Map(record.keyFrames.map((k) => [k.frameIndex, k.ordinal]));
        const source = await openMedia(path, { size: record.size, limits: resolveLimits() });
        let compared = 0;
        for await (const frame of source.frames()) {
          if (!wanted.has(frame.index)) continue;
          expect(Buffer.from(images[wanted.get(frame.index)!]!).equals(Buffer.from(frame.rgb)), `${selector} frame ${frame.index}`).toBe(true);
          compared++;
        }
        expect(compared).toBe(wanted.size);
      }
    }
  });

  it('measures media, energy and motion, and flags static clips', async () => {
    const still = (await extractKeyFrames(clip('static').path)).record;
    expect(still.media).toMatchObject({ kind: 'gif', frameCount: 24, durationMs: 2400, meanFps: 10, width: 96, height: 72 });
    expect(still.metrics).toMatchObject({ static: true, motionScore: expect.any(Number) });
    expect(still.metrics.diversity).toBeNull();
    const moving = (await extractKeyFrames(clip('fast-motion').path)).record;
    expect(moving.metrics.static).toBe(false);
    expect(moving.metrics.energyMax).toBeGreaterThan(moving.metrics.energyMean);
    expect(moving.metrics.motionScore).toBeGreaterThan(still.metrics.motionScore);
  });

  it('reports diversity of the chosen frames as min, mean, max, p10, p90', async () => {
    const { metrics } = (await extractKeyFrames(clip('hard-cuts').path, { selector: 'coreset', selectorOptions: { maxKeyFrames: 4 } })).record;
    const d = metrics.diversity!;
    expect(d.min).toBeLessThanOrEqual(d.p10);
    expect(d.p10).toBeLessThanOrEqual(d.mean);
    expect(d.mean).toBeLessThanOrEqual(d.p90);
    expect(d.p90).toBeLessThanOrEqual(d.max);
  });

  it('writes every frame’s scores on request', async () => {
    const { frames } = (await extractKeyFrames(clip('hard-cuts').path, { selector: 'scene', frameStats: true })).record;
    expect(frames).toHaveLength(48);
    expect(frames![12]).toMatchObject({ index: 12, timeMs: 1200, content: expect.any(Number), energy: expect.any(Number) });
    expect(frames!.filter((f) => f.picked).map((f) => f.index)).toEqual([5, 17, 29, 41]);
  });

  it('stops over-limit input with LIMIT_EXCEEDED before decoding it', async () => {
    const path = clip('hard-cuts').path;
    await expect(extractKeyFrames(path, { limits: { maxFrames: 47 } })).rejects.toMatchObject({ code: 'LIMIT_EXCEEDED', message: /frames of at most 47 but found 48/ });
    await expect(extractKeyFrames(path, { limits: { maxCanvasPixels: 1000 } })).rejects.toMatchObject({ code: 'LIMIT_EXCEEDED' });
    await expect(extractKeyFrames(path, { limits: { maxInputBytes: 100 } })).rejects.toMatchObject({ code: 'LIMIT_EXCEEDED' });
    await expect(extractKeyFrames(path, { limits: { maxDurationMs: 1000 } })).rejects.toMatchObject({ code: 'LIMIT_EXCEEDED' });
    const video = corpusPath('videos/Zulko__moviepy__big_buck_bunny_0_30.webm');
    await expect(extractKeyFrames(video, { limits: { maxFrames: 50 } })).rejects.toMatchObject({ code: 'LIMIT_EXCEEDED' });
    await expect(extractKeyFrames(video, { limits: { maxDurationMs: 10_000 } })).rejects.toMatchObject({ code: 'LIMIT_EXCEEDED' });
  });

  it('sniffs the format from the bytes, not the name', async () => {
    const html = join(dir, 'fake.gif');
    writeFileSync(html, '<html>not a gif</html>');
    await expect(extractKeyFrames(html)).rejects.toMatchObject({ code: 'UNSUPPORTED_FORMAT', message: /starts with bytes 3c 68 74 6d/ });
    const empty = join(dir, 'empty.mp4');
    writeFileSync(empty, '');
    await expect(extractKeyFrames(empty)).rejects.toMatchObject({ code: 'EMPTY_INPUT' });
  });

  it('names a missing ffmpeg as DECODER_UNAVAILABLE', async () => {
    const saved = process.env.FFMPEG_PATH;
    process.env.FFMPEG_PATH = join(dir, 'no-such-ffmpeg');
    try {
      await expect(extractKeyFrames(corpusPath('videos/Zulko__moviepy__big_buck_bunny_0_30.webm'))).rejects.toMatchObject({ code: 'DECODER_UNAVAILABLE' });
    } finally {
      if (saved === undefined) delete process.env.FFMPEG_PATH;
      else process.env.FFMPEG_PATH = saved;
    }
  });

  it('rejects bad options with one uniform message', async () => {
    await expect(extractKeyFrames(clip('static').path, { selector: 'ssim', selectorOptions: { threshold: 3 } })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      message: 'Expected number between -1 and 1 for ssim.threshold but received 3 of type number',
    });
    await expect(extractKeyFrames(clip('static').path, { selector: 'nope' })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    await expect(extractKeyFrames(clip('static').path, { size: 0 })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
  });
});
