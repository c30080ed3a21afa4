import { ErrorCode, FramesiftError } from '../errors.ts';
import { positiveInteger } from '../is.ts';

/**
 * Bounds checked before the memory or time is spent: bytes from the file size,
 * canvas and frame count from the header, duration from the container.
 */
export interface Limits {
  maxInputBytes: number;
  maxCanvasPixels: number;
  maxFrames: number;
  maxDurationMs: number;
  /** Wall-clock bound on decoding one file. */
  timeoutMs: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  /** Real GIFs are rarely over 20 MB; short clips rarely over 100 MB. */
  maxInputBytes: 256 * 1024 * 1024,
  /** 8K UHD. Larger canvases are almost always crafted headers. */
  maxCanvasPixels: 7680 * 4320,
  /** About 11 minutes at 15 fps; far past any GIF seen in the wild. */
  maxFrames: 10_000,
  maxDurationMs: 10 * 60 * 1000,
  timeoutMs: 120_000,
});

export function resolveLimits(overrides: Partial<Limits> = {}): Limits {
  const limits = { ...DEFAULT_LIMITS, ...overrides };
  for (const [name, value] of Object.entries(limits)) positiveInteger(`limits.${name}`, value);
  return limits;
}

export function limitExceeded(what: string, limit: number, found: number | string): FramesiftError {
  return new FramesiftError(ErrorCode.LIMIT_EXCEEDED, `Expected ${what} of at most ${limit} but found ${found}`);
}

export function timedOut(limits: Limits): FramesiftError {
  return new FramesiftError(ErrorCode.TIMEOUT, `Expected decoding to finish within ${limits.timeoutMs} ms but it did not`);
}
