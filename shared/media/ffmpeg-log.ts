import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { openSync, readSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { ErrorCode, FramesiftError } from '../errors.ts';
import { limitExceeded, type Limits } from './limits.ts';
import type { MediaInfo } from './source.ts';

/** Keeps the tail of ffmpeg's log for error messages without holding all of it. */
const LOG_TAIL_LINES = 8;

/** The `showinfo` filter's instance name in the graph, which names its lines in the log. */
export const SOURCE_INFO = 'showinfo@source';

/** How each of that filter's lines starts: `[showinfo@source @ 0x…]`. */
const SOURCE_PREFIX = `[${SOURCE_INFO} @ `;
const SOURCE_FRAME = /^[^\]]*\] n:.*\bpts_time:\s*(-?[\d.]+).*?\bsar:(\d+)\/(\d+)\s+s:(\d+)x(\d+)/;
/** The output's header and its video stream's size: `  Stream #0:0: Video: rawvideo (…), rgb24(…), 256x144 [SAR …`. */
const OUTPUT_HEADER = /^Output #0\b/;
const OUTPUT_VIDEO = /^\s*Stream #0:0\S*: Video: rawvideo\b.*?,\s*(\d+)x(\d+)\b/;
const CONTAINER_DURATION = /Duration:\s*(\d+):(\d{2}):(\d{2}(?:\.\d+)?)/;

/**
 * A file for ffmpeg's log, already unlinked: it is gone once both processes close it. ffmpeg
 * writes a few lines per frame in several writes each; through a pipe every write woke this
 * process, more often than the frames' own data does (about 5,500 writes against 4,000 reads for
 * the bench video; on one core ffmpeg's involuntary context switches fell from 9,000 to 3,800 with
 * the file), so the log is read from the file as frames arrive.
 */
export function openLogFile(): number {
  const path = join(tmpdir(), `framesift-ffmpeg-${randomUUID()}.log`);
  try {
    const fd = openSync(path, 'w+', 0o600);
    unlinkSync(path);
    return fd;
  } catch (error) {
    throw new FramesiftError(ErrorCode.DECODER_UNAVAILABLE, `Expected to create ffmpeg's log file in ${tmpdir()} but ${(error as Error).message}`, { cause: error });
  }
}

/**
 * ffmpeg's log, read from its file whenever a frame arrives: each frame's time
 * (showinfo logs a frame before ffmpeg writes it, so its line is always there
 * by then), the display size from the first frame, the container's duration,
 * and the last lines for error messages. A limit it finds stops the process,
 * and the reader throws that error.
 */
export class FfmpegLog {
  readonly times: number[] = [];
  /** The first frame's size and pixel aspect ratio as showinfo logged them, and the first frame logged otherwise. */
  #firstShape: string | undefined;
  #shapeChangedAt: number | undefined;
  readonly tail: string[] = [];
  containerMs: number | null = null;
  /** The size of every frame ffmpeg writes, from its output's header (logged before the first frame). */
  outputSize: { width: number; height: number } | undefined;
  error: FramesiftError | undefined;
  readonly #child: ChildProcess;
  readonly #fd: number;
  readonly #limits: Limits;
  readonly #info: MediaInfo;
  readonly #decoder = new StringDecoder('utf8');
  #inOutputHeader = false;
  readonly #chunk = Buffer.alloc(64 * 1024);
  #position = 0;
  #partial = '';

  constructor(child: ChildProcess, fd: number, limits: Limits, info: MediaInfo) {
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
    // A read short of the chunk has reached the end of what ffmpeg has written so far.
    for (let read = this.#chunk.length; read === this.#chunk.length; ) {
      read = readSync(this.#fd, this.#chunk, 0, this.#chunk.length, this.#position);
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

  /** Whether showinfo logged frame `index` with the first frame's size and pixel aspect ratio, and every frame before it too. */
  sameShapeAsFirst(index: number): boolean {
    return index < this.times.length && (this.#shapeChangedAt === undefined || index < this.#shapeChangedAt);
  }

  lastTimes(): number[] {
    const start = this.times[0] ?? 0;
    return this.times.slice(-2).map((t) => t - start);
  }

  #read(line: string): void {
    if (line.startsWith(SOURCE_PREFIX)) {
      const shown = SOURCE_FRAME.exec(line);
      if (shown) {
        this.#shape(this.times.length, Number(shown[2]), Number(shown[3]), Number(shown[4]), Number(shown[5]));
        this.times.push(Math.round(Number(shown[1]) * 1000));
      }
      // Its colour lines and side data are not kept: they would push the errors out of the tail.
      return;
    }
    if (OUTPUT_HEADER.test(line)) this.#inOutputHeader = true;
    const output = this.#inOutputHeader && !this.outputSize ? OUTPUT_VIDEO.exec(line) : null;
    if (output) this.outputSize = { width: Number(output[1]), height: Number(output[2]) };
    const duration = CONTAINER_DURATION.exec(line);
    if (duration && this.containerMs === null) {
      this.containerMs = Math.round((Number(duration[1]) * 3600 + Number(duration[2]) * 60 + Number(duration[3])) * 1000);
      if (this.containerMs > this.#limits.maxDurationMs) this.stop(limitExceeded('duration in ms', this.#limits.maxDurationMs, this.containerMs));
    }
    this.tail.push(line);
    if (this.tail.length > LOG_TAIL_LINES) this.tail.shift();
  }

  #shape(index: number, sarNum: number, sarDen: number, width: number, height: number): void {
    // An unknown aspect ratio (0/1) means square pixels, as ffmpeg's scale filter reads it.
    const sar = sarNum > 0 && sarDen > 0 ? sarNum / sarDen : 1;
    // The logged numbers, not the rounded display size: ffmpeg's scale filter truncates iw·sar, so
    // two sizes that round alike may fit apart.
    const logged = `${width}x${height} ${sarNum}/${sarDen}`;
    if (index > 0) {
      if (logged !== this.#firstShape) this.#shapeChangedAt ??= index;
      return;
    }
    this.#firstShape = logged;
    const info = this.#info;
    info.width = Math.round(width * sar);
    info.height = height;
    const { maxCanvasPixels } = this.#limits;
    if (info.width * info.height > maxCanvasPixels) this.stop(limitExceeded('canvas pixels', maxCanvasPixels, `${info.width}×${info.height}`));
  }
}
