import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { bytesSource } from '../../../shared/media/gif/bytes.ts';
import { GifCanvas } from '../../../shared/media/gif/canvas.ts';
import { scanGif } from '../../../shared/media/gif/scan.ts';
import { craftGif, writeCrafted, type CraftedGif } from '../../support/gif-bytes.ts';
import { tempDir } from '../../support/tmp.ts';

const RED: [number, number, number] = [255, 0, 0];
const GREEN: [number, number, number] = [0, 255, 0];
const BLUE: [number, number, number] = [0, 0, 255];
const BLACK = [0, 0, 0];
const WHITE = [255, 255, 255];

/** Every frame as a list of RGB pixels, composited by the streaming decoder. */
function decode(gif: CraftedGif): { width: number; height: number; frames: number[][][] } {
  const bytes = craftGif(gif);
  const layout = scanGif(bytes, 100);
  const canvas = new GifCanvas(bytesSource(bytes), layout);
  const frames = layout.frames.map((frame) => {
    canvas.draw(frame);
    return Array.from({ length: layout.width * layout.height }, (_, i) => [...canvas.rgba.subarray(i * 4, i * 4 + 3)]);
  });
  return { width: layout.width, height: layout.height, frames };
}

/** The same through sharp (libvips' libnsgif), flattened over black. */
async function decodeWithSharp(dir: string, gif: CraftedGif): Promise<number[][][]> {
  const path = writeCrafted(dir, 'case.gif', gif);
  const { data, info } = await sharp(path, { pages: -1 }).flatten({ background: '#000' }).raw().toBuffer({ resolveWithObject: true });
  const pixels = info.width * (info.pageHeight ?? info.height);
  const pages = data.length / 3 / pixels;
  return Array.from({ length: pages }, (_, f) => Array.from({ length: pixels }, (_, i) => [...data.subarray((f * pixels + i) * 3, (f * pixels + i) * 3 + 3)]));
}

describe('streaming GIF decoder: the cases encoders rarely write', () => {
  const dir = tempDir();
  const cases: Array<[string, CraftedGif, number[][][]]> = [
    [
      'no palette at all: the default black and white',
      { width: 2, height: 1, frames: [{ width: 2, height: 1, indices: [0, 1] }] },
      [[BLACK, WHITE]],
    ],
    [
      'a frame without a control block does not inherit the previous transparency',
      {
        width: 2, height: 1, palette: [RED, GREEN, BLUE],
        frames: [
          { width: 2, height: 1, indices: [1, 1], control: { transparentIndex: 0 } },
          { width: 2, height: 1, indices: [0, 2] },
        ],
      },
      [[GREEN, GREEN], [RED, BLUE]],
    ],
    [
      'disposal 4 restores the previous canvas, as 3 does',
      {
        width: 2, height: 1, palette: [RED, GREEN, BLUE],
        frames: [
          { width: 2, height: 1, indices: [0, 0] },
          { width: 2, height: 1, indices: [1, 1], control: { disposal: 4 } },
          { left: 1, width: 1, height: 1, indices: [2] },
        ],
      },
      [[RED, RED], [GREEN, GREEN], [RED, BLUE]],
    ],
    [
      'restore to background uses the background colour when the frame has no transparency',
      {
        width: 2, height: 1, palette: [RED, GREEN, BLUE], backgroundIndex: 2,
        frames: [
          { width: 2, height: 1, indices: [0, 0], control: { disposal: 2 } },
          { left: 1, width: 1, height: 1, indices: [1] },
        ],
      },
      [[RED, RED], [BLUE, GREEN]],
    ],
    [
      'restore to background clears to transparent when the frame has transparency',
      {
        width: 2, height: 1, palette: [RED, GREEN, BLUE, WHITE as [number, number, number]], backgroundIndex: 2,
        frames: [
          { width: 2, height: 1, indices: [0, 0], control: { disposal: 2, transparentIndex: 3 } },
          { left: 1, width: 1, height: 1, indices: [1] },
        ],
      },
      [[RED, RED], [BLACK, GREEN]],
    ],
    [
      'the first frame enlarges the canvas; later frames are clipped to it',
      {
        width: 1, height: 1, palette: [RED, GREEN, BLUE],
        frames: [
          { width: 2, height: 1, indices: [0, 1] },
          { width: 3, height: 1, indices: [2, 2, 2] },
        ],
      },
      [[RED, GREEN], [BLUE, BLUE]],
    ],
    [
      'frames partly or wholly outside the canvas are clipped',
      {
        width: 2, height: 2, palette: [RED, GREEN, BLUE],
        frames: [
          { width: 2, height: 2, indices: [0, 0, 0, 0] },
          { left: 1, top: 1, width: 2, height: 2, indices: [1, 2, 2, 2] },
          { left: 5, top: 5, width: 1, height: 1, indices: [2] },
        ],
      },
      [[RED, RED, RED, RED], [RED, RED, RED, GREEN], [RED, RED, RED, GREEN]],
    ],
    [
      'a plain-text extension is skipped',
      { width: 2, height: 1, palette: [RED, GREEN], frames: [{ width: 2, height: 1, indices: [1, 0], plainTextBefore: true }] },
      [[GREEN, RED]],
    ],
    [
      'interlaced rows come back in order',
      {
        width: 1, height: 10, palette: Array.from({ length: 10 }, (_, i) => [i * 20, 0, 0] as [number, number, number]),
        frames: [{ width: 1, height: 10, indices: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], interlaced: true }],
      },
      [Array.from({ length: 10 }, (_, i) => [i * 20, 0, 0])],
    ],
  ];

  it.each(cases)('%s', async (_, gif, expected) => {
    expect(decode(gif).frames).toEqual(expected);
    // libvips composites each of these the same way.
    expect(await decodeWithSharp(dir, gif)).toEqual(expected);
  });

  it('reads the canvas size and the loop count as libvips does', () => {
    const frame = { width: 1, height: 1, indices: [0] };
    const layout = (loops?: number) => scanGif(craftGif({ width: 3, height: 2, palette: [RED], loops, frames: [frame] }), 10);
    expect([layout().width, layout().height]).toEqual([3, 2]);
    expect(layout().loopCount).toBe(1);
    expect(layout(0).loopCount).toBe(0);
    expect(layout(2).loopCount).toBe(3);
  });

  it('stops scanning at the frame limit, before decoding anything', () => {
    const frames = Array.from({ length: 20 }, () => ({ width: 1, height: 1, indices: [0] }));
    expect(scanGif(craftGif({ width: 1, height: 1, palette: [RED], frames }), 5).frames).toHaveLength(6);
  });

  it('reports a truncated file and keeps the frames before the cut', () => {
    const bytes = craftGif({ width: 1, height: 1, palette: [RED], frames: [{ width: 1, height: 1, indices: [0] }, { width: 1, height: 1, indices: [0] }] });
    const layout = scanGif(bytes.subarray(0, bytes.length - 6), 10);
    expect(layout.frames.length).toBeGreaterThanOrEqual(1);
    expect(layout.truncated).toMatch(/ends inside a block/);
  });
});
