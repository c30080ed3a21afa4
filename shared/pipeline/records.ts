/**
 * Records and their vocabulary. Kept free of the engine (its record type is
 * imported as a type only), so fan-out and compaction can build records
 * without loading a decoder.
 */
import type { ExtractionRecord } from '../engine.ts';
import { ENGINE_VERSION } from '../version.ts';
import type { ExtractRequest } from './events.ts';
import { recordName } from './layout.ts';
import { uriOf, type ObjectStore } from './ports.ts';

/** Why a manifest line or a requested file became a rejected row. */
export const RejectionCode = Object.freeze({
  MALFORMED_LINE: 'MALFORMED_LINE',
  MISSING_ID: 'MISSING_ID',
  INVALID_ID: 'INVALID_ID',
  DUPLICATE_ID: 'DUPLICATE_ID',
  INVALID_URI: 'INVALID_URI',
  BUCKET_NOT_ALLOWED: 'BUCKET_NOT_ALLOWED',
  MISSING_FILE: 'MISSING_FILE',
} as const);
export type RejectionCode = (typeof RejectionCode)[keyof typeof RejectionCode];

/** Failures the pipeline records itself, beside the engine's `ErrorCode`s. */
export const PipelineCode = Object.freeze({
  /** The queue gave up after its maximum delivery attempts. */
  DELIVERY_FAILED: 'DELIVERY_FAILED',
} as const);

export type RecordStatus = 'ok' | 'failed' | 'rejected';

/**
 * One JSON record per file (or per rejected manifest line), written once to
 * the output bucket. Compaction turns records into table rows.
 */
export interface FileRecord {
  /** The de-duplication key: `<gifId>@<generation>` for files, `<batchId>#<line>` for rejected lines. */
  recordKey: string;
  gifId: string | null;
  status: RecordStatus;
  errorCode: string | null;
  errorMessage: string | null;
  sourceUri: string | null;
  sourceGeneration: string | null;
  description: string | null;
  batchId: string;
  manifestUri: string | null;
  manifestLine: number | null;
  extraction: ExtractionRecord | null;
  keyFrameUris: string[];
  engineVersion: string;
  processedAt: string;
  processingMs: number | null;
}

export function fileRecordKey(gifId: string, generation: string): string {
  return `${gifId}@${generation}`;
}

export function rejectedRecordKey(batchId: string, line: number): string {
  return `${batchId}#${line}`;
}

/** A manifest line that names no file framesift will process: a rejected row. */
export function rejectedLineRecord(
  line: { batchId: string; line: number; rawId: string | null; code: RejectionCode; reason: string },
  manifestUri: string | null,
  now: Date = new Date(),
): FileRecord {
  return {
    ...emptyRecord(line.batchId, now),
    recordKey: rejectedRecordKey(line.batchId, line.line),
    gifId: line.rawId,
    status: 'rejected',
    errorCode: line.code,
    errorMessage: line.reason,
    manifestUri,
    manifestLine: manifestUri ? line.line : null,
  };
}

/** The record of one requested file before it is processed: who, where from, when. */
export function requestRecord(request: ExtractRequest, generation: string, now: Date = new Date()): FileRecord {
  return {
    ...emptyRecord(request.batchId, now),
    recordKey: fileRecordKey(request.gifId, generation),
    gifId: request.gifId,
    sourceUri: uriOf(request.source),
    sourceGeneration: generation,
    description: request.description,
    manifestUri: request.manifest?.uri ?? null,
    manifestLine: request.manifest?.line ?? null,
  };
}

/** Every field of a record, at its value before anything is known. */
function emptyRecord(batchId: string, now: Date): FileRecord {
  return {
    recordKey: '',
    gifId: null,
    status: 'ok',
    errorCode: null,
    errorMessage: null,
    sourceUri: null,
    sourceGeneration: null,
    description: null,
    batchId,
    manifestUri: null,
    manifestLine: null,
    extraction: null,
    keyFrameUris: [],
    engineVersion: ENGINE_VERSION,
    processedAt: now.toISOString(),
    processingMs: null,
  };
}

/**
 * A request that could not be processed still ends as a row: a failed record
 * under the file's generation (the request's, else the object's if it can be
 * read, else "0"), unless one was already written. Returns whether it wrote.
 */
export async function recordFailure(
  request: ExtractRequest,
  failure: { errorCode: string; errorMessage: string; processingMs?: number },
  deps: { store: ObjectStore; outputBucket: string; now?: () => Date },
): Promise<boolean> {
  const generation = request.source.generation ?? (await deps.store.stat(request.source).catch(() => null))?.generation ?? '0';
  const record: FileRecord = { ...requestRecord(request, generation, deps.now?.()), status: 'failed', ...failure };
  return deps.store.writeIfAbsent({ bucket: deps.outputBucket, name: recordName(request.gifId, generation) }, JSON.stringify(record), 'application/json');
}

/** A message the queue gave up on, after its maximum delivery attempts. */
export async function recordUndeliverable(request: ExtractRequest, reason: string, deps: { store: ObjectStore; outputBucket: string; now?: () => Date }): Promise<void> {
  await recordFailure(request, { errorCode: PipelineCode.DELIVERY_FAILED, errorMessage: `Expected extraction to succeed within the delivery attempts but the last one failed: ${reason}` }, deps);
}
