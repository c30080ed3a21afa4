import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync } from 'node:fs';
import { ssimScratchBytes } from '../analysis/ssim.ts';
import { ErrorCode, FramesiftError } from '../errors.ts';
import { Workspace } from '../kernels/index.ts';
import { ChildOutput, FixedBytes } from './child-output.ts';
import { PictureSink } from './picture-sink.ts';
import { FFMPEG_MISSING, ffmpegPath } from './ffmpeg.ts';
import { FfmpegLog, SOURCE_INFO, openLogFile } from './ffmpeg-log.ts';
import { ANALYSIS_SIZE, Frame } from './frame.ts';
import { FrameBuffers } from './frame-buffers.ts';
import { place, type Placement } from './letterbox.ts';
import { limitExceeded, timedOut, type Limits } from './limits.ts';
import { Normaliser } from './resample.ts';
import type { Sniffed } from './sniff.ts';
import type { MediaInfo, MediaSource } from './source.ts';

export interface VideoSourceOptions {
  size: number;
  limits: Limits;
  deadline: number;
}

/**
 * One ffmpeg process per file. ffmpeg decodes, applies rotation metadata (on by
 * default), squares non-square pixels, fits inside S×S with its area scaler
 * (an average over each output pixel's footprint, as GIF frames are shrunk, and
 * on this machine the cheapest of swscale's filters that does not alias) and
 * converts to RGB. Each frame arrives as the fitted picture's RGB rows, which
 * are placed into a black S×S square here (`padded`: ffmpeg pads the square
 * itself); the 128×128 analysis image is area-averaged from it, into a reused
 * buffer. A `showinfo` filter ahead of the scaling reports each frame's
 * presentation time and display size in ffmpeg's log, without checksums (they
 * cost a pass over every full-size frame).
 *
 * Frames fitted but not padded change shape when the source changes size
 * mid-stream, and ffmpeg then stretches them back to the first frame's shape;
 * padded, every frame is the size ffmpeg's output was opened at.
 */
export function ffmpegArgs(path: string, size: number, { padded = false } = {}): string[] {
  const graph = [
    `${SOURCE_INFO}=checksum=0`,
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
    // (ow−iw)/2 is truncated, which is floor for these non-negative values: top = floor(dh/2), as place() does.
    ...(padded ? [`pad=w=${size}:h=${size}:x=(ow-iw)/2:y=(oh-ih)/2:color=black`] : []),
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

export async function openVideo(path: string, sniffed: Sniffed, options: VideoSourceOptions): Promise<MediaSource> {
  const { size, limits } = options;
  // The display size comes from the first frame's log line; `frames()` can then run again.
  const info: MediaInfo = { ...sniffed, width: 0, height: 0, loopCount: null };
  const warnings = new Set<string>();
  let lastTimes: number[] = [];
  let containerMs: number | null = null;

  async function* frames(): AsyncGenerator<Frame, void, undefined> {
    const analysisSize = analysisSide(size);
    // The whole padded square, shrunk: 2:1 at the default size, an average of each 2×2 block.
    const analysis = new Normaliser(size, size, place(analysisSize, analysisSize, analysisSize), analysisSize);
    // The square, the analysis images and the scratch of every kernel run on them lie in one
    // workspace, so that nothing is copied in or out for them; the views last as it never grows.
    const workspace = new Workspace();
    const squareAt = workspace.keep(size * size * 3);
    const buffers = new FrameBuffers(analysisSize, workspace);
    analysis.placeIn(workspace);
    workspace.reserve(ssimScratchBytes(analysisSize));
    const square = workspace.bytes().subarray(squareAt, squareAt + size * size * 3);

    /**
     * One ffmpeg process, yielding frames from `from` on (those before it were yielded by an earlier
     * pass, and are read past). Fitted only, it hands over the picture without its padding, until a
     * frame whose size or aspect ratio differs from the first's (its fit may differ, and ffmpeg would
     * stretch it to the first's shape): it then stops and returns that frame's index, for a padded
     * pass from there. (A `select` filter cannot skip them in ffmpeg: a change of size starts its
     * graph, and its frame count, again.)
     */
    async function* pass(padded: boolean, from: number): AsyncGenerator<Frame, number | undefined, undefined> {
      const logFd = openLogFile();
      let output: ChildOutput | undefined;
      let child: ChildProcess;
      try {
        output = await ChildOutput.open();
        child = startFfmpeg(ffmpegArgs(path, size, { padded }), logFd, output);
      } catch (error) {
        output?.destroy();
        closeSync(logFd);
        throw error;
      }
      const exited = new Promise<number | null>((resolve) => child.once('close', (code: number | null) => resolve(code)));
      const log = new FfmpegLog(child, logFd, limits, info);
      const timer = setTimeout(() => log.stop(timedOut(limits)), Math.max(0, options.deadline - Date.now()));
      let index = 0;
      try {
        let sink: FixedBytes | PictureSink = new FixedBytes(square);
        let fitted: Placement | undefined;
        if (!padded && (await output.ready())) {
          // ffmpeg logs its output's size before it writes the first frame.
          log.readNew();
          if (log.error) throw log.error;
          const shape = log.outputSize;
          // An ffmpeg whose log reads otherwise pads every frame itself.
          if (!shape || shape.width > size || shape.height > size) return 0;
          fitted = place(shape.width, shape.height, size);
          sink = new PictureSink(square, size, fitted);
        }
        // A partial last frame, from a file cut short or a stopped ffmpeg, is dropped.
        while (await output.fill(sink.reset())) {
          if (index >= limits.maxFrames) log.stop(limitExceeded('frames', limits.maxFrames, `more than ${limits.maxFrames}`));
          log.readNew();
          if (log.error) throw log.error;
          if (index < from) {
            index++;
            continue;
          }
          // Any change of the source's shape since the first frame may change the fit, which ffmpeg
          // would then stretch back to the first's: from here on, ffmpeg pads.
          if (fitted && !log.sameShapeAsFirst(index)) return index;
          const timeMs = log.timeOf(index);
          const shown = index;
          const render = () => {
            if (shown !== index) throw new Error(`Frame ${shown} was rendered after frame ${index} arrived over it`);
            return square.slice();
          };
          // Fitted, only the picture is shrunk: the rest of the square is black, and so is its mean.
          // Padded (rare: after a change of shape), the whole square is.
          const small = buffers.next(index);
          if (fitted) small.fill(0);
          analysis.renderIn(workspace, squareAt, small.byteOffset, fitted);
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
        return undefined;
      } catch (error) {
        // A limit or the deadline stops ffmpeg, which ends its output: the reason is the log's.
        throw log.error ?? error;
      } finally {
        clearTimeout(timer);
        if (child.exitCode === null) child.kill('SIGKILL');
        output.destroy();
        closeSync(logFd);
      }
    }

    const changedAt = yield* pass(false, 0);
    if (changedAt !== undefined) yield* pass(true, changedAt);
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

/** One ffmpeg process for the file, writing its frames to `output` and its log to `logFd`; a failed start ends the output with a typed error. */
function startFfmpeg(args: string[], logFd: number, output: ChildOutput): ChildProcess {
  const child = spawn(ffmpegPath(), args, { stdio: ['ignore', output.childEnd, logFd] });
  output.handedOver();
  // Ending the output with the error, rather than racing every read against a pending promise,
  // keeps the reader's one loop.
  child.once('error', (error: NodeJS.ErrnoException) =>
    output.fail(new FramesiftError(ErrorCode.DECODER_UNAVAILABLE, `${FFMPEG_MISSING} (${error.message})`, { cause: error })),
  );
  return child;
}
