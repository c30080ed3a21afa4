import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { ErrorCode, FramesiftError } from '../errors.ts';
import { ffmpegPath } from './ffmpeg.ts';
import { ANALYSIS_SIZE, Frame } from './frame.ts';
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
 * One ffmpeg process per file. ffmpeg decodes, applies rotation metadata (on by
 * default), squares non-square pixels, fits inside S×S and pads with black;
 * it then also area-averages that frame to the 128×128 analysis image and
 * stacks the two, so each frame arrives over the pipe as S×S rows followed by
 * 128 rows holding the analysis image on their left. A `showinfo` filter ahead
 * of the scaling reports each frame's presentation time and display size on
 * stderr, without checksums (they cost a pass over every full-size frame).
 */
export function ffmpegArgs(path: string, size: number): string[] {
  const fit = [
    'showinfo=checksum=0',
    'scale=w=iw*sar:h=ih',
    'setsar=1',
    `scale=w=${size}:h=${size}:force_original_aspect_ratio=decrease:flags=bilinear`,
    // Converted to RGB in the same pass as the shrink, so the rest of the graph works on small RGB frames.
    'format=rgb24',
    // (ow−iw)/2 is truncated, which is floor for these non-negative values: top = floor(dh/2).
    `pad=w=${size}:h=${size}:x=(ow-iw)/2:y=(oh-ih)/2:color=black`,
  ].join(',');
  const analysis = analysisSide(size);
  const graph =
    analysis === size
      ? `[0:v:0]${fit}[out]`
      : `[0:v:0]${fit},split[full][a];[a]scale=w=${analysis}:h=${analysis}:flags=area,pad=w=${size}:h=${analysis}:x=0:y=0[small];[full][small]vstack[out]`;
  return [
    '-hide_banner', '-nostdin', '-nostats', '-loglevel', 'info',
    '-i', path,
    '-filter_complex', graph,
    '-map', '[out]', '-an', '-sn', '-dn',
    // One output frame per decoded frame, with no duplication or dropping for a constant rate.
    '-fps_mode', 'passthrough',
    '-pix_fmt', 'rgb24', '-f', 'rawvideo', 'pipe:1',
  ];
}

function analysisSide(size: number): number {
  return Math.min(size, ANALYSIS_SIZE);
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
    const analysisSize = analysisSide(size);
    const fullBytes = size * size * 3;
    // The analysis rows follow the full frame unless the two are the same image.
    const frameBytes = analysisSize === size ? fullBytes : fullBytes + size * analysisSize * 3;
    const child = spawn(ffmpegPath(), ffmpegArgs(path, size), { stdio: ['ignore', 'pipe', 'pipe'] });
    // A failed start ends the output stream with the error; racing every read against a
    // pending promise instead would keep each chunk reachable until the file is done.
    child.once('error', (error: NodeJS.ErrnoException) =>
      child.stdout.destroy(
        new FramesiftError(
          ErrorCode.DECODER_UNAVAILABLE,
          `Expected an ffmpeg binary (FFMPEG_PATH, ffmpeg-static or ffmpeg on PATH) but starting it failed: ${error.message}`,
          { cause: error },
        ),
      ),
    );
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
    // One buffer for the frame being filled: chunks are copied straight in, so no pipe data is concatenated.
    const frame = new Uint8Array(frameBytes);
    let filled = 0;
    try {
      for await (const chunk of child.stdout) {
        const data = chunk as Buffer;
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
          const shown = index;
          const render = () => {
            if (shown !== index) throw new Error(`Frame ${shown} was rendered after frame ${index} arrived over it`);
            return frame.slice(0, fullBytes);
          };
          yield new Frame(index, { timeMs, rawTimeMs: timeMs }, size, { rgb: analysisOf(frame, size, analysisSize), size: analysisSize }, render);
          index++;
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

/** The analysis image: the left `side` pixels of the rows after the S×S frame (or the frame itself). */
function analysisOf(frame: Uint8Array, size: number, side: number): Uint8Array {
  if (side === size) return frame.slice(0, size * size * 3);
  const out = new Uint8Array(side * side * 3);
  for (let y = 0; y < side; y++) {
    const from = ((size + y) * size) * 3;
    out.set(frame.subarray(from, from + side * 3), y * side * 3);
  }
  return out;
}
