import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { ErrorCode, FramesiftError } from '../errors.ts';
import { ffmpegPath } from './ffmpeg.ts';
import { ANALYSIS_SIZE, Frame } from './frame.ts';
import { place } from './letterbox.ts';
import { Normaliser } from './resample.ts';
import { limitExceeded, timedOut, type Limits } from './limits.ts';
import type { Sniffed } from './sniff.ts';
import type { MediaInfo, MediaSource } from './source.ts';

export interface VideoSourceOptions {
  size: number;
  limits: Limits;
  deadline: number;
}

/** Keeps the tail of ffmpeg's log for error messages without holding all of it. */
const LOG_TAIL_LINES = 8;

/**
 * ffmpeg decodes, applies rotation metadata (on by default), squares
 * non-square pixels, fits inside S×S and pads with black, then streams packed
 * RGB frames over a pipe. A `showinfo` filter ahead of the scaling reports
 * each frame's presentation time and display size on stderr.
 */
export function ffmpegArgs(path: string, size: number): string[] {
  const filters = [
    'showinfo',
    'scale=w=iw*sar:h=ih',
    'setsar=1',
    `scale=w=${size}:h=${size}:force_original_aspect_ratio=decrease:flags=bilinear`,
    // (ow−iw)/2 is truncated, which is floor for these non-negative values: top = floor(dh/2).
    `pad=w=${size}:h=${size}:x=(ow-iw)/2:y=(oh-ih)/2:color=black`,
  ].join(',');
  return [
    '-hide_banner', '-nostdin', '-nostats', '-loglevel', 'info',
    '-i', path,
    '-map', '0:v:0', '-an', '-sn', '-dn',
    '-vf', filters,
    // One output frame per decoded frame, with no duplication or dropping for a constant rate.
    '-fps_mode', 'passthrough',
    '-pix_fmt', 'rgb24', '-f', 'rawvideo', 'pipe:1',
  ];
}

const SHOWINFO = /Parsed_showinfo_0.*\bpts_time:\s*(-?[\d.]+).*?\bsar:(\d+)\/(\d+)\s+s:(\d+)x(\d+)/;
const CONTAINER_DURATION = /Duration:\s*(\d+):(\d{2}):(\d{2}(?:\.\d+)?)/;

export async function openVideo(path: string, sniffed: Sniffed, options: VideoSourceOptions): Promise<MediaSource> {
  const { size, limits } = options;
  // The first pass learns the display size from the first frame; `frames()` can then run again.
  const info: MediaInfo = { ...sniffed, width: 0, height: 0, loopCount: null };
  const warnings = new Set<string>();
  let lastTimes: number[] = [];
  let containerMs: number | null = null;

  async function* frames(): AsyncGenerator<Frame, void, undefined> {
    const frameBytes = size * size * 3;
    // ffmpeg has letterboxed to S×S already; the analysis image is that, area-averaged.
    const analysisSize = Math.min(size, ANALYSIS_SIZE);
    const analysis = new Normaliser(size, size, place(analysisSize, analysisSize, analysisSize), analysisSize);
    const child = spawn(ffmpegPath(), ffmpegArgs(path, size), { stdio: ['ignore', 'pipe', 'pipe'] });
    const spawnFailed = new Promise<never>((_, reject) => {
      child.once('error', (error: NodeJS.ErrnoException) =>
        reject(
          new FramesiftError(
            ErrorCode.DECODER_UNAVAILABLE,
            `Expected an ffmpeg binary (FFMPEG_PATH, ffmpeg-static or ffmpeg on PATH) but starting it failed: ${error.message}`,
            { cause: error },
          ),
        ),
      );
    });
    spawnFailed.catch(() => undefined);
    const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));

    const times: number[] = [];
    const tail: string[] = [];
    let stderrDone = false;
    let wake: (() => void) | undefined;
    let limitError: FramesiftError | undefined;
    const kill = (error: FramesiftError) => {
      limitError ??= error;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => kill(timedOut(limits)), Math.max(0, options.deadline - Date.now()));

    createInterface({ input: child.stderr })
      .on('line', (line) => {
        const shown = SHOWINFO.exec(line);
        if (shown) {
          if (times.length === 0) {
            const [sarNum, sarDen] = [Number(shown[2]), Number(shown[3])];
            // An unknown aspect ratio (0/1) means square pixels, as ffmpeg's scale filter reads it.
            const sar = sarNum > 0 && sarDen > 0 ? sarNum / sarDen : 1;
            info.width = Math.round(Number(shown[4]) * sar);
            info.height = Number(shown[5]);
            if (info.width * info.height > limits.maxCanvasPixels) {
              kill(limitExceeded('canvas pixels', limits.maxCanvasPixels, `${info.width}×${info.height}`));
            }
          }
          times.push(Math.round(Number(shown[1]) * 1000));
        } else {
          const duration = CONTAINER_DURATION.exec(line);
          if (duration && containerMs === null) {
            containerMs = Math.round((Number(duration[1]) * 3600 + Number(duration[2]) * 60 + Number(duration[3])) * 1000);
            if (containerMs > limits.maxDurationMs) kill(limitExceeded('duration in ms', limits.maxDurationMs, containerMs));
          }
          tail.push(line);
          if (tail.length > LOG_TAIL_LINES) tail.shift();
        }
        wake?.();
      })
      .on('close', () => {
        stderrDone = true;
        wake?.();
      });

    let index = 0;
    // Chunks are copied straight into the frame being filled, so no pipe data is concatenated.
    let frame = new Uint8Array(frameBytes);
    let filled = 0;
    try {
      const stdout = child.stdout[Symbol.asyncIterator]();
      while (true) {
        const chunk = await Promise.race([stdout.next(), spawnFailed]);
        if (chunk.done) break;
        const data = chunk.value as Buffer;
        for (let offset = 0; offset < data.length; ) {
          const take = Math.min(frameBytes - filled, data.length - offset);
          frame.set(data.subarray(offset, offset + take), filled);
          filled += take;
          offset += take;
          if (filled < frameBytes) continue;
          if (index >= limits.maxFrames) kill(limitExceeded('frames', limits.maxFrames, `more than ${limits.maxFrames}`));
          if (limitError) throw limitError;
          // showinfo logs a frame before ffmpeg writes it, so its time is due on stderr.
          while (times.length <= index && !stderrDone) await new Promise<void>((resolve) => (wake = resolve));
          const timeMs = (times[index] ?? times[times.length - 1] ?? 0) - (times[0] ?? 0);
          const rgb = frame;
          yield new Frame(index, { timeMs, rawTimeMs: timeMs }, size, { rgb: analysis.normalise(rgb, 0), size: analysisSize }, () => rgb);
          index++;
          frame = new Uint8Array(frameBytes);
          filled = 0;
        }
      }
      const code = await exited;
      if (limitError) throw limitError;
      if (index === 0) {
        if (code === 0) throw new FramesiftError(ErrorCode.EMPTY_INPUT, 'Expected at least one video frame but ffmpeg decoded none');
        throw new FramesiftError(ErrorCode.CORRUPT_INPUT, `Expected a decodable video but ffmpeg exited with ${code}: ${tail.join(' | ')}`);
      }
      if (code !== 0) warnings.add(`ffmpeg exited with ${code} after ${index} frames: ${tail.slice(-2).join(' | ')}`);
      const start = times[0] ?? 0;
      lastTimes = times.slice(-2).map((t) => t - start);
    } finally {
      clearTimeout(timer);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }

  return {
    info,
    get warnings() {
      return [...warnings];
    },
    duration: () => {
      // The last frame lasts as long as the one before it; a single frame uses the container's length.
      const [before, last] = lastTimes.length === 2 ? lastTimes : [0, lastTimes[0] ?? 0];
      const fromFrames = last! + (last! - before!);
      const ms = fromFrames > 0 ? fromFrames : (containerMs ?? 0);
      return { effectiveMs: ms, rawMs: ms };
    },
    frames,
  };
}
