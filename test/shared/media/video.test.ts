import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ffmpegPath } from '../../../shared/media/ffmpeg.ts';
import { place } from '../../../shared/media/letterbox.ts';
import { ffmpegArgs } from '../../../shared/media/video.ts';
import { Normaliser } from '../../../shared/media/resample.ts';
import { corpusPath } from '../../support/corpus.ts';
import { decodeAll, ffmpeg, pixel } from '../../support/media.ts';
import { tempDir } from '../../support/tmp.ts';

describe('video decoding through ffmpeg', () => {
  const dir = tempDir();
  const at = (name: string) => join(dir, name);

  beforeAll(() => {
    const testsrc = (size: string, seconds = 1) => ['-f', 'lavfi', '-i', `testsrc=size=${size}:rate=10:duration=${seconds}`];
    ffmpeg([...testsrc('160x90'), '-c:v', 'mpeg4', at('plain.mp4')]);
    ffmpeg(['-i', at('plain.mp4'), '-c', 'copy', '-metadata:s:v:0', 'rotate=90', at('rotated.mp4')]);
    ffmpeg([...testsrc('80x90'), '-vf', 'setsar=2', '-c:v', 'mpeg4', at('anamorphic.mp4')]);
    // Integer PTS in the 1/10 s time base: five frames 100 ms apart, then 300 ms apart.
    ffmpeg([...testsrc('64x48', 2), '-vf', "setpts='if(lt(N,5),N,5+(N-5)*3)'", '-fps_mode', 'vfr', '-c:v', 'mpeg4', at('vfr.mp4')]);
    ffmpeg([...testsrc('64x48'), '-c:v', 'mjpeg', at('clip.avi')]);
    ffmpeg([...testsrc('64x48'), '-c:v', 'mpeg4', '-f', 'mov', at('clip.mov')]);
    // One stream whose frames turn from landscape to portrait: MPEG-2 sequences joined end to end, in Matroska.
    ffmpeg([...testsrc('160x90', 0.5), '-c:v', 'mpeg2video', at('wide.ts')]);
    ffmpeg([...testsrc('90x160', 0.5), '-c:v', 'mpeg2video', at('tall.ts')]);
    writeFileSync(at('turning.ts'), Buffer.concat([readFileSync(at('wide.ts')), readFileSync(at('tall.ts'))]));
    ffmpeg(['-i', at('turning.ts'), '-c', 'copy', at('turning.mkv')]);
    ffmpeg(['-i', at('tall.ts'), '-c', 'copy', at('tall.mkv')]);
    // A size change whose fits land on odd rows and columns (256×162 at row 47, then 162×256 at column 47).
    ffmpeg([...testsrc('98x62', 0.3), '-c:v', 'mpeg2video', at('odd-wide.ts')]);
    ffmpeg([...testsrc('62x98', 0.3), '-c:v', 'mpeg2video', at('odd-tall.ts')]);
    writeFileSync(at('odd-turning.ts'), Buffer.concat([readFileSync(at('odd-wide.ts')), readFileSync(at('odd-tall.ts'))]));
    ffmpeg(['-i', at('odd-turning.ts'), '-c', 'copy', at('odd-turning.mkv')]);
    // Non-square pixels whose display widths round alike but truncate apart (177 and 175.5): ffmpeg fits them 256×145 and 256×146.
    ffmpeg([...testsrc('118x100', 0.5), '-vf', 'setsar=3/2', '-c:v', 'mpeg4', at('sar-a.ts')]);
    ffmpeg([...testsrc('117x100', 0.5), '-vf', 'setsar=3/2', '-c:v', 'mpeg4', at('sar-b.ts')]);
    writeFileSync(at('sar-turning.ts'), Buffer.concat([readFileSync(at('sar-a.ts')), readFileSync(at('sar-b.ts'))]));
    ffmpeg(['-i', at('sar-turning.ts'), '-c', 'copy', at('sar-turning.mkv')]);
    // Odd sizes both ways, and a portrait one, whose fits round in ffmpeg's scale filter.
    ffmpeg([...testsrc('97x61', 0.3), '-c:v', 'mpeg4', at('odd-wide.mp4')]);
    ffmpeg([...testsrc('59x101', 0.3), '-c:v', 'mpeg4', at('odd-tall.mp4')]);
  });

  it('decodes big_buck_bunny_0_30.webm with presentation timestamps', async () => {
    const { frames, info } = await decodeAll(corpusPath('videos/Zulko__moviepy__big_buck_bunny_0_30.webm'));
    expect(frames).toHaveLength(720);
    expect(info.info).toMatchObject({ kind: 'video', format: 'webm', width: 1280, height: 720 });
    frames.forEach((frame, i) => expect(Math.abs(frame.timeMs - (i * 1000) / 24)).toBeLessThanOrEqual(1));
    expect(Math.abs(info.duration().effectiveMs - 30_000)).toBeLessThanOrEqual(2);
    // 1280×720 fits as 256×144: 56 black rows above and below.
    expect(pixel(frames[100]!, 128, 55)).toEqual([0, 0, 0]);
  });

  it('delivers each frame with its 128×128 analysis image, the full frame area-averaged 2:1', async () => {
    const { frames } = await decodeAll(corpusPath('videos/Zulko__moviepy__big_buck_bunny_0_30.webm'));
    for (const frame of [frames[0]!, frames[300]!, frames[719]!]) {
      expect(frame.analysisSize).toBe(128);
      let worst = 0;
      for (let y = 0; y < 128; y++) {
        for (let x = 0; x < 128; x++) {
          for (let c = 0; c < 3; c++) {
            const at = (yy: number, xx: number) => frame.rgb[(yy * 256 + xx) * 3 + c]!;
            const mean = (at(2 * y, 2 * x) + at(2 * y, 2 * x + 1) + at(2 * y + 1, 2 * x) + at(2 * y + 1, 2 * x + 1)) / 4;
            worst = Math.max(worst, Math.abs(frame.analysis[(y * 128 + x) * 3 + c]! - mean));
          }
        }
      }
      // ffmpeg's area scaler rounds in its own fixed point.
      expect(worst).toBeLessThanOrEqual(2);
    }
  });

  // Fitted pictures: only the picture is shrunk, as the padding around it is black; so the result
  // must be what shrinking the whole square gives, for every shape and for a shape that changes.
  it.each(['plain.mp4', 'rotated.mp4', 'anamorphic.mp4', 'turning.mkv', 'odd-turning.mkv', 'odd-wide.mp4', 'odd-tall.mp4'])(
    'makes %s\'s analysis images from the whole square, to the byte',
    async (name) => {
      const { frames } = await decodeAll(at(name));
      const whole = new Normaliser(256, 256, place(128, 128, 128), 128);
      expect(frames.length).toBeGreaterThan(2);
      for (const frame of frames) expect(Buffer.from(frame.analysis).equals(whole.normalise(frame.rgb, 0))).toBe(true);
    },
  );

  // ffmpeg hands over fitted pictures and the source places them; padded by ffmpeg itself, every
  // frame must be the same, whether the source's shape changes or not.
  it.each(['plain.mp4', 'anamorphic.mp4', 'odd-wide.mp4', 'turning.mkv', 'odd-turning.mkv', 'sar-turning.mkv'])(
    'gives %s\'s frames as ffmpeg pads them itself, to the byte',
    async (name) => {
      const { frames } = await decodeAll(at(name));
      const square = 256 * 256 * 3;
      const padded = spawnSync(ffmpegPath(), ffmpegArgs(at(name), 256, { padded: true }), { maxBuffer: 1 << 28 }).stdout;
      expect(padded.length).toBe(frames.length * square);
      frames.forEach((frame, i) => expect(Buffer.from(frame.rgb).equals(padded.subarray(i * square, (i + 1) * square)), `frame ${i}`).toBe(true));
    },
  );

  it('honours rotation metadata', async () => {
    const { info } = await decodeAll(at('rotated.mp4'));
    expect([info.info.width, info.info.height]).toEqual([90, 160]);
  });

  it('squares non-square pixels before fitting', async () => {
    const { frames, info } = await decodeAll(at('anamorphic.mp4'));
    expect([info.info.width, info.info.height]).toEqual([160, 90]);
    // 160×90 displays as 256×144: rows 0–55 are padding.
    expect(pixel(frames[0]!, 128, 50)).toEqual([0, 0, 0]);
    expect(pixel(frames[0]!, 128, 128)).not.toEqual([0, 0, 0]);
  });

  it('letterboxes each frame by its own shape when the size changes within the stream', async () => {
    const { frames } = await decodeAll(at('turning.mkv'));
    const wide = frames.filter((f) => f.timeMs < 450);
    const tall = frames.filter((f) => f.timeMs >= 450);
    expect(wide.length).toBeGreaterThanOrEqual(4);
    expect(tall.length).toBeGreaterThanOrEqual(4);
    // 160×90 fits as 256×144 (black above and below); 90×160 as 144×256 (black left and right).
    for (const frame of wide) expect([pixel(frame, 128, 50), pixel(frame, 50, 128).some((v) => v > 0)]).toEqual([[0, 0, 0], true]);
    for (const frame of tall) expect([pixel(frame, 50, 128), pixel(frame, 128, 50).some((v) => v > 0)]).toEqual([[0, 0, 0], true]);
    // The same pixels as the portrait clip decoded on its own, not a portrait squashed into the first shape.
    const { frames: alone } = await decodeAll(at('tall.mkv'));
    let differing = 0;
    for (let i = 0; i < alone[0]!.rgb.length; i++) if (Math.abs(alone[0]!.rgb[i]! - tall[0]!.rgb[i]!) > 2) differing++;
    expect(differing).toBe(0);
  });

  it('keeps variable frame-rate timestamps', async () => {
    const { frames } = await decodeAll(at('vfr.mp4'));
    expect(frames.slice(0, 8).map((f) => f.timeMs)).toEqual([0, 100, 200, 300, 400, 500, 800, 1100]);
  });

  it.each(['clip.avi', 'clip.mov'])('reads %s', async (name) => {
    const { frames, info } = await decodeAll(at(name));
    expect(frames).toHaveLength(10);
    expect(info.info.kind).toBe('video');
  });

  it('leaves no log file or descriptor behind, and names ffmpeg\'s last lines when the file is not a video it can read', async () => {
    // A temporary directory of this test's own, so other workers' files cannot show up in it.
    const logDir = join(dir, 'tmp');
    mkdirSync(logDir);
    const tmp = process.env.TMPDIR;
    const descriptors = () => (existsSync('/proc/self/fd') ? readdirSync('/proc/self/fd').length : 0);
    process.env.TMPDIR = logDir;
    try {
      const before = descriptors();
      await decodeAll(at('clip.mov'));
      // A WebM header with nothing after it: sniffed as video, and ffmpeg fails on it.
      writeFileSync(at('broken.webm'), Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01]));
      await expect(decodeAll(at('broken.webm'))).rejects.toMatchObject({ code: 'CORRUPT_INPUT', message: expect.stringMatching(/ffmpeg exited with \d+: .+/) });
      expect(readdirSync(logDir)).toEqual([]);
      expect(descriptors()).toBe(before);
    } finally {
      if (tmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = tmp;
    }
  });
});
