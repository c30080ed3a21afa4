import { describe, expect, it } from 'vitest';
import { extractKeyFrames, SELECTOR_NAMES, type ExtractOptions } from '../../../shared/index.ts';
import { resolveSelector } from '../../../shared/selectors/index.ts';
import { useSyntheticClips } from '../../support/clips.ts';
import { decodeAll } from '../../support/media.ts';

const clip = useSyntheticClips();

async function pick(name: string, selector: string, selectorOptions: Record<string, unknown> = {}, extra: ExtractOptions = {}) {
  const { record } = await extractKeyFrames(clip(name).path, { selector, selectorOptions, ...extra });
  return record;
}
const indices = (record: Awaited<ReturnType<typeof pick>>) => record.keyFrames.map((k) => k.frameIndex);

describe('ssim selector', () => {
  it('picks the first frame and each hard cut at least minGap apart', async () => {
    // Still shots of 12 frames: every cut is ≥ 10 frames after the last key frame.
    expect(indices(await pick('still-cuts', 'ssim'))).toEqual([0, 12, 24, 36]);
  });

  it('also picks motion within a shot once minGap has passed', async () => {
    const picked = indices(await pick('hard-cuts', 'ssim'));
    expect(picked[0]).toBe(0);
    picked.slice(1).forEach((index, k) => expect(index - picked[k]!).toBeGreaterThanOrEqual(10));
  });

  it('picks only the first frame of a static clip', async () => {
    expect(indices(await pick('static', 'ssim'))).toEqual([0]);
  });

  it('honours minGap in frames and in seconds', async () => {
    const frames = indices(await pick('hard-cuts', 'ssim', { minGap: 13 }));
    frames.slice(1).forEach((index, k) => expect(index - frames[k]!).toBeGreaterThanOrEqual(13));
    // 100 ms frames: "2s" is 20 frames.
    const seconds = indices(await pick('hard-cuts', 'ssim', { minGap: '2s' }));
    seconds.slice(1).forEach((index, k) => expect(index - seconds[k]!).toBeGreaterThanOrEqual(20));
  });

  it('caps at maxKeyFrames and pads to it on request', async () => {
    expect(indices(await pick('noise-cuts', 'ssim', { maxKeyFrames: 2 }))).toHaveLength(2);
    const padded = await pick('static', 'ssim', { pad: true, maxKeyFrames: 4 });
    expect(indices(padded)).toEqual([0, 0, 0, 0]);
    expect(padded.keyFrames.map((k) => k.ordinal)).toEqual([0, 1, 2, 3]);
    expect(padded.keyFrames[1]!.similarityToPrevious).toBe(1);
  });

  it('takes SSIM only where it can make a key frame when frame stats are not wanted, and picks the same', async () => {
    const options = { maxKeyFrames: 3 };
    const { frames: all, ...everything } = await pick('hard-cuts', 'ssim', options, { frameStats: true });
    expect(await pick('hard-cuts', 'ssim', options)).toEqual(everything);
    expect(all!.slice(1).every((f) => typeof f.ssim === 'number')).toBe(true);

    const { frames } = await decodeAll(clip('hard-cuts').path);
    const selector = resolveSelector('ssim', options).create({ frameStats: false });
    const keys = frames.filter((frame) => selector.push(frame)).map((f) => f.index);
    expect(keys).toEqual(everything.keyFrames.map((k) => k.frameIndex));
    // Scored: the frames from minGap after one key frame up to the next one, and none after the last.
    const scored = frames.filter((f) => 'ssim' in f.stats).map((f) => f.index);
    const candidates = frames.map((f) => f.index).filter((i) => keys.slice(1).some((next, n) => i >= keys[n]! + 10 && i <= next));
    expect(scored).toEqual(candidates);
    expect(scored.length).toBeLessThan(frames.length - 1);
  });

  it('scores a key frame by its SSIM with the previous frame', async () => {
    const [, cut] = (await pick('hard-cuts', 'ssim')).keyFrames;
    expect(cut!.score).toBeLessThan(0.95);
  });
});

describe('phash selector', () => {
  it('keeps one frame of a static clip', async () => {
    expect(indices(await pick('static', 'phash'))).toEqual([0]);
  });

  it('keeps a frame from every shot, compared with the last kept frame', async () => {
    const kept = indices(await pick('hard-cuts', 'phash', { maxKeyFrames: 48 }));
    for (const start of [0, 12, 24, 36]) expect(kept.some((i) => i >= start && i < start + 12)).toBe(true);
  });

  it('keeps more as the threshold rises', async () => {
    const loose = indices(await pick('fast-motion', 'phash', { threshold: 70, maxKeyFrames: 48 }));
    const strict = indices(await pick('fast-motion', 'phash', { threshold: 99, maxKeyFrames: 48 }));
    expect(strict.length).toBeGreaterThan(loose.length);
  });
});

describe('scene selector', () => {
  const cutsOf = (record: Awaited<ReturnType<typeof pick>>) =>
    record.shots!.filter((s) => s.transition?.kind === 'cut').map((s) => s.startFrame);
  const boundariesOf = (record: Awaited<ReturnType<typeof pick>>) => record.shots!.slice(1).map((s) => s.startFrame);

  it.each(['hard-cuts', 'still-cuts', 'noise-cuts', 'fast-motion', 'flash', 'static', 'noise-static', 'dissolve'])(
    'finds exactly the hard cuts of %s',
    async (name) => {
      expect(cutsOf(await pick(name, 'scene'))).toEqual(clip(name).cuts);
    },
  );

  it('fires at most once inside a fade or a dissolve', async () => {
    for (const name of ['fade', 'dissolve', 'mixed']) {
      const record = await pick(name, 'scene');
      const { cuts, gradual } = clip(name);
      for (const [first, last] of gradual) {
        const inside = boundariesOf(record).filter((i) => i >= first - 1 && i <= last + 1);
        expect(inside.length, `${name} ${first}-${last}`).toBeLessThanOrEqual(1);
      }
      for (const cut of cuts) expect(cutsOf(record)).toContain(cut);
    }
  });

  it('represents each shot by its middle frame and records shot start times', async () => {
    const record = await pick('hard-cuts', 'scene');
    expect(indices(record)).toEqual([5, 17, 29, 41]);
    expect(record.shots).toEqual([
      { startFrame: 0, startMs: 0 },
      ...[12, 24, 36].map((startFrame) => ({
        startFrame,
        startMs: startFrame * 100,
        transition: { kind: 'cut', firstFrame: startFrame, lastFrame: startFrame },
      })),
    ]);
  });

  it('enforces a minimum shot length and keeps the longest shots over the cap', async () => {
    // Cuts at 12, 24, 36 with shots of at least 13: 12 is too soon after 0, 36 too soon after 24.
    expect(cutsOf(await pick('hard-cuts', 'scene', { minShotLength: 13 }))).toEqual([24]);
    expect(indices(await pick('mixed', 'scene', { maxKeyFrames: 1 }))).toHaveLength(1);
  });
});

describe('coreset selector', () => {
  it('covers every shot with k = number of shots', async () => {
    const picked = indices(await pick('hard-cuts', 'coreset', { maxKeyFrames: 4 }));
    expect(picked.map((i) => Math.floor(i / 12)).sort()).toEqual([0, 1, 2, 3]);
  });

  it('stops early once every frame is within minDistance', async () => {
    expect(indices(await pick('static', 'coreset'))).toEqual([0]);
  });

  it('spreads picks farther apart than uniform sampling', async () => {
    const coreset = await pick('mixed', 'coreset', { maxKeyFrames: 5 });
    const uniform = await pick('mixed', 'uniform', { every: 12, maxKeyFrames: 5 });
    expect(coreset.metrics.diversity!.min).toBeGreaterThan(uniform.metrics.diversity!.min);
  });
});

describe('uniform selector', () => {
  it('takes every n-th frame', async () => {
    expect(indices(await pick('hard-cuts', 'uniform', { every: 10 }))).toEqual([0, 10, 20, 30, 40]);
  });

  it('takes a frame per 1/fps seconds of play time', async () => {
    expect(indices(await pick('hard-cuts', 'uniform', { fps: 2 }))).toEqual([0, 5, 10, 15, 20, 25, 30, 35, 40, 45]);
  });

  it('refuses fps and every together', async () => {
    await expect(pick('static', 'uniform', { fps: 1, every: 2 })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
  });
});

describe('every selector', () => {
  it.each(SELECTOR_NAMES)('%s is deterministic and gives each key frame its index, time, similarity and hash', async (name) => {
    const first = await pick('mixed', name);
    const second = await pick('mixed', name);
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
    for (const key of first.keyFrames) {
      expect(key.timeMs).toBe(key.frameIndex * 100);
      expect(key.phash).toMatch(/^[0-9a-f]{16}$/);
    }
    expect(first.keyFrames[0]!.similarityToPrevious).toBeNull();
  });
});
