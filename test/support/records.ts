import type { FileRecord } from '../../shared/pipeline/records.ts';

/** A failed record, the smallest that loads into both tables. */
export function failedRecord(gifId: string, processedAt = '2026-01-01T00:00:00.000Z'): FileRecord {
  return {
    recordKey: `${gifId}@1`,
    gifId,
    status: 'failed',
    errorCode: 'CORRUPT_INPUT',
    errorMessage: 'Expected decodable GIF data',
    sourceUri: `gs://ingest/${gifId}.gif`,
    sourceGeneration: '1',
    description: null,
    batchId: 'b',
    manifestUri: null,
    manifestLine: null,
    extraction: null,
    keyFrameUris: [],
    engineVersion: 'test',
    processedAt,
    processingMs: 1,
  };
}
