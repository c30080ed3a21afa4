import sharp from 'sharp';
import { ErrorCode, FramesiftError } from '../errors.ts';
import { ANALYSIS_SIZE, Frame } from './frame.ts';
import { fitInside } from './letterbox.ts';
import { Normaliser } from './resample.ts';
import { limitExceeded, timedOut, type Limits } from './limits.ts';
import type { Sniffed } from './sniff.ts';
import type { MediaInfo, MediaSource } from './source.ts';

// libvips' cache would keep every decoded window alive across files.
sharp.cache(false);

/**
 * Bytes of decoded frames per libvips call. sharp returns a call's whole output
 * as one buffer, and a call that starts at page N re-decodes pages 0..N−1 to
 * composite them, so windows trade memory for repeated work. On a generated
 * 2,000-frame GIF, 8 MiB windows took 7.6 s and peaked at 142 MB, 32 MiB took
 * 3.5 s and 228 MB, 64 MiB took 2.9 s and 305 MB. Frames arrive at most 256
 * pixels wide, so 32 MiB holds about 40 frames of a 1080-line GIF and about
 * 170 of a 256×256 one.
 */
export const GIF_WINDOW_BYTES = 32 * 1024 * 1024;

/** Browsers play a GIF delay of 0 or 10 ms as 100 ms; so do we, in `timeMs`. */
export function effectiveDelay(rawMs: number): number {
  return rawMs <= 10 ? 100 : rawMs;
}

export interface GifSourceOptions {
  size: number;
  limits: Limits;
  deadline: number;
  windowBytes?: number;
}

export async function openGif(path: string, sniffed: Sniffed, options: GifSourceOptions): Promise<MediaSource> {
  const { size, limits } = options;
  const sharpOptions = {
    failOn: 'none' as const,
    // Our own canvas and frame checks come first; this is libvips' backstop against a frame
    // descriptor far larger than the canvas it claims.
    limitInputPixels: limits.maxCanvasPixels,
  };
  const meta = await sharp(path, sharpOptions).metadata().catch((error: unknown) => {
    throw fromSharpError(error);
  });
  const width = meta.width ?? 0;
  const pageHeight = meta.pageHeight ?? meta.height ?? 0;
  const pages = meta.pages ?? 1;
  if (width === 0 || pageHeight === 0) {
    throw new FramesiftError(ErrorCode.CORRUPT_INPUT, `Expected a GIF canvas with non-zero size but found ${width}×${pageHeight}`);
  }
  if (width * pageHeight > limits.maxCanvasPixels) {
    throw limitExceeded('canvas pixels', limits.maxCanvasPixels, `${width}×${pageHeight}`);
  }
  if (pages > limits.maxFrames) throw limitExceeded('frames', limits.maxFrames, pages);

  const rawDelays = Array.from({ length: pages }, (_, i) => meta.delay?.[i] ?? 100);
  const rawStarts = startTimes(rawDelays);
  const effectiveStarts = startTimes(rawDelays.map(effectiveDelay));
  if (effectiveStarts[pages]! > limits.maxDurationMs) {
    throw limitExceeded('duration in ms', limits.maxDurationMs, effectiveStarts[pages]!);
  }

  const fit = fitInside(width, pageHeight, size);
  // libvips shrinks widths (page-safe); rows and any enlargement are resampled per frame here.
  const decodedWidth = Math.min(width, fit.width);
  const full = new Normaliser(decodedWidth, pageHeight, fit, size);
  const analysisSize = Math.min(size, ANALYSIS_SIZE);
  const analysis = new Normaliser(decodedWidth, pageHeight, fitInside(width, pageHeight, analysisSize), analysisSize);
  const frameBytes = decodedWidth * pageHeight * 3;
  const perWindow = Math.max(1, Math.floor((options.windowBytes ?? GIF_WINDOW_BYTES) / frameBytes));
  const warnings = new Set<string>();
  let decodedFrames = pages;

  const decodeWindow = async (page: number, count: number): Promise<Uint8Array> => {
    const remainingMs = options.deadline - Date.now();
    if (remainingMs <= 0) throw timedOut(limits);
    let pipeline = sharp(path, { ...sharpOptions, limitInputPixels: limits.maxCanvasPixels * count, page, pages: count })
      .on('warning', (message: string) => warnings.add(message.trim()))
      .timeout({ seconds: Math.max(1, Math.ceil(remainingMs / 1000)) });
    if (decodedWidth !== width) pipeline = pipeline.resize(decodedWidth, pageHeight, { fit: 'fill', kernel: 'linear' });
    pipeline = pipeline.flatten({ background: '#000000' }).raw();
    try {
      const buffer = await pipeline.toBuffer();
      // A plain Uint8Array view keeps the resampler's loops monomorphic (video frames are Uint8Arrays too).
      return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);
    } catch (error) {
      throw fromSharpError(error, limits);
    }
  };

  const info: MediaInfo = { ...sniffed, width, height: pageHeight, loopCount: meta.loop ?? 1 };
  return {
    info,
    get warnings() {
      return [...warnings];
    },
    duration: () => ({ effectiveMs: effectiveStarts[decodedFrames]!, rawMs: rawStarts[decodedFrames]! }),
    async *frames() {
      for (let start = 0; start < pages; start += perWindow) {
        const expected = Math.min(perWindow, pages - start);
        const window = await decodeWindow(start, expected);
        const inWindow = Math.floor(window.length / frameBytes);
        for (let k = 0; k < inWindow; k++) {
          const index = start + k;
          const offset = k * frameBytes;
          yield new Frame(
            index,
            { timeMs: effectiveStarts[index]!, rawTimeMs: rawStarts[index]! },
            size,
            { rgb: analysis.normalise(window, offset), size: analysisSize },
            () => full.normalise(window, offset),
          );
        }
        if (inWindow < expected) {
          decodedFrames = start + inWindow;
          warnings.add(`Decoded ${decodedFrames} of the ${pages} frames the header declares`);
          return;
        }
      }
    },
  };
}

function startTimes(delays: number[]): number[] {
  const starts = [0];
  for (const delay of delays) starts.push(starts[starts.length - 1]! + delay);
  return starts;
}

function fromSharpError(error: unknown, limits?: Limits): FramesiftError {
  const message = error instanceof Error ? error.message : String(error);
  if (/pixel limit/i.test(message)) {
    return new FramesiftError(ErrorCode.LIMIT_EXCEEDED, `Expected frames within the canvas limit but libvips found: ${message}`, { cause: error });
  }
  if (/timeout/i.test(message) && limits) return timedOut(limits);
  if (/no frames/i.test(message)) {
    return new FramesiftError(ErrorCode.EMPTY_INPUT, `Expected at least one frame but the GIF has none (${message})`, { cause: error });
  }
  return new FramesiftError(ErrorCode.CORRUPT_INPUT, `Expected decodable GIF data but libvips reported: ${message}`, { cause: error });
}
