/**
 * One contract per port, run against both implementations: local (folders,
 * in-process queue, DuckDB) and cloud (Cloud Storage and BigQuery clients
 * against their REST stand-ins, Pub/Sub against the real emulator).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Message } from '@google-cloud/pubsub';
import { Storage } from '@google-cloud/storage';
import { describe, expect, it } from 'vitest';
import { BigQueryWarehouse } from '../../../shared/adapters/gcp/bigquery-warehouse.ts';
import { GcsStore } from '../../../shared/adapters/gcp/gcs-store.ts';
import { PubSubPublisher } from '../../../shared/adapters/gcp/pubsub-publisher.ts';
import { DuckDbWarehouse } from '../../../shared/adapters/local/duckdb-warehouse.ts';
import { FolderStore } from '../../../shared/adapters/local/folder-store.ts';
import { LocalQueue } from '../../../shared/adapters/local/local-queue.ts';
import { compact } from '../../../shared/pipeline/compact.ts';
import type { ObjectStore, Publisher, Warehouse } from '../../../shared/pipeline/ports.ts';
import { useCloudPeers } from '../../support/cloud.ts';
import { failedRecord, inboxNameOf } from '../../support/records.ts';
import { tempDir } from '../../support/tmp.ts';

const peers = useCloudPeers();
const dir = tempDir('framesift-contracts-');
let bucketCount = 0;
const freshBucket = () => `contract-${++bucketCount}`;

const stores: Array<[string, () => ObjectStore]> = [
  ['FolderStore', () => new FolderStore(dir)],
  ['GcsStore (multipart uploads, pages of 2)', () => new GcsStore(peers.storage, { listPageSize: 2 })],
  ['GcsStore (resumable uploads)', () => new GcsStore(peers.storage, { resumableThresholdBytes: 0 })],
];

describe.each(stores)('ObjectStore contract: %s', (_, make) => {
  it('writes once; a second write of the name reports it exists and changes nothing', async () => {
    const store = make();
    const ref = { bucket: freshBucket(), name: 'records/a/1.json' };
    expect(await store.writeIfAbsent(ref, '{"first":true}', 'application/json')).toBe(true);
    const first = await store.stat(ref);
    expect(first).toMatchObject({ ...ref, size: 14 });
    expect(first!.generation).toMatch(/^\d+$/);
    expect(await store.writeIfAbsent(ref, '{"second":true}', 'application/json')).toBe(false);
    expect((await store.read(ref)).toString()).toBe('{"first":true}');
    expect(await store.stat(ref)).toEqual(first);
  });

  it('lets exactly one of several concurrent writers win', async () => {
    const store = make();
    const ref = { bucket: freshBucket(), name: 'race' };
    const wins = await Promise.all(Array.from({ length: 8 }, (_, i) => store.writeIfAbsent(ref, `w${i}`, 'text/plain')));
    expect(wins.filter(Boolean)).toHaveLength(1);
  });

  it('reads the same bytes three ways and says null for what is absent', async () => {
    const store = make();
    const bucket = freshBucket();
    const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => i % 251));
    await store.writeIfAbsent({ bucket, name: 'blob.bin' }, bytes, 'application/octet-stream');
    expect((await store.read({ bucket, name: 'blob.bin' })).equals(bytes)).toBe(true);
    const chunks: Buffer[] = [];
    for await (const chunk of store.createReadStream({ bucket, name: 'blob.bin' })) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).equals(bytes)).toBe(true);
    const local = join(dir, `download-${bucket}`);
    await store.download({ bucket, name: 'blob.bin' }, local);
    expect(readFileSync(local).equals(bytes)).toBe(true);
    expect(await store.stat({ bucket, name: 'missing' })).toBeNull();
  });

  it('lists every object under a prefix, in name order, across pages', async () => {
    const store = make();
    const bucket = freshBucket();
    for (const name of ['p/e', 'p/a', 'q/z', 'p/c/d', 'p/b', 'pa']) await store.writeIfAbsent({ bucket, name }, name, 'text/plain');
    const names: string[] = [];
    for await (const info of store.list(bucket, 'p/')) names.push(info.name);
    expect(names).toEqual(['p/a', 'p/b', 'p/c/d', 'p/e']);
  });
});

describe('Cloud Storage errors the adapter must read', () => {
  it('a lost multipart race is an ApiError with code 412; a lost resumable race a GaxiosError with status 412 and no code', async () => {
    const file = peers.storage.bucket(freshBucket()).file('x');
    await file.save('one', { resumable: false, preconditionOpts: { ifGenerationMatch: 0 } });
    const multipart = await file.save('two', { resumable: false, preconditionOpts: { ifGenerationMatch: 0 } }).catch((e: unknown) => e);
    const resumable = await file.save('two', { resumable: true, preconditionOpts: { ifGenerationMatch: 0 } }).catch((e: unknown) => e);
    expect(multipart).toMatchObject({ code: 412 });
    expect((resumable as { status?: number; response?: { status?: number } }).status ?? (resumable as { response: { status: number } }).response.status).toBe(412);
    expect(typeof (resumable as { code?: unknown }).code).not.toBe('number');
  });

  it('a 503 becomes a TransientError, so the queue retries', async () => {
    // The client retries a 503 itself (here twice, quickly); fail more often than that.
    const storage = new Storage({ apiEndpoint: peers.gcs.url, projectId: 'p', retryOptions: { maxRetries: 2, maxRetryDelay: 0.05, retryDelayMultiplier: 1 } });
    const store = new GcsStore(storage);
    const bucket = freshBucket();
    for (let i = 0; i < 3; i++) peers.gcs.failNext((r) => r.path.includes(`/b/${bucket}/o/`), 503);
    await expect(store.stat({ bucket, name: 'x' })).rejects.toMatchObject({ name: 'TransientError' });
  });
});

interface Received {
  gifId: string;
  batchId: string;
  body: string;
}

const publishers: Array<[string, () => Promise<{ publisher: Publisher; received: () => Promise<Received[]> }>]> = [
  [
    'LocalQueue',
    async () => {
      const queue = new LocalQueue();
      return {
        publisher: queue,
        received: async () => {
          const out: Received[] = [];
          await queue.drain(
            async (event) => void out.push({ ...(event.message.attributes as { gifId: string; batchId: string }), body: Buffer.from(event.message.data!, 'base64').toString() }),
            { concurrency: 4, deadLetter: async () => undefined },
          );
          return out;
        },
      };
    },
  ],
  [
    'PubSubPublisher (emulator)',
    async () => {
      const name = `contract-${Date.now()}-${Math.random().toString(36).slice(2)}`;
      const [topic] = await peers.pubsub.createTopic(name);
      const [subscription] = await topic.createSubscription(`${name}-sub`);
      const out: Received[] = [];
      subscription.on('message', (m: Message) => {
        out.push({ gifId: m.attributes.gifId!, batchId: m.attributes.batchId!, body: m.data.toString() });
        m.ack();
      });
      return {
        publisher: new PubSubPublisher(peers.pubsub, name, { maxOutstanding: 50 }),
        received: async () => {
          const deadline = Date.now() + 20_000;
          while (new Set(out.map((r) => r.gifId)).size < 300 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
          await subscription.close();
          return out;
        },
      };
    },
  ],
];

describe.each(publishers)('Publisher contract: %s', (_, make) => {
  it('delivers every message with its attributes after flush, in whatever order', async () => {
    const { publisher, received } = await make();
    for (let i = 0; i < 300; i++) await publisher.publish(Buffer.from(`body-${i}`), { gifId: `gif-${i}`, batchId: 'b1' });
    await publisher.flush();
    const messages = await received();
    const byId = new Map(messages.map((m) => [m.gifId, m]));
    expect(byId.size).toBe(300);
    for (let i = 0; i < 300; i++) expect(byId.get(`gif-${i}`)).toEqual({ gifId: `gif-${i}`, batchId: 'b1', body: `body-${i}` });
  });
});

const warehouses: Array<[string, () => Promise<{ store: ObjectStore; warehouse: Warehouse; bucket: string; query: (sql: string) => Promise<Array<Record<string, unknown>>>; close?: () => Promise<void> }>]> = [
  [
    'DuckDbWarehouse',
    async () => {
      const root = join(dir, `duck-${++bucketCount}`);
      const warehouse = new DuckDbWarehouse({ outputRoot: join(root, 'out'), databasePath: join(root, 'w.duckdb') });
      return { store: new FolderStore(root), warehouse, bucket: 'out', query: (sql) => warehouse.query(sql), close: () => warehouse.close() };
    },
  ],
  [
    'BigQueryWarehouse (REST stand-in)',
    async () => {
      const dataset = `contract_${++bucketCount}`;
      const warehouse = new BigQueryWarehouse(peers.bigquery, dataset);
      await warehouse.ensureTables();
      return { store: new GcsStore(peers.storage), warehouse, bucket: freshBucket(), query: (sql) => warehouse.query(sql.replaceAll('FROM ', `FROM ${dataset}.`)) };
    },
  ],
];

describe.each(warehouses)('Warehouse contract: %s', (_, make) => {
  it('loads each run once per table and shows one row per key, however often a record is loaded', async () => {
    const { store, warehouse, bucket, query, close } = await make();
    for (const id of ['a', 'b']) {
      const record = failedRecord(id, '2026-01-01T00:00:00.000Z');
      await store.writeIfAbsent({ bucket, name: inboxNameOf(record) }, JSON.stringify(record), 'application/json');
    }
    const first = await compact({ store, warehouse, outputBucket: bucket });
    expect(first.rows.gifs).toBe(2);
    // A record written again after it was loaded (a redelivery that began before the first finished): it loads again.
    const again = failedRecord('a', '2026-01-02T00:00:00.000Z');
    await store.writeIfAbsent({ bucket, name: inboxNameOf(again) }, JSON.stringify(again), 'application/json');
    const second = await compact({ store, warehouse, outputBucket: bucket });
    expect(second.rows.gifs).toBe(1);
    expect(await query('SELECT count(*) AS n FROM gifs_all')).toEqual([{ n: 3 }]);
    const rows = await query('SELECT gif_id, status, error_code FROM gifs ORDER BY gif_id');
    expect(rows).toEqual([
      { gif_id: 'a', status: 'failed', error_code: 'CORRUPT_INPUT' },
      { gif_id: 'b', status: 'failed', error_code: 'CORRUPT_INPUT' },
    ]);
    await close?.();
  });
});
