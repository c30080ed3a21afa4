import type { ExtractionRecord } from '../engine.ts';

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
