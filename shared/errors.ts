/**
 * One error class for everything the engine refuses, with a stable code that
 * a caller can branch on and a user can query in SQL. The message always says
 * what was expected and what was found.
 */
export const ErrorCode = Object.freeze({
  /** The bytes are not a GIF or a supported video container. */
  UNSUPPORTED_FORMAT: 'UNSUPPORTED_FORMAT',
  /** The format was recognised but the data is damaged beyond decoding. */
  CORRUPT_INPUT: 'CORRUPT_INPUT',
  /** The file is empty, or decodes to no frames. */
  EMPTY_INPUT: 'EMPTY_INPUT',
  /** A configured limit (bytes, pixels, frames, duration) would be exceeded. */
  LIMIT_EXCEEDED: 'LIMIT_EXCEEDED',
  /** No decoder could be started (for example, no ffmpeg binary). */
  DECODER_UNAVAILABLE: 'DECODER_UNAVAILABLE',
  /** Decoding took longer than the configured per-file time bound. */
  TIMEOUT: 'TIMEOUT',
  /** An option was outside its allowed range or of the wrong type. */
  INVALID_OPTION: 'INVALID_OPTION',
} as const);

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** An error with a stable code that a caller can branch on and a row can carry. */
export class CodedError<Code extends string = string> extends Error {
  readonly code: Code;

  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export class FramesiftError extends CodedError<ErrorCode> {
  override readonly name = 'FramesiftError';
}

export function isFramesiftError(error: unknown): error is FramesiftError {
  return error instanceof FramesiftError;
}
