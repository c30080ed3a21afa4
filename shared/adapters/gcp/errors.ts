/** Reading the errors of Google's Node clients: which mean "already there", "missing", "try again". */
import { TransientError } from '../../pipeline/ports.ts';

interface ApiLikeError {
  code?: number | string;
  status?: number;
  response?: { status?: number };
}

/**
 * HTTP status of an error from a Google client. A multipart upload raises an
 * ApiError with `.code`; a resumable upload raises a GaxiosError with
 * `.status` (or `.response.status`) and no numeric `.code`.
 */
export function httpStatus(error: unknown): number | undefined {
  const e = error as ApiLikeError | null;
  if (!e || typeof e !== 'object') return undefined;
  if (typeof e.code === 'number') return e.code;
  return e.status ?? e.response?.status;
}

const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);
const RETRYABLE_NETWORK = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'ECONNABORTED']);

export function isRetryable(error: unknown): boolean {
  const status = httpStatus(error);
  if (status !== undefined) return RETRYABLE_STATUS.has(status);
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && RETRYABLE_NETWORK.has(code);
}

/** Rethrows a retryable client error as a TransientError (so the queue retries), anything else as it is. */
export function rethrow(error: unknown, what: string): never {
  if (isRetryable(error)) throw new TransientError(`${what}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  throw error;
}
