import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeGif, type RgbaFrame } from '../../scripts/synthetic/gif.ts';
import { ffmpegPath } from '../../shared/media/ffmpeg.ts';
import { openMedia, resolveLimits, type Frame } from '../../shared/media/index.ts';

export function solidFrame(width: number, height: number, rgba: [number, number, number, number], delayMs = 100): RgbaFrame {
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < data.length; i += 4) data.set(rgba, i);
  return { rgba: data, delayMs };
}

export function writeGif(dir: string, name: string, width: number, height: number, frames: RgbaFrame[]): string {
  const path = join(dir, name);
  writeFileSync(path, encodeGif(width, height, frames));
  return path;
}

/** Run ffmpeg to make a test video; lavfi sources keep it self-contained. */
export function ffmpeg(args: string[]): void {
  execFileSync(ffmpegPath(), ['-v', 'error', '-y', ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
}

export async function decodeAll(path: string, size = 256): Promise<{ frames: Frame[]; info: Awaited<ReturnType<typeof openMedia>> }> {
  const source = await openMedia(path, { size, limits: resolveLimits() });
  const frames: Frame[] = [];
  // A frame's full image can be rendered only while it is the newest one.
  for await (const frame of source.frames()) frames.push(frame.keep());
  return { frames, info: source };
}

/** The RGB value of pixel (x, y) of a normalised frame. */
export function pixel(frame: Frame, x: number, y: number): number[] {
  const p = (y * frame.size + x) * 3;
  return [...frame.rgb.subarray(p, p + 3)];
}
