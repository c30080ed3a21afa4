/**
 * Each deployed function loads only what it serves. The built archive is
 * started as Cloud Run starts it, with a module hook that records every npm
 * package Node resolves; the test reads the record once the server listens.
 */
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { functionSourceFiles } from '../../infra/source-archive.ts';
import { startDeployedFunction } from '../support/functions-server.ts';
import { tempDir } from '../support/tmp.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const dir = tempDir('framesift-lean-');
const app = join(dir, 'app');
const HOOK = `
import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  const match = /\\/node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(resolved.url);
  if (match) appendFileSync(process.env.LOAD_LOG, match[1] + '\\n');
  return resolved;
}`;

beforeAll(async () => {
  for (const file of await functionSourceFiles(ROOT)) {
    mkdirSync(dirname(join(app, file.path)), { recursive: true });
    writeFileSync(join(app, file.path), file.bytes);
  }
  // The repository's packages stand in for the installed ones; which of them load is the question.
  symlinkSync(join(ROOT, 'node_modules'), join(app, 'node_modules'));
  writeFileSync(join(dir, 'hook.mjs'), HOOK);
  writeFileSync(join(dir, 'register.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify(`file://${join(dir, 'hook.mjs')}`)});\n`);
});

async function packagesLoadedBy(target: string): Promise<Set<string>> {
  const log = join(dir, `${target}.log`);
  writeFileSync(log, '');
  const server = await startDeployedFunction(app, target, {
    NODE_OPTIONS: `--import ${join(dir, 'register.mjs')}`,
    LOAD_LOG: log,
    FRAMESIFT_OUTPUT_BUCKET: 'output',
    FRAMESIFT_TOPIC: 'requests',
    FRAMESIFT_DATASET: 'data',
    FRAMESIFT_DEAD_LETTER_SUBSCRIPTION: 'projects/p/subscriptions/dead-letters',
    FRAMESIFT_RECORDS_TOPIC: 'records',
    FRAMESIFT_RECORDS_SUBSCRIPTION: 'projects/p/subscriptions/records-compaction',
    GOOGLE_CLOUD_PROJECT: 'p',
  });
  // Serving means start-up is over: what it loaded is in the log, so the server can go.
  await server.stop();
  return new Set(readFileSync(log, 'utf8').split('\n').filter(Boolean));
}

describe('what each deployed function loads at start-up', () => {
  it('fanout: Cloud Storage and Pub/Sub, no decoder and no warehouse', async () => {
    const loaded = await packagesLoadedBy('fanout');
    expect(loaded).toContain('@google-cloud/storage');
    expect(loaded).toContain('@google-cloud/pubsub');
    for (const other of ['sharp', 'imghash', '@google-cloud/bigquery', 'parquetjs-lite', '@duckdb/node-api']) expect(loaded).not.toContain(other);
  });

  it('extract: Cloud Storage, the decoders and the records topic, no warehouse', async () => {
    const loaded = await packagesLoadedBy('extract');
    for (const used of ['@google-cloud/storage', 'sharp', '@google-cloud/pubsub']) expect(loaded).toContain(used);
    for (const other of ['@google-cloud/bigquery', 'parquetjs-lite', 'csv-parse', '@duckdb/node-api']) expect(loaded).not.toContain(other);
  });

  it('compact: Cloud Storage, BigQuery, Parquet and the subscriber for records and dead letters, no decoder', async () => {
    const loaded = await packagesLoadedBy('compact');
    for (const used of ['@google-cloud/storage', '@google-cloud/bigquery', '@google-cloud/pubsub', 'parquetjs-lite']) expect(loaded).toContain(used);
    for (const other of ['sharp', 'imghash', '@duckdb/node-api']) expect(loaded).not.toContain(other);
  });
});
