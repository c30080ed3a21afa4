import { closeSync, fstatSync, openSync } from 'node:fs';
import { ErrorCode, FramesiftError } from '../errors.ts';
import { ANALYSIS_SIZE, Frame } from './frame.ts';
import { FrameBuffers } from './frame-buffers.ts';
import { fileSource } from './gif/bytes.ts';
import { GifCanvas, indexPixels } from './gif/canvas.ts';
import { scanGif } from './gif/scan.ts';
import { fitInside, place } from './letterbox.ts';
import { Normaliser } from './resample.ts';
import { limitExceeded, timedOut, type Limits } from './limits.ts';
import type { Sniffed } from './sniff.ts';
import type { MediaInfo, MediaSource } from './source.ts';

/** Browsers play a GIF delay of 0 or 10 ms as 100 ms; so do we, in `timeMs`. */
export function effectiveDelay(rawMs: number): number {
  return rawMs <= 10 ? 100 : rawMs;
}

export interface GifSourceOptions {
  size: number;
  limits: Limits;
  deadline: number;
}

/**
 * A streaming GIF source: the block structure is scanned first (no pixels), every
 * limit is checked, then frames are decoded and composited one at a time on one
 * canvas. Each frame's S×S image and 128×128 analysis image are made as it is
 * drawn, in buffers the next frame writes again; a frame asked for its S×S image
 * before then gets a copy.
 */
export async function openGif(path: string, sniffed: Sniffed, options: GifSourceOptions): Promise<MediaSource> {
  const { size, limits } = options;
  const layout = withFile(path, (bytes) => scanGif(bytes, limits.maxFrames));
  const { width, height, frames: descriptors } = layout;
  if (width === 0 || height === 0) {
    throw new FramesiftError(ErrorCode.CORRUPT_INPUT, `Expected a GIF canvas with non-zero size but found ${width}×${height}`);
  }
  if (width * height > limits.maxCanvasPixels) throw limitExceeded('canvas pixels', limits.maxCanvasPixels, `${width}×${height}`);
  if (descriptors.length > limits.maxFrames) throw limitExceeded('frames', limits.maxFrames, `more than ${limits.maxFrames}`);
  if (descriptors.length === 0) {
    if (layout.truncated) throw new FramesiftError(ErrorCode.CORRUPT_INPUT, `Expected at least one frame but ${layout.truncated}`);
    throw new FramesiftError(ErrorCode.EMPTY_INPUT, 'Expected at least one frame but the GIF has none');
  }
  for (const [index, frame] of descriptors.entries()) {
    if (indexPixels(frame, layout) > limits.maxCanvasPixels) {
      throw limitExceeded(`pixels in frame ${index}`, limits.maxCanvasPixels, `${frame.width}×${frame.height}`);
    }
  }
  const rawStarts = startTimes(descriptors.map((f) => f.delayMs));
  const effectiveStarts = startTimes(descriptors.map((f) => effectiveDelay(f.delayMs)));
  const count = descriptors.length;
  if (effectiveStarts[count]! > limits.maxDurationMs) throw limitExceeded('duration in ms', limits.maxDurationMs, effectiveStarts[count]!);

  const analysisSize = Math.min(size, ANALYSIS_SIZE);
  // Every frame is rendered at S×S in fixed point, and its analysis image is that square shrunk
  // (2:1 at the default size, a mean of each 2×2 block), as video's is: a selector that keeps most
  // frames, such as scene's candidate middles, then costs one resampling of the canvas, not two.
  const full = new Normaliser(width, height, fitInside(width, height, size), size, { channels: 4, fixedPoint: true });
  const analysis = new Normaliser(size, size, place(analysisSize, analysisSize, analysisSize), analysisSize);
  const warnings = new Set<string>();
  if (layout.truncated) warnings.add(`Decoded ${count} frames; the structure stops early: ${layout.truncated}`);

  let decoded = count;
  const info: MediaInfo = { ...sniffed, width, height, loopCount: layout.loopCount };
  return {
    info,
    get warnings() {
      return [...warnings];
    },
    duration: () => ({ effectiveMs: effectiveStarts[decoded]!, rawMs: rawStarts[decoded]! }),
    async *frames() {
      // A fresh canvas per read, so the stream can be read again from the start.
      const fd = openSync(path, 'r');
      const canvas = new GifCanvas(fileSource(fd, fstatSync(fd).size), layout);
      // The S×S square and the analysis image lie beside the canvas in its workspace.
      const { workspace } = canvas;
      const squareAt = workspace.keep(size * size * 3);
      const analysisAt = workspace.keep(analysisSize * analysisSize * 3);
      const buffers = new FrameBuffers(analysisSize);
      decoded = count;
      let drawn = -1;
      try {
        for (let index = 0; index < count; index++) {
          if (Date.now() > options.deadline) throw timedOut(limits);
          const { changed, problem, empty } = canvas.draw(descriptors[index]!);
          drawn = index;
          if (empty) {
            if (index === 0) throw new FramesiftError(ErrorCode.CORRUPT_INPUT, `Expected image data in the first frame but found ${problem}`);
            decoded = index;
            warnings.add(`Decoded ${decoded} of the ${count} frames the file declares; frame ${index} has ${problem}`);
            return;
          }
          if (problem) warnings.add(`Frame ${index}: ${problem}`);
          // Most animations redraw a small part of the canvas: only what it reaches is computed again.
          const first = index === 0;
          full.renderIn(workspace, canvas.address, squareAt, first ? undefined : changed);
          analysis.renderIn(workspace, squareAt, analysisAt, first ? undefined : full.reached(changed));
          const small = buffers.next(index);
          small.set(workspace.bytes().subarray(analysisAt, analysisAt + small.length));
          yield new Frame(
            index,
            { timeMs: effectiveStarts[index]!, rawTimeMs: rawStarts[index]! },
            size,
            { rgb: small, size: analysisSize, lent: buffers },
            () => {
              if (drawn !== index) throw new Error(`Frame ${index} was rendered after frame ${drawn} was drawn over it`);
              return workspace.bytes().slice(squareAt, squareAt + size * size * 3);
            },
          );
        }
      } finally {
        closeSync(fd);
      }
    },
  };
}

function withFile<T>(path: string, use: (source: ReturnType<typeof fileSource>) => T): T {
  const fd = openSync(path, 'r');
  try {
    return use(fileSource(fd, fstatSync(fd).size));
  } finally {
    closeSync(fd);
  }
}

function startTimes(delays: number[]): number[] {
  const starts = [0];
  for (const delay of delays) starts.push(starts[starts.length - 1]! + delay);
  return starts;
}
