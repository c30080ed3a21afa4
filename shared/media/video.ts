import { spawn, type ChildProcess, type ChildProcessByStdio } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, openSync, readSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { ErrorCode, FramesiftError } from '../errors.ts';
import { FFMPEG_MISSING, ffmpegPath } from './ffmpeg.ts';
import { ANALYSIS_SIZE, Frame } from './frame.ts';
import { FrameBuffers } from './frame-buffers.ts';
import { place } from './letterbox.ts';
import { limitExceeded, timedOut, type Limits } from './limits.ts';
import { Normaliser } from './resample.ts';
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
 * default), squares non-square pixels, fits inside S×S with its area scaler
 * (an average over each output pixel's footprint, as GIF frames are shrunk, and
 * on this machine the cheapest of swscale's filters that does not alias),
 * converts to RGB and pads with black. Each frame arrives over the pipe as S×S
 * RGB rows; the 128×128 analysis image is area-averaged from it here, into a
 * reused buffer. A `showinfo` filter ahead of the scaling reports each frame's
 * presentation time and display size in ffmpeg's log, without checksums (they
 * cost a pass over every full-size frame).
 */
export function ffmpegArgs(path: string, size: number): string[] {
  const graph = [
    'showinfo=checksum=0',
    'scale=w=iw*sar:h=ih',
    'setsar=1',
    `scale=w=${size}:h=${size}:force_original_aspect_ratio=decrease:flags=area`,
    // Shrunk in the source's own family (YUV at its chroma subsampling, or planar RGB), then
    // converted at the small size by a second scaler: swscale's area filter writing RGB itself cost
    // 13–21% more of ffmpeg's CPU time on the bench video, pinned. The colours differ by rounding
    // and chroma placement: 0.66 levels on average over its frames, and 0.48% of samples by more
    // than 8, at sharp colour edges; an RGB or 4:4:4 source is within 2 levels.
    'format=pix_fmts=yuv420p|yuvj420p|yuv422p|yuvj422p|yuv444p|yuvj444p|gbrp|gray',
    'format=rgb24',
    // (ow−iw)/2 is truncated, which is floor for these non-negative values: top = floor(dh/2).
    `pad=w=${size}:h=${size}:x=(ow-iw)/2:y=(oh-ih)/2:color=black`,
  ].join(',');
  return [
    '-hide_banner', '-nostdin', '-nostats', '-loglevel', 'info',
    '-i', path,
    '-filter_complex', `[0:v:0]${graph}[out]`,
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
    const frameBytes = size * size * 3;
    // The whole padded square, shrunk: 2:1 at the default size, an average of each 2×2 block.
    const analysis = new Normaliser(size, size, place(analysisSize, analysisSize, analysisSize), analysisSize);
    const logFd = openLogFile();
    let child: ChildProcessByStdio<null, Readable, null>;
    try {
      child = startFfmpeg(path, size, logFd);
    } catch (error) {
      closeSync(logFd);
      throw error;
    }
    const exited = new Promise<number | null>((resolve) => child.once('close', (code: number | null) => resolve(code)));
    const log = new FfmpegLog(child, logFd, limits, info);
    const buffers = new FrameBuffers(analysisSize);
    const timer = setTimeout(() => log.stop(timedOut(limits)), Math.max(0, options.deadline - Date.now()));
    let index = 0;
    try {
      for await (const frame of fixedSizeFrames(child.stdout, frameBytes)) {
        if (index >= limits.maxFrames) log.stop(limitExceeded('frames', limits.maxFrames, `more than ${limits.maxFrames}`));
        log.readNew();
        if (log.error) throw log.error;
        const timeMs = log.timeOf(index);
        const shown = index;
        const render = () => {
          if (shown !== index) throw new Error(`Frame ${shown} was rendered after frame ${index} arrived over it`);
          return frame.slice();
        };
        const small = analysis.normalise(frame, 0, buffers.next(index));
        yield new Frame(index, { timeMs, rawTimeMs: timeMs }, size, { rgb: small, size: analysisSize, lent: buffers }, render);
        index++;
      }
      const code = await exited;
      log.readNew(true);
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
      closeSync(logFd);
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

/**
 * A file for ffmpeg's log, already unlinked: it is gone once both processes close it. ffmpeg
 * writes a few lines per frame in several writes each; through a pipe every write woke this
 * process, more often than the frames' own data does (about 5,500 writes against 4,000 reads for
 * the bench video; on one core ffmpeg's involuntary context switches fell from 9,000 to 3,800 with
 * the file), so the log is read from the file as frames arrive.
 */
function openLogFile(): number {
  const path = join(tmpdir(), `framesift-ffmpeg-${randomUUID()}.log`);
  try {
    const fd = openSync(path, 'w+', 0o600);
    unlinkSync(path);
    return fd;
  } catch (error) {
    throw new FramesiftError(ErrorCode.DECODER_UNAVAILABLE, `Expected to create ffmpeg's log file in ${tmpdir()} but ${(error as Error).message}`, { cause: error });
  }
}

/** One ffmpeg process for the file, logging to `logFd`; a failed start ends its output with a typed error. */
function startFfmpeg(path: string, size: number, logFd: number): ChildProcessByStdio<null, Readable, null> {
  // An fd in `stdio` falls outside spawn's typed overloads; this is the shape it makes.
  const child = spawn(ffmpegPath(), ffmpegArgs(path, size), { stdio: ['ignore', 'pipe', logFd] }) as ChildProcessByStdio<null, Readable, null>;
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
 * ffmpeg's log, read from its file whenever a frame arrives: each frame's time
 * (showinfo logs a frame before ffmpeg writes it, so its line is always there
 * by then), the display size from the first frame, the container's duration,
 * and the last lines for error messages. A limit it finds stops the process,
 * and the reader throws that error.
 */
class FfmpegLog {
  readonly times: number[] = [];
  readonly tail: string[] = [];
  containerMs: number | null = null;
  error: FramesiftError | undefined;
  readonly #child: ChildProcess;
  readonly #fd: number;
  readonly #limits: Limits;
  readonly #info: MediaInfo;
  readonly #decoder = new StringDecoder('utf8');
  readonly #chunk = Buffer.alloc(64 * 1024);
  #position = 0;
  #partial = '';

  constructor(child: ChildProcessByStdio<null, Readable, null>, fd: number, limits: Limits, info: MediaInfo) {
    this.#child = child;
    this.#fd = fd;
    this.#limits = limits;
    this.#info = info;
  }

  stop(error: FramesiftError): void {
    this.error ??= error;
    this.#child.kill('SIGKILL');
  }

  /** Reads the lines ffmpeg has logged since the last call; `ended`: ffmpeg has exited, so a last line without its newline counts too. */
  readNew(ended = false): void {
    let text = this.#partial;
    for (let read; (read = readSync(this.#fd, this.#chunk, 0, this.#chunk.length, this.#position)) > 0; ) {
      this.#position += read;
      text += this.#decoder.write(this.#chunk.subarray(0, read));
    }
    if (ended) {
      text += this.#decoder.end();
      if (text !== '' && !text.endsWith('\n')) text += '\n';
    }
    const lines = text.split('\n');
    this.#partial = lines.pop()!;
    for (const line of lines) this.#read(line.replace(/\r$/, ''));
  }

  /** The play time of frame `index` from the first frame's; the last one known if showinfo never logged it. */
  timeOf(index: number): number {
    return (this.times[index] ?? this.times[this.times.length - 1] ?? 0) - (this.times[0] ?? 0);
  }

  lastTimes(): number[] {
    const start = this.times[0] ?? 0;
    return this.times.slice(-2).map((t) => t - start);
  }

  #read(line: string): void {
    const limits = this.#limits;
    const info = this.#info;
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
