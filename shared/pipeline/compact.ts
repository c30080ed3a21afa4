/**
 * Compaction: the records written since the last run become one Parquet file
 * per table, and each table gets one load job for the run (BigQuery allows
 * about 1,500 load jobs per table per day). A ledger object lists the records a
 * run took; a crash between the load and the ledger only means the next run
 * loads them again, and the tables' de-duplication keeps one row each.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LEDGER_PREFIX, RECORDS_PREFIX, ledgerName, parquetName } from './layout.ts';
import { ParquetFile } from './parquet.ts';
import { uriOf, type ObjectStore, type Warehouse } from './ports.ts';
import type { FileRecord } from './records.ts';
import { GIFS, KEY_FRAMES, gifsRow, keyFrameRows } from './tables.ts';

export interface CompactDeps {
  store: ObjectStore;
  warehouse: Warehouse;
  outputBucket: string;
  /** Upper bound on records per run, so one run stays within a function's timeout. */
  maxRecords?: number;
  tmpDir?: string;
  now?: () => Date;
}

export interface CompactResult {
  runId: string;
  records: number;
  rows: { gifs: number; key_frames: number };
  uris: string[];
}

export const DEFAULT_MAX_RECORDS_PER_RUN = 100_000;

export async function compact(deps: CompactDeps): Promise<CompactResult> {
  const { store, outputBucket } = deps;
  const now = deps.now?.() ?? new Date();
  const runId = `${now.toISOString().replace(/[-:.]/g, '').slice(0, 15)}-${randomUUID().slice(0, 8)}`;
  const done = await compactedRecords(store, outputBucket);

  const pending: string[] = [];
  for await (const object of store.list(outputBucket, RECORDS_PREFIX)) {
    if (!done.has(object.name) && object.name.endsWith('.json')) pending.push(object.name);
    if (pending.length >= (deps.maxRecords ?? DEFAULT_MAX_RECORDS_PER_RUN)) break;
  }
  if (pending.length === 0) return { runId, records: 0, rows: { gifs: 0, key_frames: 0 }, uris: [] };

  const workDir = join(deps.tmpDir ?? tmpdir(), `framesift-compact-${runId}`);
  await mkdir(workDir, { recursive: true });
  try {
    const gifs = await ParquetFile.create(GIFS, join(workDir, 'gifs.parquet'));
    const keyFrames = await ParquetFile.create(KEY_FRAMES, join(workDir, 'key_frames.parquet'));
    for (const name of pending) {
      const record = JSON.parse((await store.read({ bucket: outputBucket, name })).toString('utf8')) as FileRecord;
      await gifs.append(gifsRow(record));
      for (const row of keyFrameRows(record)) await keyFrames.append(row);
    }
    await gifs.close();
    await keyFrames.close();

    const day = now.toISOString().slice(0, 10);
    const uris: string[] = [];
    for (const [table, file] of [[GIFS, gifs], [KEY_FRAMES, keyFrames]] as const) {
      const ref = { bucket: outputBucket, name: parquetName(table.name, day, runId) };
      await store.writeIfAbsent(ref, await readFile(file.path), 'application/vnd.apache.parquet');
      uris.push(uriOf(ref));
      await deps.warehouse.load(table.name, [uriOf(ref)], { runId, labels: { framesift_run: runId.toLowerCase(), framesift_table: table.name } });
    }
    await store.writeIfAbsent({ bucket: outputBucket, name: ledgerName(runId) }, JSON.stringify({ runId, records: pending }), 'application/json');
    return { runId, records: pending.length, rows: { gifs: gifs.rows, key_frames: keyFrames.rows }, uris };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

async function compactedRecords(store: ObjectStore, bucket: string): Promise<Set<string>> {
  const names = new Set<string>();
  for await (const ledger of store.list(bucket, LEDGER_PREFIX)) {
    const { records } = JSON.parse((await store.read(ledger)).toString('utf8')) as { records: string[] };
    for (const name of records) names.add(name);
  }
  return names;
}
