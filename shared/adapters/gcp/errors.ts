/** Reading the errors of Google's Node clients: which mean "already there", "missing", "try again". */
import { PermanentError, TransientError } from '../../pipeline/ports.ts';

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

/** The code a failed row carries for an HTTP answer that no retry will change. */
function permanentCode(status: number): string {
  if (status === 401 || status === 403) return 'ACCESS_DENIED';
  if (status === 404) return 'NOT_FOUND';
  if (status === 400) return 'BAD_REQUEST';
  return `HTTP_${status}`;
}

/**
 * Classifies a client error where it happens: retryable ones become a
 * TransientError (so the queue redelivers), other HTTP answers a
 * PermanentError with a code (so the step records them at once), and anything
 * else is thrown as it is.
 */
export function rethrow(error: unknown, what: string): never {
  const message = `${what}: ${error instanceof Error ? error.message : String(error)}`;
  if (isRetryable(error)) throw new TransientError(message, { cause: error });
  const status = httpStatus(error);
  if (status !== undefined) throw new PermanentError(permanentCode(status), message, { cause: error });
  throw error;
}
