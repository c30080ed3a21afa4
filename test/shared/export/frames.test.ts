import { describe, expect, it } from 'vitest';
import { arrangeKeyFrames, type ExportKeyFrame } from '../../../shared/export/index.ts';

const frames = (n: number): ExportKeyFrame[] => Array.from({ length: n }, (_, k) => ({ ordinal: k, frameIndex: k * 3, timeMs: k * 50, png: Buffer.alloc(0) }));
const ordinals = (list: ExportKeyFrame[]) => list.map((f) => f.ordinal);

describe('arranging key frames', () => {
  it('orders them by ordinal', () => {
    expect(ordinals(arrangeKeyFrames(frames(3).reverse(), null))).toEqual([0, 1, 2]);
  });

  it('pads by repeating the last one, as the notebook did', () => {
    expect(ordinals(arrangeKeyFrames(frames(3), 6))).toEqual([0, 1, 2, 2, 2, 2]);
    expect(ordinals(arrangeKeyFrames(frames(3), 3))).toEqual([0, 1, 2]);
  });

  it('thins to evenly spaced ones, first and last kept, when there are more', () => {
    expect(ordinals(arrangeKeyFrames(frames(10), 4))).toEqual([0, 3, 6, 9]);
    expect(ordinals(arrangeKeyFrames(frames(5), 2))).toEqual([0, 4]);
    expect(ordinals(arrangeKeyFrames(frames(5), 1))).toEqual([0]);
  });
});
