import { INBOX_FILE_RECORD, fileKeyOf, inboxRecordName } from '../../shared/pipeline/layout.ts';
import type { FileRecord } from '../../shared/pipeline/records.ts';

/** A failed record, the smallest that loads into both tables. */
export function failedRecord(gifId: string, processedAt = '2026-01-01T00:00:00.000Z'): FileRecord {
  const sourceUri = `gs://ingest/${gifId}.gif`;
  return {
    recordKey: `${sourceUri}@1/test`,
    gifId,
    status: 'failed',
    errorCode: 'CORRUPT_INPUT',
    errorMessage: 'Expected decodable GIF data',
    sourceUri,
    sourceGeneration: '1',
    selection: 'test',
    description: null,
    batchId: 'b',
    manifestUri: null,
    manifestLine: null,
    extraction: null,
    packUri: null,
    keyFrameRanges: [],
    engineVersion: 'test',
    processedAt,
    processingMs: 1,
  };
}

/** Where a record waits for compaction. */
export function inboxNameOf(record: FileRecord): string {
  return inboxRecordName(record.selection!, fileKeyOf(record.sourceUri!, record.sourceGeneration!));
}

/** The file records waiting in a stand-in bucket's inbox. */
export function inboxRecords(gcs: { buckets: Map<string, Map<string, { data: Buffer }>> }, bucket: string): FileRecord[] {
  return [...(gcs.buckets.get(bucket) ?? new Map<string, { data: Buffer }>()).entries()]
    .filter(([name]) => INBOX_FILE_RECORD.test(name))
    .map(([, object]) => JSON.parse(object.data.toString('utf8')) as FileRecord);
}
