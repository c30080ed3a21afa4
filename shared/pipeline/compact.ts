/**
 * Compaction: what waits in the inbox becomes one Parquet file per table and
 * one load job per table, a batch at a time.
 *
 * - **Bounded.** A batch takes at most `batchSize` inbox objects, and a run
 *   starts no batch after its time budget: it ends inside its function's
 *   timeout, and the next tick goes on. Reads and deletes run in parallel.
 * - **Sharded.** The inbox has eight shards (layout.ts); a run takes the shards
 *   it is given, so eight instances can drain a backlog side by side.
 * - **Independent of history.** Loaded objects leave the inbox, so a run lists
 *   only what is pending, never what was loaded before.
 * - **Resumable.** Before its loads a batch writes its intent (its Parquet
 *   files and inbox names) under `compaction/open/<shard>/`. A run first finishes any
 *   open batch: loads under the same job ids, which BigQuery (and the local
 *   warehouse) run at most once, then the deletes. A run killed at any point
 *   therefore loads nothing twice and loses nothing.
 *
 * BigQuery allows about 1,500 load jobs per table per day: eight shards at a
 * ten-minute tick use 1,152, and each further 20,000-record batch one more.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mapConcurrently } from './concurrently.ts';
import { COMPACTION_SHARDS, inboxPrefix, openRunName, openRunsPrefix, parquetName } from './layout.ts';
import { ParquetFile } from './parquet.ts';
import { uriOf, type ObjectStore, type Warehouse } from './ports.ts';
import { isEntriesChunk, type FileRecord, type ManifestEntriesChunk } from './records.ts';
import { GIFS, KEY_FRAMES, MANIFEST_ENTRIES, entryRows, gifsRow, keyFrameRows, type TableDefinition } from './tables.ts';

export interface CompactDeps {
  store: ObjectStore;
  warehouse: Warehouse;
  outputBucket: string;
  /** Inbox objects per batch: one Parquet file and one load job per table each. */
  batchSize?: number;
  /** No batch starts after this many milliseconds of the run. */
  budgetMs?: number;
  /** Reads (and deletes) in flight at once. */
  concurrency?: number;
  /** The inbox shards this run compacts; all of them by default. */
  shards?: readonly string[];
  tmpDir?: string;
  now?: () => Date;
}

export type TableRows = Record<TableDefinition['name'], number>;

export interface CompactResult {
  /** One per batch loaded by this run, including batches it finished for a killed run. */
  runIds: string[];
  records: number;
  rows: TableRows;
  /** Open batches of an earlier, killed run that this run finished. */
  resumed: number;
  /** True when the run stopped at its budget with work left in the inbox. */
  more: boolean;
}

/** What a batch has committed to before its loads: enough for any later run to finish it. */
interface OpenBatch {
  shard: string;
  runId: string;
  loads: Array<{ table: TableDefinition['name']; uri: string }>;
  inbox: string[];
}

export const DEFAULT_BATCH_SIZE = 20_000;
export const DEFAULT_CONCURRENCY = 128;
const TABLES_LOADED = [GIFS, KEY_FRAMES, MANIFEST_ENTRIES] as const;

export async function compact(deps: CompactDeps): Promise<CompactResult> {
  const started = Date.now();
  const result: CompactResult = { runIds: [], records: 0, rows: { gifs: 0, key_frames: 0, manifest_entries: 0 }, resumed: 0, more: false };
  const batchSize = deps.batchSize ?? DEFAULT_BATCH_SIZE;
  for (const shard of deps.shards ?? COMPACTION_SHARDS) {
    for await (const open of deps.store.list(deps.outputBucket, openRunsPrefix(shard))) {
      const batch = JSON.parse((await deps.store.read(open)).toString('utf8')) as OpenBatch;
      await finishBatch(batch, deps);
      result.runIds.push(batch.runId);
      result.resumed++;
    }
    for (;;) {
      if (deps.budgetMs !== undefined && Date.now() - started >= deps.budgetMs) {
        result.more = true;
        return result;
      }
      const names = await pendingNames(deps, shard, batchSize);
      if (names.length === 0) break;
      const batch = await compactBatch(shard, names, deps);
      result.runIds.push(batch.runId);
      result.records += names.length;
      for (const [table, rows] of Object.entries(batch.rows) as Array<[TableDefinition['name'], number]>) result.rows[table] += rows;
      if (names.length < batchSize) break;
    }
  }
  return result;
}

async function pendingNames(deps: CompactDeps, shard: string, limit: number): Promise<string[]> {
  const names: string[] = [];
  for await (const object of deps.store.list(deps.outputBucket, inboxPrefix(shard))) {
    if (object.name.endsWith('.json')) names.push(object.name);
    if (names.length >= limit) break;
  }
  return names;
}

async function compactBatch(shard: string, names: string[], deps: CompactDeps): Promise<OpenBatch & { rows: TableRows }> {
  const { store, outputBucket } = deps;
  const now = deps.now?.() ?? new Date();
  const runId = `${now.toISOString().replace(/[-:.]/g, '').slice(0, 15)}-${shard}-${randomUUID().slice(0, 8)}`;
  const workDir = join(deps.tmpDir ?? tmpdir(), `framesift-compact-${runId}`);
  await mkdir(workDir, { recursive: true });
  try {
    const files = await Promise.all(TABLES_LOADED.map((table) => ParquetFile.create(table, join(workDir, `${table.name}.parquet`))));
    const [gifs, keyFrames, entries] = files as [ParquetFile, ParquetFile, ParquetFile];
    const items = await mapConcurrently(names, deps.concurrency ?? DEFAULT_CONCURRENCY, async (name) => (await store.read({ bucket: outputBucket, name })).toString('utf8'));
    // Appended in name order, so a batch's Parquet is the same whichever read finished first.
    for (const text of items) {
      const item = JSON.parse(text) as FileRecord | ManifestEntriesChunk;
      if (isEntriesChunk(item)) {
        for (const row of entryRows(item)) await entries.append(row);
        continue;
      }
      await gifs.append(gifsRow(item));
      for (const row of keyFrameRows(item)) await keyFrames.append(row);
    }
    await Promise.all(files.map((file) => file.close()));

    const day = now.toISOString().slice(0, 10);
    const loads: OpenBatch['loads'] = [];
    await Promise.all(
      TABLES_LOADED.map(async (table, i) => {
        if (files[i]!.rows === 0) return;
        const ref = { bucket: outputBucket, name: parquetName(table.name, day, runId) };
        await store.writeIfAbsent(ref, await readFile(files[i]!.path), 'application/vnd.apache.parquet');
        loads.push({ table: table.name, uri: uriOf(ref) });
      }),
    );
    const batch: OpenBatch = { shard, runId, loads: loads.sort((a, b) => a.table.localeCompare(b.table)), inbox: names };
    await store.writeIfAbsent({ bucket: outputBucket, name: openRunName(shard, runId) }, JSON.stringify(batch), 'application/json');
    await finishBatch(batch, deps);
    return { ...batch, rows: { gifs: gifs.rows, key_frames: keyFrames.rows, manifest_entries: entries.rows } };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/** Loads, then deletes from the inbox, then closes the batch: each step safe to repeat. */
async function finishBatch(batch: OpenBatch, deps: CompactDeps): Promise<void> {
  const { store, outputBucket } = deps;
  // The tables' loads wait side by side: a BigQuery load job takes seconds whatever its size.
  await Promise.all(
    batch.loads.map(({ table, uri }) => deps.warehouse.load(table, [uri], { runId: batch.runId, labels: { framesift_run: batch.runId.toLowerCase(), framesift_table: table } })),
  );
  await mapConcurrently(batch.inbox, deps.concurrency ?? DEFAULT_CONCURRENCY, (name) => store.delete({ bucket: outputBucket, name }));
  await store.delete({ bucket: outputBucket, name: openRunName(batch.shard, batch.runId) });
}
