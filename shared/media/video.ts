import { spawn, type ChildProcess, type ChildProcessByStdio } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { ErrorCode, FramesiftError } from '../errors.ts';
import { FFMPEG_MISSING, ffmpegPath } from './ffmpeg.ts';
import { ANALYSIS_SIZE, Frame } from './frame.ts';
import { FrameBuffers } from './frame-buffers.ts';
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
    const child = startFfmpeg(path, size);
    const exited = new Promise<number | null>((resolve) => child.once('close', (code: number | null) => resolve(code)));
    const log = new FfmpegLog(child, limits, info);
    const buffers = new FrameBuffers(analysisSize);
    const timer = setTimeout(() => log.stop(timedOut(limits)), Math.max(0, options.deadline - Date.now()));
    let index = 0;
    try {
      for await (const frame of fixedSizeFrames(child.stdout, frameBytes)) {
        if (index >= limits.maxFrames) log.stop(limitExceeded('frames', limits.maxFrames, `more than ${limits.maxFrames}`));
        if (log.error) throw log.error;
        const timeMs = await log.timeOf(index);
        const shown = index;
        const render = () => {
          if (shown !== index) throw new Error(`Frame ${shown} was rendered after frame ${index} arrived over it`);
          return frame.slice(0, fullBytes);
        };
        const analysis = analysisOf(frame, size, analysisSize, buffers.next(index));
        yield new Frame(index, { timeMs, rawTimeMs: timeMs }, size, { rgb: analysis, size: analysisSize, lent: buffers }, render);
        index++;
      }
      const code = await exited;
      if (log.error) throw log.error;
      if (index === 0) {
        if (code === 0) throw new FramesiftError(ErrorCode.EMPTY_INPUT, 'Expected at least one video frame but ffmpeg decoded none');
        throw new FramesiftError(ErrorCode.CORRUPT_INPUT, `Expected a decodable video but ffmpeg exited with ${code}: ${log.tail.join(' | ')}`);
      }
      if (code !== 0) warnings.add(`ffmpeg exited with ${code} after ${index} frames: ${log.tail.slice(-2).join(' | ')}`);
      containerMs = log.containerMs;
      lastTimes = log.lastTimes();
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

/** One ffmpeg process for the file; a failed start ends its output with a typed error. */
function startFfmpeg(path: string, size: number): ChildProcessByStdio<null, Readable, Readable> {
  const child = spawn(ffmpegPath(), ffmpegArgs(path, size), { stdio: ['ignore', 'pipe', 'pipe'] });
  // Ending the output stream with the error, rather than racing every read against a pending
  // promise, keeps no chunk reachable until the file is done.
  child.once('error', (error: NodeJS.ErrnoException) =>
    child.stdout.destroy(
      new FramesiftError(ErrorCode.DECODER_UNAVAILABLE, `${FFMPEG_MISSING} (${error.message})`, { cause: error }),
    ),
  );
  return child;
}

/**
 * ffmpeg's stderr, read as it comes: each frame's time (showinfo, which logs
 * a frame before ffmpeg writes it), the display size from the first frame,
 * the container's duration, and the last lines for error messages. A limit
 * it finds stops the process, and the reader throws that error.
 */
class FfmpegLog {
  readonly times: number[] = [];
  readonly tail: string[] = [];
  containerMs: number | null = null;
  error: FramesiftError | undefined;
  readonly #child: ChildProcess;
  #done = false;
  #wake: (() => void) | undefined;

  constructor(child: ChildProcessByStdio<null, Readable, Readable>, limits: Limits, info: MediaInfo) {
    this.#child = child;
    createInterface({ input: child.stderr })
      .on('line', (line) => {
        this.#read(line, limits, info);
        this.#wake?.();
      })
      .on('close', () => {
        this.#done = true;
        this.#wake?.();
      });
  }

  stop(error: FramesiftError): void {
    this.error ??= error;
    this.#child.kill('SIGKILL');
  }

  /** The play time of frame `index` from the first frame's, once showinfo has logged it. */
  async timeOf(index: number): Promise<number> {
    while (this.times.length <= index && !this.#done) await new Promise<void>((resolve) => (this.#wake = resolve));
    return (this.times[index] ?? this.times[this.times.length - 1] ?? 0) - (this.times[0] ?? 0);
  }

  lastTimes(): number[] {
    const start = this.times[0] ?? 0;
    return this.times.slice(-2).map((t) => t - start);
  }

  #read(line: string, limits: Limits, info: MediaInfo): void {
    const shown = SHOWINFO.exec(line);
    if (shown) {
      if (this.times.length === 0) {
        const [sarNum, sarDen] = [Number(shown[2]), Number(shown[3])];
        // An unknown aspect ratio (0/1) means square pixels, as ffmpeg's scale filter reads it.
        const sar = sarNum > 0 && sarDen > 0 ? sarNum / sarDen : 1;
        info.width = Math.round(Number(shown[4]) * sar);
        info.height = Number(shown[5]);
        if (info.width * info.height > limits.maxCanvasPixels) this.stop(limitExceeded('canvas pixels', limits.maxCanvasPixels, `${info.width}×${info.height}`));
      }
      this.times.push(Math.round(Number(shown[1]) * 1000));
      return;
    }
    const duration = CONTAINER_DURATION.exec(line);
    if (duration && this.containerMs === null) {
      this.containerMs = Math.round((Number(duration[1]) * 3600 + Number(duration[2]) * 60 + Number(duration[3])) * 1000);
      if (this.containerMs > limits.maxDurationMs) this.stop(limitExceeded('duration in ms', limits.maxDurationMs, this.containerMs));
    }
    this.tail.push(line);
    if (this.tail.length > LOG_TAIL_LINES) this.tail.shift();
  }
}

/**
 * The raw output cut into frames of `bytes` each, filled into one buffer that is
 * handed out again for every frame: chunks are copied straight in, nothing is concatenated.
 */
async function* fixedSizeFrames(output: Readable, bytes: number): AsyncGenerator<Uint8Array, void, undefined> {
  const frame = new Uint8Array(bytes);
  let filled = 0;
  for await (const chunk of output) {
    const data = chunk as Buffer;
    for (let offset = 0; offset < data.length; ) {
      const take = Math.min(bytes - filled, data.length - offset);
      frame.set(data.subarray(offset, offset + take), filled);
      filled += take;
      offset += take;
      if (filled < bytes) continue;
      yield frame;
      filled = 0;
    }
  }
}

/** The analysis image, copied into `out`: the left `side` pixels of the rows after the S×S frame (or the frame itself). */
function analysisOf(frame: Uint8Array, size: number, side: number, out: Uint8Array): Uint8Array {
  if (side === size) {
    out.set(frame.subarray(0, size * size * 3));
    return out;
  }
  for (let y = 0; y < side; y++) {
    const from = ((size + y) * size) * 3;
    out.set(frame.subarray(from, from + side * 3), y * side * 3);
  }
  return out;
}
