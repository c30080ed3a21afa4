import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FolderStore } from '../../shared/adapters/local/folder-store.ts';
import { LocalQueue } from '../../shared/adapters/local/local-queue.ts';
import { DuckDbWarehouse } from '../../shared/adapters/local/duckdb-warehouse.ts';
import { compact } from '../../shared/pipeline/compact.ts';
import { messagePublished, type ExtractRequest } from '../../shared/pipeline/events.ts';
import { extractRequest, extractStep } from '../../shared/pipeline/extract.ts';
import { fanOut } from '../../shared/pipeline/fan-out.ts';
import type { ObjectRef, ObjectStore } from '../../shared/pipeline/ports.ts';
import { corpusPath } from '../support/corpus.ts';
import { tempDir } from '../support/tmp.ts';
import { INBOX_FILE_RECORD } from '../../shared/pipeline/layout.ts';

const ROOT = resolve(import.meta.dirname, '../..');

/** A store that records every write and download, to check where the pipeline writes and what it reads. */
function recording(store: ObjectStore) {
  const writes: ObjectRef[] = [];
  const downloads: ObjectRef[] = [];
  const spy: ObjectStore = {
    stat: (ref) => store.stat(ref),
    read: (ref) => store.read(ref),
    createReadStream: (ref) => store.createReadStream(ref),
    download: (ref, path) => (downloads.push(ref), store.download(ref, path)),
    writeIfAbsent: (ref, data, type) => (writes.push(ref), store.writeIfAbsent(ref, data, type)),
    list: (bucket, prefix) => store.list(bucket, prefix),
    replace: (ref, data, type) => (writes.push(ref), store.replace(ref, data, type)),
    delete: (ref) => store.delete(ref),
  };
  return { spy, writes, downloads };
}

describe('security', () => {
  const dir = tempDir('framesift-security-');

  it('keeps no keys or secrets in the repository, and authenticates only with Application Default Credentials', () => {
    const files = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' }).trim().split('\n');
    const begin = '-----BEGIN';
    const secret = [
      new RegExp(`${begin} (RSA |EC |OPENSSH )?PRIVATE KEY-----`),
      new RegExp(`"private_${'key'}"\\s*:`),
      new RegExp(`"type"\\s*:\\s*"service_${'account'}"`),
      new RegExp(`AI${'za'}[0-9A-Za-z_-]{35}`),
      new RegExp(`AK${'IA'}[0-9A-Z]{16}`),
    ];
    const credentialOptions = /\b(keyFilename|keyFile|credentials)\s*:/;
    for (const file of files) {
      if (/\.(png|gif|zip|parquet|duckdb)$/.test(file)) continue;
      const text = readFileSync(join(ROOT, file), 'utf8');
      for (const pattern of secret) expect(pattern.test(text), `${file} matches ${pattern}`).toBe(false);
      if (/^(shared|functions|infra)\//.test(file)) expect(credentialOptions.test(text), `${file} passes explicit credentials`).toBe(false);
    }
  });

  it('never writes to the ingest bucket', async () => {
    const folders = new FolderStore(join(dir, 'buckets'));
    const { spy, writes } = recording(folders);
    const gif = await folders.upload(corpusPath('gifs/Zulko__moviepy__circle.gif'), { bucket: 'ingest', name: 'b/Zulko__moviepy__circle.gif' });
    writeFileSync(join(dir, 'm.txt'), 'Zulko__moviepy__circle: ok\n../up: traversal\n');
    const manifest = await folders.upload(join(dir, 'm.txt'), { bucket: 'ingest', name: 'b/manifest.txt' });
    const queue = new LocalQueue();
    for (const upload of [gif, manifest]) await fanOut(upload, { store: spy, publisher: queue, outputBucket: 'output' });
    await queue.drain(async (event) => void (await extractStep(event, { store: spy, outputBucket: 'output' })), { concurrency: 1, deadLetter: async () => undefined });
    const warehouse = new DuckDbWarehouse({ outputRoot: join(dir, 'buckets', 'output'), databasePath: join(dir, 'w.duckdb') });
    await compact({ store: spy, warehouse, outputBucket: 'output' });
    await warehouse.close();
    expect(writes.length).toBeGreaterThan(5);
    expect(writes.filter((w) => w.bucket !== 'output')).toEqual([]);
  });

  it('refuses a file over the size limit before downloading it', async () => {
    const folders = new FolderStore(join(dir, 'limit'));
    const source = await folders.upload(corpusPath('gifs/Zulko__moviepy__pigs_in_a_polka.gif'), { bucket: 'ingest', name: 'pigs.gif' });
    const { spy, downloads } = recording(folders);
    const request: ExtractRequest = { gifId: 'pigs', batchId: 'b', source: { bucket: 'ingest', name: 'pigs.gif' }, description: null, manifest: null };
    const result = await extractRequest(request, { store: spy, outputBucket: 'output', engine: { limits: { maxInputBytes: 1000 } } });
    expect(result).toMatchObject({ status: 'failed', errorCode: 'LIMIT_EXCEEDED' });
    expect(downloads).toEqual([]);
    expect(source.size).toBeGreaterThan(1000);
  });

  it('takes the content type from the bytes, not the name', async () => {
    const folders = new FolderStore(join(dir, 'sniff'));
    await folders.upload(corpusPath('gifs/Zulko__moviepy__circle.gif'), { bucket: 'ingest', name: 'looks-like.mp4' });
    writeFileSync(join(dir, 'page.html'), '<html><script>alert(1)</script></html>');
    await folders.upload(join(dir, 'page.html'), { bucket: 'ingest', name: 'looks-like.gif' });
    const run = (name: string) =>
      extractStep(messagePublished({ gifId: name, batchId: 'b', source: { bucket: 'ingest', name }, description: null, manifest: null }), { store: folders, outputBucket: 'output' });
    expect(await run('looks-like.mp4')).toMatchObject({ status: 'ok' });
    let record;
    for await (const inbox of folders.list('output', 'inbox/')) if (INBOX_FILE_RECORD.test(inbox.name)) record = JSON.parse((await folders.read(inbox)).toString());
    expect(record).toMatchObject({ gifId: 'looks-like.mp4', extraction: { media: { format: 'gif' } } });
    expect(await run('looks-like.gif')).toMatchObject({ status: 'failed', errorCode: 'UNSUPPORTED_FORMAT' });
  });

  it('never logs file contents or descriptions', async () => {
    const root = join(dir, 'logs');
    process.env.FRAMESIFT_BACKEND = 'local';
    process.env.FRAMESIFT_LOCAL_ROOT = root;
    await import('../../functions/index.ts');
    const [{ openPublisher }, { loadConfig }] = await Promise.all([import('../../functions/runtime.ts'), import('../../functions/config.ts')]);
    const { getFunction } = await import('@google-cloud/functions-framework/testing');
    // A CloudEvent function takes the event alone.
    const invoke = (name: string, event: unknown) => (getFunction(name) as unknown as (e: unknown) => Promise<void>)(event);
    const folders = new FolderStore(join(root, 'buckets'));
    const gif = await folders.upload(corpusPath('gifs/bumptech__glide__test.gif'), { bucket: 'ingest', name: 'x/bumptech__glide__test.gif' });
    writeFileSync(join(dir, 'secret.txt'), 'bumptech__glide__test: PRIVATE-DESCRIPTION-7f3a\n');
    const manifest = await folders.upload(join(dir, 'secret.txt'), { bucket: 'ingest', name: 'x/manifest.txt' });
    const lines: string[] = [];
    const capture = (...args: unknown[]) => void lines.push(args.map(String).join(' '));
    const [log, error] = [console.log, console.error];
    console.log = capture;
    console.error = capture;
    try {
      for (const upload of [manifest, gif]) await invoke('fanout', { id: `e-${upload.name}`, data: upload });
      const queue = (await openPublisher(loadConfig())) as LocalQueue;
      await queue.drain(async (event) => invoke('extract', { id: 'e2', data: event }), { concurrency: 1, deadLetter: async () => undefined });
    } finally {
      console.log = log;
      console.error = error;
    }
    expect(lines.length).toBeGreaterThanOrEqual(2);
    const all = lines.join('\n');
    expect(all).not.toContain('PRIVATE-DESCRIPTION-7f3a');
    expect(all).not.toContain('GIF89a');
    expect(all).not.toContain('GIF87a');
  });
});
