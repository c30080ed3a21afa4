import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbWarehouse } from '../../shared/adapters/local/duckdb-warehouse.ts';
import { FolderStore } from '../../shared/adapters/local/folder-store.ts';
import type { LocalQueue } from '../../shared/adapters/local/local-queue.ts';
import { corpusPath } from '../support/corpus.ts';
import { PUBSUB_PUBLISHED, STORAGE_FINALIZED, listen, postCloudEvent } from '../support/cloudevents.ts';
import { tempDir } from '../support/tmp.ts';

const root = tempDir('framesift-functions-');
process.env.FRAMESIFT_BACKEND = 'local';
process.env.FRAMESIFT_LOCAL_ROOT = root;

describe('the three functions behind functions-framework servers (local backend)', () => {
  const servers: Record<string, { url: string; close: () => Promise<void> }> = {};
  const store = new FolderStore(join(root, 'buckets'));
  let queue: LocalQueue;
  let uploads: Array<{ name: string; generation: string; size: number }>;

  const finalized = (object: { name: string; generation: string; size: number }, id: string) =>
    postCloudEvent(servers.fanout!.url, {
      id,
      type: STORAGE_FINALIZED,
      source: '//storage.googleapis.com/projects/_/buckets/ingest',
      subject: `objects/${object.name}`,
      data: { bucket: 'ingest', name: object.name, generation: object.generation, size: String(object.size) },
    });

  /** Plays Pub/Sub push: each queued message goes to the extract server; a non-2xx answer is a nack. */
  const push = () =>
    queue.drain(
      async (event) => {
        const response = await postCloudEvent(servers.extract!.url, { id: event.message.messageId!, type: PUBSUB_PUBLISHED, source: '//pubsub.googleapis.com/projects/p/topics/extract-requests', data: event });
        if (!response.ok) throw new Error(`extract answered ${response.status}`);
      },
      { concurrency: 2, deadLetter: async () => expect.fail('nothing should be dead-lettered') },
    );

  beforeAll(async () => {
    await import('../../functions/fanout/index.ts');
    await import('../../functions/extract/index.ts');
    await import('../../functions/compact/index.ts');
    const { getTestServer } = await import('@google-cloud/functions-framework/testing');
    for (const name of ['fanout', 'extract', 'compact']) servers[name] = await listen(getTestServer(name));
    const [{ openPublisher }, { loadConfig }] = await Promise.all([import('../../functions/runtime.ts'), import('../../functions/config.ts')]);
    queue = (await openPublisher(loadConfig())) as LocalQueue;

    uploads = [];
    for (const file of ['Zulko__moviepy__circle.gif', 'bumptech__glide__test.gif']) uploads.push(await store.upload(corpusPath('gifs', file), { bucket: 'ingest', name: `drop/${file}` }));
    const text = join(root, 'manifest.txt');
    writeFileSync(text, 'Zulko__moviepy__circle: a circle\nbumptech__glide__test: a test\n../escape: nope\n');
    uploads.push(await store.upload(text, { bucket: 'ingest', name: 'drop/manifest.txt' }));
  });
  afterAll(async () => {
    await Promise.all(Object.values(servers).map((s) => s.close()));
  });

  it('runs fan-out, extract and compact from CloudEvents to rows', async () => {
    for (const upload of uploads) expect((await finalized(upload, `event-${upload.name}`)).status).toBe(204);
    expect(queue.size).toBe(2);
    await push();
    expect((await postCloudEvent(servers.compact!.url, { id: 'tick-1', type: PUBSUB_PUBLISHED, source: '//cloudscheduler', data: { message: { data: '' } } })).status).toBe(204);

    const warehouse = new DuckDbWarehouse({ outputRoot: join(root, 'buckets', 'output'), databasePath: join(root, 'check.duckdb') });
    await warehouse.refresh();
    expect(await warehouse.query('SELECT status, count(*) AS n, count(description) AS described FROM gifs GROUP BY status ORDER BY status')).toEqual([
      { status: 'ok', n: 2, described: 2 },
      { status: 'rejected', n: 1, described: 0 },
    ]);
    await warehouse.close();
  });

  it('changes nothing when the same storage events are delivered again', async () => {
    for (const upload of uploads) expect((await finalized(upload, `event-${upload.name}`)).status).toBe(204);
    await push();
    const pending: string[] = [];
    for await (const object of store.list('output', 'inbox/')) pending.push(object.name);
    expect(pending).toEqual([]);
    await postCloudEvent(servers.compact!.url, { id: 'tick-2', type: PUBSUB_PUBLISHED, source: '//cloudscheduler', data: { message: { data: '' } } });
    const warehouse = new DuckDbWarehouse({ outputRoot: join(root, 'buckets', 'output'), databasePath: join(root, 'check-2.duckdb') });
    await warehouse.refresh();
    expect(await warehouse.query('SELECT count(*) AS n FROM gifs_all')).toEqual([{ n: 3 }]);
    await warehouse.close();
  });

  it('acknowledges a malformed message instead of retrying it forever', async () => {
    const response = await postCloudEvent(servers.extract!.url, { id: 'bad', type: PUBSUB_PUBLISHED, source: '//pubsub', data: { message: { data: 'bm90IGpzb24=' } } });
    expect(response.status).toBe(204);
  });
});
