/**
 * Compaction: what waits in the inbox becomes one Parquet file per table and
 * one load job per table, a batch at a time.
 *
 * - **Sources.** Records come from the bucket's eight inbox shards (fan-out's
 *   manifest entries and rejected lines, and locally every record) and, in
 *   the cloud, from the records subscription that extraction publishes to.
 *   A run takes the shards it is given, each batch topped up from the
 *   subscription, so eight instances drain a backlog side by side.
 * - **Bounded.** A batch takes at most `batchSize` items, and a run starts no
 *   batch after its time budget: it ends inside its function's timeout, and
 *   the next tick goes on.
 * - **Independent of history.** Loaded items leave their source, so a run
 *   takes only what is pending, never what was loaded before.
 * - **Resumable.** Before its loads a batch writes its intent (its Parquet
 *   files and item ids) under `compaction/open/<shard>/`. A run first
 *   finishes any open batch: loads under the same job ids, which BigQuery
 *   (and the local warehouse) run at most once, then removes its items. What
 *   a source cannot remove (a subscription acknowledges only what this
 *   process pulled) is kept under `compaction/loaded/`, and dropped when the
 *   subscription redelivers it. A run killed at any point therefore loads
 *   nothing twice and loses nothing.
 *
 * BigQuery allows about 1,500 load jobs per table per day: eight shards at a
 * ten-minute tick use 1,152, and each further 20,000-record batch one more.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMPACTION_SHARDS, LOADED_RUNS_PREFIX, OPEN_RUNS_PREFIX, loadedRunName, openRunName, parquetName } from './layout.ts';
import { ParquetFile } from './parquet.ts';
import { uriOf, type InboxItem, type InboxSource, type ObjectStore, type Warehouse } from './ports.ts';
import { isEntriesChunk, type FileRecord, type ManifestEntriesChunk } from './records.ts';
import { MergedSource } from './merged-source.ts';
import { StoreInboxShard } from './store-inbox.ts';
import { GIFS, KEY_FRAMES, MANIFEST_ENTRIES, entryRows, gifsRow, keyFrameRows, type TableDefinition } from './tables.ts';

export interface CompactDeps {
  store: ObjectStore;
  warehouse: Warehouse;
  outputBucket: string;
  /** Items per batch: one Parquet file and one load job per table each. */
  batchSize?: number;
  /** No batch starts after this many milliseconds of the run. */
  budgetMs?: number;
  /** Reads (and deletes) of inbox objects in flight at once. */
  concurrency?: number;
  /** The inbox shards this run compacts; all of them by default. */
  shards?: readonly string[];
  /** Sources each shard's batches take from after the shard itself: the records subscription in the cloud. */
  sources?: readonly InboxSource[];
  /**
   * An open batch younger than this may belong to a run still going (eight
   * instances share the records subscription), so it is left to that run.
   * Zero where one run at a time is all there is.
   */
  openBatchAgeMs?: number;
  /** How long a source may redeliver what a killed run took: loaded marks older than this are deleted. */
  redeliveryWindowMs?: number;
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
  /** Items taken again that a run had already loaded or holds in an open batch: not loaded by this run. */
  redelivered: number;
  /** True when the run stopped at its budget with work left in the inbox. */
  more: boolean;
}

/** What a batch has committed to before its loads: enough for any later run to finish it. */
interface OpenBatch {
  source: string;
  runId: string;
  openedAt: string;
  loads: Array<{ table: TableDefinition['name']; uri: string }>;
  /** The ids of its items in its source. */
  inbox: string[];
}

/** Items a finished batch could not remove from its source. */
interface LoadedMark {
  runId: string;
  loadedAt: string;
  ids: string[];
}

export const DEFAULT_BATCH_SIZE = 20_000;
export const DEFAULT_CONCURRENCY = 128;
/** Pub/Sub's longest message retention, seven days: nothing older can come back. */
export const DEFAULT_REDELIVERY_WINDOW_MS = 7 * 24 * 3600 * 1000;
const TABLES_LOADED = [GIFS, KEY_FRAMES, MANIFEST_ENTRIES] as const;
const nowOf = (deps: CompactDeps): Date => deps.now?.() ?? new Date();

export async function compact(deps: CompactDeps): Promise<CompactResult> {
  const started = Date.now();
  const result: CompactResult = { runIds: [], records: 0, rows: { gifs: 0, key_frames: 0, manifest_entries: 0 }, resumed: 0, redelivered: 0, more: false };
  const batchSize = deps.batchSize ?? DEFAULT_BATCH_SIZE;
  const concurrency = deps.concurrency ?? DEFAULT_CONCURRENCY;
  const sourceOf = (shard: string) => new MergedSource(shard, [new StoreInboxShard(deps.store, deps.outputBucket, shard, concurrency), ...(deps.sources ?? [])]);

  // Any run finishes any killed batch, whatever its shard: its records may come back to this run from the subscription.
  for (const batch of await openBatches(deps)) {
    if (nowOf(deps).getTime() - Date.parse(batch.openedAt) < (deps.openBatchAgeMs ?? 0)) continue;
    await finishBatch(batch, sourceOf(batch.source), deps);
    result.runIds.push(batch.runId);
    result.resumed++;
  }
  for (const source of (deps.shards ?? COMPACTION_SHARDS).map(sourceOf)) {
    for (;;) {
      if (deps.budgetMs !== undefined && Date.now() - started >= deps.budgetMs) {
        result.more = true;
        return result;
      }
      const taken = await source.take(batchSize);
      if (taken.length === 0) break;
      const { loaded, open } = await claimedIds(deps);
      const again = taken.filter((item) => loaded.has(item.id));
      if (again.length > 0) await source.settle(again.map((item) => item.id));
      // An item in another run's open batch came back while that batch waits to be finished: left for it.
      const items = taken.filter((item) => !loaded.has(item.id) && !open.has(item.id));
      result.redelivered += taken.length - items.length;
      if (items.length > 0) {
        const batch = await compactBatch(source, items, deps);
        result.runIds.push(batch.runId);
        result.records += items.length;
        for (const [table, rows] of Object.entries(batch.rows) as Array<[TableDefinition['name'], number]>) result.rows[table] += rows;
      }
      if (taken.length < batchSize) break;
    }
  }
  return result;
}

async function openBatches(deps: CompactDeps): Promise<OpenBatch[]> {
  const batches: OpenBatch[] = [];
  for await (const open of deps.store.list(deps.outputBucket, OPEN_RUNS_PREFIX)) batches.push(JSON.parse((await deps.store.read(open)).toString('utf8')) as OpenBatch);
  return batches;
}

/**
 * Ids that runs have committed to: in open batches, and in loaded marks
 * (finished, but not removed from their source). Read before each batch, so an
 * item redelivered at any moment is never loaded twice. Open batches are read
 * first: a batch being finished writes its mark before it closes, so an id
 * moving from one to the other is seen in at least one. Marks past the
 * redelivery window are deleted.
 */
async function claimedIds(deps: CompactDeps): Promise<{ loaded: Set<string>; open: Set<string> }> {
  const open = new Set((await openBatches(deps)).flatMap((batch) => batch.inbox));
  const loaded = new Set<string>();
  const now = nowOf(deps);
  for await (const object of deps.store.list(deps.outputBucket, LOADED_RUNS_PREFIX)) {
    const mark = JSON.parse((await deps.store.read(object)).toString('utf8')) as LoadedMark;
    if (now.getTime() - Date.parse(mark.loadedAt) > (deps.redeliveryWindowMs ?? DEFAULT_REDELIVERY_WINDOW_MS)) await deps.store.delete(object);
    else for (const id of mark.ids) loaded.add(id);
  }
  return { loaded, open };
}

async function compactBatch(source: InboxSource, taken: InboxItem[], deps: CompactDeps): Promise<OpenBatch & { rows: TableRows }> {
  const { store, outputBucket } = deps;
  const now = nowOf(deps);
  const runId = `${now.toISOString().replace(/[-:.]/g, '').slice(0, 15)}-${source.id}-${randomUUID().slice(0, 8)}`;
  const workDir = join(deps.tmpDir ?? tmpdir(), `framesift-compact-${runId}`);
  await mkdir(workDir, { recursive: true });
  try {
    const files = await Promise.all(TABLES_LOADED.map((table) => ParquetFile.create(table, join(workDir, `${table.name}.parquet`))));
    const [gifs, keyFrames, entries] = files as [ParquetFile, ParquetFile, ParquetFile];
    // Appended in name order, so a batch's Parquet is the same whichever item arrived first.
    const items = [...taken].sort((a, b) => (a.name === b.name ? a.id.localeCompare(b.id) : a.name < b.name ? -1 : 1));
    for (const { body } of items) {
      const item = JSON.parse(body) as FileRecord | ManifestEntriesChunk;
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
    const batch: OpenBatch = { source: source.id, runId, openedAt: now.toISOString(), loads: loads.sort((a, b) => a.table.localeCompare(b.table)), inbox: items.map((item) => item.id) };
    await store.writeIfAbsent({ bucket: outputBucket, name: openRunName(source.id, runId) }, JSON.stringify(batch), 'application/json');
    await finishBatch(batch, source, deps);
    return { ...batch, rows: { gifs: gifs.rows, key_frames: keyFrames.rows, manifest_entries: entries.rows } };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/** Loads, then removes the items from their source, then closes the batch: each step safe to repeat. Returns the ids kept as loaded. */
async function finishBatch(batch: OpenBatch, source: InboxSource, deps: CompactDeps): Promise<string[]> {
  const { store, outputBucket } = deps;
  // The tables' loads wait side by side: a BigQuery load job takes seconds whatever its size.
  await Promise.all(
    batch.loads.map(({ table, uri }) => deps.warehouse.load(table, [uri], { runId: batch.runId, labels: { framesift_run: batch.runId.toLowerCase(), framesift_table: table } })),
  );
  const kept = await source.settle(batch.inbox);
  if (kept.length > 0) {
    const mark: LoadedMark = { runId: batch.runId, loadedAt: nowOf(deps).toISOString(), ids: kept };
    await store.writeIfAbsent({ bucket: outputBucket, name: loadedRunName(batch.runId) }, JSON.stringify(mark), 'application/json');
  }
  await store.delete({ bucket: outputBucket, name: openRunName(source.id, batch.runId) });
  return kept;
}
