/** Where every output lives in the output bucket. Names derive from (gifId, generation), so writes are idempotent. */

export const RECORDS_PREFIX = 'records/';
export const LEDGER_PREFIX = 'compacted/';

export function framesPrefix(gifId: string, generation: string): string {
  return `frames/${gifId}/${generation}/`;
}

export function frameName(gifId: string, generation: string, ordinal: number): string {
  return `${framesPrefix(gifId, generation)}${ordinal}.png`;
}

export function recordName(gifId: string, generation: string): string {
  return `${RECORDS_PREFIX}${gifId}/${generation}.json`;
}

/** A rejected manifest line has no trustworthy id: it is named by its batch and line. */
export function rejectedRecordName(batchId: string, line: number): string {
  return `${RECORDS_PREFIX}_rejected/${batchId}/${line}.json`;
}

export function parquetName(table: string, day: string, runId: string): string {
  return `parquet/${table}/dt=${day}/${runId}.parquet`;
}

export function ledgerName(runId: string): string {
  return `${LEDGER_PREFIX}${runId}.json`;
}
