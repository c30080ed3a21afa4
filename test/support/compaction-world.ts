/**
 * What the compaction kill tests start from: a bucket (a folder), a local
 * warehouse, three file records put where the test says, and what fan-out
 * leaves in the bucket's inbox for a manifest (a rejected line and a chunk of
 * entries). `state` counts raw and de-duplicated rows.
 */
import { join } from 'node:path';
import { DuckDbWarehouse } from '../../shared/adapters/local/duckdb-warehouse.ts';
import { FolderStore } from '../../shared/adapters/local/folder-store.ts';
import { inboxEntriesName, inboxRejectionName } from '../../shared/pipeline/layout.ts';
import type { RecordInbox } from '../../shared/pipeline/ports.ts';
import type { ManifestEntriesChunk } from '../../shared/pipeline/records.ts';
import { StoreRecordInbox } from '../../shared/pipeline/store-inbox.ts';
import { failedRecord, inboxNameOf } from './records.ts';
import { tempDir } from './tmp.ts';

/** Every row once: four records (three files, one rejected line), two entries describing two of the files. */
export const LOADED = { gifs: 4, distinctGifs: 4, entries: 2, described: 2 };

export async function compactionWorld(name: string, records?: RecordInbox) {
  const root = tempDir(`framesift-kill-${name}-`);
  const store = new FolderStore(root);
  const warehouse = new DuckDbWarehouse({ outputRoot: join(root, 'out'), databasePath: join(root, 'w.duckdb') });
  const inbox = records ?? new StoreRecordInbox(store, 'out');
  for (const id of ['a', 'b', 'c']) {
    const record = failedRecord(id);
    await inbox.put(inboxNameOf(record), JSON.stringify(record));
  }
  const rejected = { ...failedRecord('bad id'), recordKey: 'm-1#4', status: 'rejected', sourceUri: null, sourceGeneration: null, selection: null };
  await store.writeIfAbsent({ bucket: 'out', name: inboxRejectionName('m-1', 4) }, JSON.stringify(rejected), 'application/json');
  const chunk: ManifestEntriesChunk = {
    kind: 'manifest_entries',
    batchId: 'm-1',
    manifestUri: 'gs://ingest/manifest.txt',
    processedAt: '2026-01-01T00:00:00.000Z',
    entries: ['a', 'b'].map((id, i) => ({ line: i + 1, gifId: id, description: `described ${id}`, sourceUri: `gs://ingest/${id}.gif` })),
  };
  await store.writeIfAbsent({ bucket: 'out', name: inboxEntriesName('m-1', 0) }, JSON.stringify(chunk), 'application/json');
  const count = async (sql: string) => Number((await warehouse.query(sql))[0]!.n);
  const state = async () => {
    await warehouse.refresh();
    return {
      gifs: await count('SELECT count(*) AS n FROM gifs_all'),
      distinctGifs: await count('SELECT count(DISTINCT record_key) AS n FROM gifs_all'),
      entries: await count('SELECT count(*) AS n FROM manifest_entries_all'),
      described: await count('SELECT count(description) AS n FROM gifs'),
    };
  };
  /** What is left in the inbox and in open batches: nothing, once every row is loaded. */
  const left = async () => {
    const names = [];
    for await (const object of store.list('out', 'inbox/')) names.push(object.name);
    for await (const object of store.list('out', 'compaction/open/')) names.push(object.name);
    return names;
  };
  return { store, warehouse, state, left };
}
