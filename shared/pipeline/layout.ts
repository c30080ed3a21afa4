/**
 * Where every output lives in the output bucket.
 *
 * - `packs/<selection>/<file key>.tar`: one object per file and selection, its
 *   key frames as PNG members and its record last. It is written once and marks
 *   the file as done, so a redelivered request stops at one stat.
 * - `inbox/…`: what compaction has still to load. Extraction and fan-out add to
 *   it, compaction deletes what it loaded, so a run lists only pending work,
 *   whatever the history.
 * - `batches/<batch>.json`: a manifest whose fan-out finished.
 * - `compaction/open/<run>.json`: a run's intent, written before its loads and
 *   deleted after its inbox deletes, so a killed run is finished, not repeated.
 * - `parquet/<table>/dt=<day>/<run>.parquet`: what each run loaded.
 */
import { createHash } from 'node:crypto';

export const INBOX_PREFIX = 'inbox/';
export const OPEN_RUNS_PREFIX = 'compaction/open/';

/** 80 bits of SHA-256 over a file's URI and generation: collisions stay below 1e-12 at a billion files. */
export function fileKeyOf(sourceUri: string, generation: string): string {
  return createHash('sha256').update(`${sourceUri}#${generation}`).digest('hex').slice(0, 20);
}

export function packName(selection: string, fileKey: string): string {
  return `packs/${selection}/${fileKey}.tar`;
}

export function inboxRecordName(selection: string, fileKey: string): string {
  return `${INBOX_PREFIX}files/${selection}/${fileKey}.json`;
}

/** A rejected manifest line has no trustworthy id: it is named by its batch and line. */
export function inboxRejectionName(batchId: string, line: number): string {
  return `${INBOX_PREFIX}rejected/${batchId}/${line}.json`;
}

/** A manifest's entries, a chunk at a time: ids and descriptions that the views join to the files. */
export function inboxEntriesName(batchId: string, chunk: number): string {
  return `${INBOX_PREFIX}entries/${batchId}/${String(chunk).padStart(6, '0')}.json`;
}

/** Written when a manifest's fan-out is complete: its redelivered upload event, or a rerun, stops here. */
export function fannedOutName(batchId: string): string {
  return `batches/${batchId}.json`;
}

export function parquetName(table: string, day: string, runId: string): string {
  return `parquet/${table}/dt=${day}/${runId}.parquet`;
}

export function openRunName(runId: string): string {
  return `${OPEN_RUNS_PREFIX}${runId}.json`;
}
