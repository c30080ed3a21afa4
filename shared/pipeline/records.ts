/**
 * Records and their vocabulary. Kept free of the engine (its record type is
 * imported as a type only), so fan-out and compaction can build records
 * without loading a decoder.
 */
import type { ExtractionRecord } from '../engine.ts';
import { ENGINE_VERSION } from '../version.ts';
import type { ExtractRequest } from './events.ts';
import type { ByteRange } from './pack.ts';
import { uriOf } from './ports.ts';

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
 * One JSON record per file and selection (or per rejected manifest line),
 * written once. Compaction turns records into table rows.
 */
export interface FileRecord {
  /** The de-duplication key: `<source uri>@<generation>/<selection>` for files, `<batchId>#<line>` for rejected lines. */
  recordKey: string;
  gifId: string | null;
  status: RecordStatus;
  errorCode: string | null;
  errorMessage: string | null;
  sourceUri: string | null;
  sourceGeneration: string | null;
  /** Which selector, version and options chose the key frames (see selection.ts); null for a rejected line. */
  selection: string | null;
  description: string | null;
  batchId: string;
  manifestUri: string | null;
  manifestLine: number | null;
  extraction: ExtractionRecord | null;
  /** The pack holding the key frames as PNG members, and each frame's bytes in it. */
  packUri: string | null;
  keyFrameRanges: ByteRange[];
  engineVersion: string;
  processedAt: string;
  processingMs: number | null;
}

/** Up to a chunk's worth of a manifest's entries, as fan-out leaves them in the inbox for compaction. */
export interface ManifestEntriesChunk {
  kind: 'manifest_entries';
  batchId: string;
  manifestUri: string;
  processedAt: string;
  entries: Array<{ line: number; gifId: string; description: string | null; sourceUri: string }>;
}

export function isEntriesChunk(item: FileRecord | ManifestEntriesChunk): item is ManifestEntriesChunk {
  return (item as ManifestEntriesChunk).kind === 'manifest_entries';
}

export function fileRecordKey(sourceUri: string, generation: string, selection: string): string {
  return `${sourceUri}@${generation}/${selection}`;
}

export function manifestLineKey(batchId: string, line: number): string {
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
    recordKey: manifestLineKey(line.batchId, line.line),
    gifId: line.rawId,
    status: 'rejected',
    errorCode: line.code,
    errorMessage: line.reason,
    manifestUri,
    manifestLine: manifestUri ? line.line : null,
  };
}

/** The record of one requested file before it is processed: who, where from, when. */
export function requestRecord(request: ExtractRequest, generation: string, selection: string, now: Date = new Date()): FileRecord {
  const sourceUri = uriOf(request.source);
  return {
    ...emptyRecord(request.batchId, now),
    recordKey: fileRecordKey(sourceUri, generation, selection),
    gifId: request.gifId,
    sourceUri,
    sourceGeneration: generation,
    selection,
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
    selection: null,
    description: null,
    batchId,
    manifestUri: null,
    manifestLine: null,
    extraction: null,
    packUri: null,
    keyFrameRanges: [],
    engineVersion: ENGINE_VERSION,
    processedAt: now.toISOString(),
    processingMs: null,
  };
}
