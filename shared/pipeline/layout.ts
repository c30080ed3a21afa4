/**
 * Where every output lives in the output bucket.
 *
 * - `packs/<selection>/<file key>.tar`: one object per file and selection, its
 *   key frames as PNG members and its record last. It is written once and marks
 *   the file as done, so a redelivered request stops at one stat.
 * - `inbox/<shard>/…`: what compaction has still to load. Extraction and
 *   fan-out add to it, compaction deletes what it loaded, so a run lists only
 *   pending work, whatever the history. Its eight shards are compacted by
 *   runs side by side.
 * - `batches/<batch>.json`: a manifest whose fan-out finished.
 * - `compaction/open/<shard>/<run>.json`: a run's intent, written before its
 *   loads and deleted once its items left the inbox, so a killed run is
 *   finished, not repeated.
 * - `compaction/loaded/<run>.json`: items of a finished run that their source
 *   could not remove (a subscription redelivers what a killed run pulled);
 *   they are dropped when they come back, until Pub/Sub's retention has
 *   passed.
 * - `parquet/<table>/dt=<day>/<run>.parquet`: what each run loaded.
 */
import { createHash } from 'node:crypto';

/**
 * Compaction runs one instance per shard, each with its own load jobs. Eight
 * shards at the default ten-minute schedule make 8 × 144 = 1,152 load jobs per
 * table a day, inside BigQuery's 1,500, and eight instances side by side.
 */
export const COMPACTION_SHARDS = Object.freeze(['0', '1', '2', '3', '4', '5', '6', '7']);

/** A shard from the first hex digit of a hash: files spread evenly, and a name always lands in the same one. */
export function shardOf(hexKey: string): string {
  return String(parseInt(hexKey[0]!, 16) % COMPACTION_SHARDS.length);
}

function shardOfName(name: string): string {
  return shardOf(createHash('sha256').update(name).digest('hex'));
}

export function inboxPrefix(shard: string): string {
  return `inbox/${shard}/`;
}

/** Every inbox object that is a file's record, whatever its shard. */
export const INBOX_FILE_RECORD = /^inbox\/\d+\/files\//;

export const OPEN_RUNS_PREFIX = 'compaction/open/';

export const LOADED_RUNS_PREFIX = 'compaction/loaded/';

/** 80 bits of SHA-256 over a file's URI and generation: collisions stay below 1e-12 at a billion files. */
export function fileKeyOf(sourceUri: string, generation: string): string {
  return createHash('sha256').update(`${sourceUri}#${generation}`).digest('hex').slice(0, 20);
}

export function packName(selection: string, fileKey: string): string {
  return `packs/${selection}/${fileKey}.tar`;
}

export function inboxRecordName(selection: string, fileKey: string): string {
  return `${inboxPrefix(shardOf(fileKey))}files/${selection}/${fileKey}.json`;
}

/** A rejected manifest line has no trustworthy id: it is named by its batch and line. */
export function inboxRejectionName(batchId: string, line: number): string {
  return `${inboxPrefix(shardOfName(`${batchId}#${line}`))}rejected/${batchId}/${line}.json`;
}

/** A manifest's entries, a chunk at a time: ids and descriptions that the views join to the files. */
export function inboxEntriesName(batchId: string, chunk: number): string {
  return `${inboxPrefix(shardOfName(`${batchId}/${chunk}`))}entries/${batchId}/${String(chunk).padStart(6, '0')}.json`;
}

/** Written when a manifest's fan-out is complete: its redelivered upload event, or a rerun, stops here. */
export function fannedOutName(batchId: string): string {
  return `batches/${batchId}.json`;
}

export function parquetName(table: string, day: string, runId: string): string {
  return `parquet/${table}/dt=${day}/${runId}.parquet`;
}

export function openRunName(shard: string, runId: string): string {
  return `${OPEN_RUNS_PREFIX}${shard}/${runId}.json`;
}

export function loadedRunName(runId: string): string {
  return `${LOADED_RUNS_PREFIX}${runId}.json`;
}
