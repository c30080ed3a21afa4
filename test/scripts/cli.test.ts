import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { parseExtractArgs } from '../../scripts/cli/flags.ts';
import { timecode } from '../../scripts/cli/stats-csv.ts';
import { corpusPath } from '../support/corpus.ts';
import { tempDir } from '../support/tmp.ts';

const run = promisify(execFile);
const cli = (args: string[]) => run(process.execPath, ['--import', 'tsx', 'scripts/framesift.ts', ...args], { cwd: process.cwd() });

describe('framesift extract', () => {
  const dir = tempDir();

  it('maps flags to selector options, limits and engine options', () => {
    const parsed = parseExtractArgs(['a.gif', '--selector', 'ssim', '--min-gap', '0.5s', '--pad', '--max-frames', '99', '--size=128']);
    expect(parsed).toMatchObject({
      file: 'a.gif',
      options: { selector: 'ssim', selectorOptions: { minGap: '0.5s', pad: true }, limits: { maxFrames: 99 }, size: 128 },
    });
  });

  it('prints the record and writes key frames as PNG', async () => {
    const out = join(dir, 'out');
    const { stdout } = await cli(['extract', corpusPath('gifs/Zulko__moviepy__pigs_in_a_polka.gif'), '--selector', 'uniform', '--every', '10', '--out', out]);
    const record = JSON.parse(stdout);
    expect(record.keyFrames.map((k: { frameIndex: number }) => k.frameIndex)).toEqual([0, 10, 20]);
    expect(JSON.parse(readFileSync(join(out, 'record.json'), 'utf8'))).toEqual(record);
    for (const k of [0, 1, 2]) {
      const meta = await sharp(join(out, `${k}.png`)).metadata();
      expect([meta.format, meta.width, meta.height, meta.channels]).toEqual(['png', 256, 256, 3]);
    }
    expect(existsSync(join(out, '3.png'))).toBe(false);
  });

  it('writes every frame\'s scores as a PySceneDetect-style stats CSV with --stats', async () => {
    const csv = join(dir, 'stats.csv');
    const { stdout } = await cli(['extract', corpusPath('gifs/Zulko__moviepy__pigs_in_a_polka.gif'), '--selector', 'scene', '--stats', csv]);
    const record = JSON.parse(stdout);
    expect(record.frames).toBeUndefined();
    const [header, ...rows] = readFileSync(csv, 'utf8').trim().split('\n');
    expect(header!.split(',').slice(0, 4)).toEqual(['Frame Number', 'Timecode', 'content', 'contrast']);
    expect(header).toContain('adaptiveRatio');
    expect(rows).toHaveLength(record.media.frameCount);
    expect(rows[0]!.split(',').slice(0, 2)).toEqual(['1', '00:00:00.000']);
    expect(rows[1]!.split(',')[0]).toBe('2');
    const withStats = JSON.parse((await cli(['extract', corpusPath('gifs/Zulko__moviepy__pigs_in_a_polka.gif'), '--selector', 'scene', '--frame-stats'])).stdout);
    expect(withStats.frames).toHaveLength(record.media.frameCount);
  });

  it('formats timecodes as HH:MM:SS.mmm', () => {
    expect([timecode(0), timecode(1234.4), timecode(3_723_045)]).toEqual(['00:00:00.000', '00:00:01.234', '01:02:03.045']);
  });

  it('exits 1 with the error code on bad input', async () => {
    await expect(cli(['extract', corpusPath('broken/libgd__libgd__bad_magic.gif')])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('UNSUPPORTED_FORMAT'),
    });
  });
});

describe('a missing tool', () => {
  const dir = tempDir();

  it('gets one sentence saying how to install it, not a stack trace', async () => {
    const env = { ...process.env, FFMPEG_PATH: join(dir, 'no-ffmpeg-here') };
    const failed = await run(process.execPath, ['--import', 'tsx', 'scripts/framesift.ts', 'run', '--workdir', join(dir, 'work')], { cwd: process.cwd(), env }).catch((e: unknown) => e);
    expect(failed).toMatchObject({ code: 1 });
    const { stderr } = failed as { stderr: string };
    expect(stderr).toContain('framesift: DECODER_UNAVAILABLE: No ffmpeg was found');
    expect(stderr).toContain('apt-get install ffmpeg');
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
