/** Predicates and the one uniform message for a bad option, in the manner of sharp's is.js. */
import { ErrorCode, FramesiftError } from './errors.ts';

export const isNumber = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value);

export const isInteger = (value: unknown): value is number => Number.isInteger(value);

export function invalidOption(name: string, expected: string, actual: unknown): FramesiftError {
  return new FramesiftError(
    ErrorCode.INVALID_OPTION,
    `Expected ${expected} for ${name} but received ${String(actual)} of type ${typeof actual}`,
  );
}

/** true or false, or their text from a flag or a variable; `"no"` or `1` is an error, as in sharp. */
export function booleanOption(name: string, value: unknown): boolean {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw invalidOption(name, 'true or false', value);
}

export function positiveInteger(name: string, value: unknown): number {
  if (!isInteger(value) || value <= 0) throw invalidOption(name, 'positive integer', value);
  return value;
}

export function numberInRange(name: string, value: unknown, min: number, max: number): number {
  if (!isNumber(value) || value < min || value > max) {
    throw invalidOption(name, `number between ${min} and ${max}`, value);
  }
  return value;
}

/**
 * A span given either in frames (`10`, `"10"`) or in seconds (`"0.5s"`), as
 * PySceneDetect takes its time options.
 */
export type Span = { readonly frames: number } | { readonly seconds: number };

export function parseSpan(name: string, value: unknown): Span {
  if (isInteger(value) && value >= 0) return { frames: value };
  // A span already parsed, as a resolved choice carries it in a request.
  if (value && typeof value === 'object') {
    const { frames, seconds } = value as { frames?: unknown; seconds?: unknown };
    if (Object.keys(value).length === 1 && isInteger(frames) && frames >= 0) return { frames };
    if (Object.keys(value).length === 1 && isNumber(seconds) && seconds >= 0) return { seconds };
  }
  if (typeof value === 'string') {
    const seconds = /^(\d+(?:\.\d+)?)s$/.exec(value.trim());
    if (seconds) return { seconds: Number(seconds[1]) };
    if (/^\d+$/.test(value.trim())) return { frames: Number(value) };
  }
  throw invalidOption(name, 'a frame count (10) or seconds ("0.5s")', value);
}

/** True when `to` is at least `span` after `from`, counted in frames or in milliseconds. */
export function spanReached(
  span: Span,
  from: { index: number; timeMs: number },
  to: { index: number; timeMs: number },
): boolean {
  return 'frames' in span
    ? to.index - from.index >= span.frames
    : to.timeMs - from.timeMs >= span.seconds * 1000;
}
