import { describe, expect, it } from 'vitest';
import { extractKeyFrames, type Shot } from '../../../shared/index.ts';
import { useSyntheticClips } from '../../support/clips.ts';

const clip = useSyntheticClips();

async function shotsOf(name: string, selectorOptions: Record<string, unknown> = {}): Promise<Shot[]> {
  const { record } = await extractKeyFrames(clip(name).path, { selector: 'scene', selectorOptions });
  return record.shots!;
}
const cuts = (shots: Shot[]) => shots.filter((s) => s.transition?.kind === 'cut').map((s) => s.startFrame);
const gradual = (shots: Shot[]) => shots.filter((s) => s.transition?.kind === 'gradual');

describe('scene selector on brightness, black and short shots', () => {
  it.each(['flat-ramp', 'flat-tint-ramp', 'textured-ramp'])('finds no boundary in %s, a brightness ramp within one shot', async (name) => {
    expect(await shotsOf(name)).toEqual([{ startFrame: 0, startMs: 0 }]);
  });

  it('gives a cut to black and the fade in after it one boundary each', async () => {
    // Shot a 0–11, black 12–21, fade in 22–29, shot b from 30.
    const shots = await shotsOf('cut-to-black');
    expect(shots).toHaveLength(3);
    expect(shots[1]).toMatchObject({ startFrame: 12, transition: { kind: 'cut', firstFrame: 12, lastFrame: 12 } });
    const fade = shots[2]!.transition!;
    expect(fade.kind).toBe('gradual');
    expect(fade.firstFrame).toBeGreaterThanOrEqual(21);
    expect(fade.lastFrame).toBeLessThanOrEqual(30);
    expect(shots[2]!.startFrame).toBe(Math.floor((fade.firstFrame + fade.lastFrame) / 2));
  });

  it('gives a cut from black, a fade out and a cut from black again one boundary each', async () => {
    // Black 0–7, shot a 8–19, fade out 20–27, black 28–35, shot b from 36.
    const shots = await shotsOf('cut-from-black');
    expect(cuts(shots)).toEqual([8, 36]);
    expect(gradual(shots)).toHaveLength(1);
    const fade = gradual(shots)[0]!.transition!;
    expect([fade.firstFrame >= 19, fade.lastFrame <= 28]).toEqual([true, true]);
  });

  it('gives a fade through black one gradual boundary', async () => {
    // Shot c 0–11, fade out 12–17, fade in 18–23, shot d from 24.
    const shots = await shotsOf('fade-through-black');
    expect(shots).toHaveLength(2);
    expect(shots[1]!.transition!.kind).toBe('gradual');
    expect(shots[1]!.startFrame).toBeGreaterThanOrEqual(12);
    expect(shots[1]!.startFrame).toBeLessThanOrEqual(23);
  });

  it('finds dark-to-dark cuts and cuts to and from black between dark shots', async () => {
    expect(cuts(await shotsOf('dark-cuts'))).toEqual(clip('dark-cuts').cuts);
    expect(clip('dark-cuts').cuts).toEqual([12, 24, 36, 42]);
  });

  it('finds cuts between plain backgrounds of different colours', async () => {
    expect(cuts(await shotsOf('plain-cuts'))).toEqual([8, 16, 24, 32]);
  });

  it('finds shots of 3 and 4 frames', async () => {
    // a 0–9, b 10–12 (3 frames), c 13–16 (4 frames), d 17–19 (3 frames), a again from 20.
    expect(cuts(await shotsOf('short-shots'))).toEqual([10, 13, 17, 20]);
  });

  it('rejects a two-frame flash of other content and a two-frame white flash', async () => {
    expect(await shotsOf('two-frame-flash')).toEqual([{ startFrame: 0, startMs: 0 }]);
  });

  it.each(['fast-zoom', 'fast-pan'])('fires only at the cut in %s', async (name) => {
    expect((await shotsOf(name)).slice(1).map((s) => s.startFrame)).toEqual([20]);
  });

  it('treats minShotLength as the shortest shot', async () => {
    // With 4 frames, the 3-frame shots b and d are too short: the cuts that open c and a again are dropped.
    expect(cuts(await shotsOf('short-shots', { minShotLength: 4 }))).toEqual([10, 17]);
  });

  it('writes each frame’s content change, contrast, luma and blend evidence to the frame stats', async () => {
    const { record } = await extractKeyFrames(clip('cut-to-black').path, { selector: 'scene', frameStats: true });
    expect(Object.keys(record.frames![5]!)).toEqual(expect.arrayContaining(['content', 'contrast', 'luma', 'blend', 'adaptiveRatio']));
    expect(record.frames![12]!.content).toBeGreaterThan(0.3);
    expect(record.frames![12]!.contrast).toBe(0);
  });
});
