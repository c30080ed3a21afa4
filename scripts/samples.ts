/**
 * The project's own sample inputs, generated (nothing is downloaded or
 * copied): a dozen small GIFs with cuts, motion, static content and
 * transparency, one broken GIF, one short video, and a manifest with a
 * description for each. `npm start` with no arguments runs on these.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode, FramesiftError } from '../shared/errors.ts';
import { FFMPEG_MISSING, ffmpegPath } from '../shared/media/ffmpeg.ts';
import { makeScene, motionClips, type Clip } from './synthetic/clips.ts';
import { encodeGif, type RgbaFrame } from './synthetic/gif.ts';

const DESCRIPTIONS: Record<string, string> = {
  'hard-cuts': 'four shots joined by hard cuts, each with a moving square',
  'still-cuts': 'four still shots joined by hard cuts',
  static: 'a still picture that never changes',
  'noise-cuts': 'three grainy shots joined by hard cuts',
  fade: 'a shot fades to black and the next fades in',
  dissolve: 'one shot dissolves into the next',
  flash: 'two shots, each interrupted by a one-frame flash',
  'fast-motion': 'three panning shots with fast motion',
  mixed: 'cuts, a flash and a dissolve in one clip',
  'noise-static': 'a still picture under moving grain',
};

function transparentSprite(width: number, height: number, frames: number): RgbaFrame[] {
  return Array.from({ length: frames }, (_, t) => {
    const rgba = new Uint8Array(width * height * 4);
    const cx = ((t * 5) % (width + 20)) - 10;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        if ((x - cx) ** 2 + (y - height / 2) ** 2 < 144) rgba.set([255, 200, 40, 255], (y * width + x) * 4);
      }
    }
    return { rgba, delayMs: 80 };
  });
}

function sceneFrames(width: number, height: number, frames: number, seed: number): RgbaFrame[] {
  const scene = makeScene(seed, { width, height, speed: 3 });
  return Array.from({ length: frames }, (_, t) => {
    const rgba = new Uint8Array(width * height * 4);
    scene.render(t, rgba);
    return { rgba, delayMs: 60 };
  });
}

export interface Samples {
  dir: string;
  manifest: string;
  files: string[];
}

export function generateSamples(dir: string): Samples {
  mkdirSync(dir, { recursive: true });
  const lines: string[] = [];
  const files: string[] = [];
  const gif = (id: string, width: number, height: number, frames: RgbaFrame[], description: string) => {
    const file = join(dir, `${id}.gif`);
    writeFileSync(file, encodeGif(width, height, frames));
    files.push(file);
    lines.push(`${id}: ${description}`);
    return file;
  };
  for (const clip of motionClips(1) as Clip[]) gif(clip.name, clip.width, clip.height, clip.frames, DESCRIPTIONS[clip.name] ?? clip.name);
  gif('transparent-sprite', 96, 48, transparentSprite(96, 48, 24), 'a yellow ball crossing a transparent background');
  gif('wide-pan', 160, 48, sceneFrames(160, 48, 30, 77), 'a wide, short strip in motion, letterboxed top and bottom');
  gif('tall-scroll', 48, 120, sceneFrames(48, 120, 30, 78), 'a tall, narrow clip, letterboxed left and right');

  // A GIF cut off 100 bytes in, inside its first frame: it must end as a failed record, not a crash.
  const whole = encodeGif(64, 64, sceneFrames(64, 64, 6, 79));
  const broken = join(dir, 'truncated.gif');
  writeFileSync(broken, whole.subarray(0, 100));
  files.push(broken);
  lines.push('truncated: a GIF cut off inside its first frame');

  // Two seconds of test pattern, then a hard cut to colour bars.
  const video = join(dir, 'bars.mp4');
  makeVideo([
    '-v', 'error', '-y',
    '-f', 'lavfi', '-i', 'testsrc=size=160x90:rate=12:duration=2',
    '-f', 'lavfi', '-i', 'smptebars=size=160x90:rate=12:duration=2',
    '-filter_complex', '[0:v][1:v]concat=n=2:v=1[v]', '-map', '[v]',
    '-c:v', 'mpeg4', '-q:v', '5', video,
  ]);
  files.push(video);
  lines.push('bars.mp4: a test pattern that cuts to colour bars');

  const manifest = join(dir, 'manifest.txt');
  writeFileSync(manifest, `${lines.join('\n')}\n`);
  return { dir, manifest, files };
}

function makeVideo(args: string[]): void {
  try {
    execFileSync(ffmpegPath(), args);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new FramesiftError(ErrorCode.DECODER_UNAVAILABLE, `${FFMPEG_MISSING} The samples include a video that ffmpeg makes.`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { dir, files } = generateSamples(process.argv[2] ?? '.framesift/samples');
  console.log(`wrote ${files.length} sample files and manifest.txt to ${dir}`);
}
