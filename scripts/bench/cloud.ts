/**
 * The cost of a million files, by simulation: corpus files through the cloud
 * adapters (fan-out, extract, compaction) against the Pub/Sub emulator and
 * the Cloud Storage and BigQuery stand-ins, with a latency added to every
 * Cloud Storage request. Every request is counted by kind and priced from
 * cloud-prices.ts. Extraction runs in a child process pinned to one core, as
 * one 1-vCPU instance, at several request concurrencies; compaction drains a
 * synthetic backlog to measure its rate.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PubSub, v1, type Message } from '@google-cloud/pubsub';
import { Storage } from '@google-cloud/storage';
import { bigQueryClient } from '../../functions/backends/bigquery-client.ts';
import { BigQueryWarehouse } from '../../shared/adapters/gcp/bigquery-warehouse.ts';
import { GcsStore } from '../../shared/adapters/gcp/gcs-store.ts';
import { PubSubInboxSource, PubSubRecordInbox } from '../../shared/adapters/gcp/pubsub-inbox.ts';
import { PubSubPublisher } from '../../shared/adapters/gcp/pubsub-publisher.ts';
import { compact } from '../../shared/pipeline/compact.ts';
import { mapConcurrently } from '../../shared/pipeline/concurrently.ts';
import type { ExtractRequest } from '../../shared/pipeline/events.ts';
import { fanOut } from '../../shared/pipeline/fan-out.ts';
import { fileKeyOf, inboxRecordName } from '../../shared/pipeline/layout.ts';
import type { InboxItem, InboxSource, Publisher } from '../../shared/pipeline/ports.ts';
import type { FileRecord } from '../../shared/pipeline/records.ts';
import { DECODER_PROCESS_ENV } from '../../shared/runtime.ts';
import { BigQueryStandIn } from '../lib/bigquery-standin.ts';
import { GcsStandIn, type RecordedRequest } from '../lib/gcs-standin.ts';
import { startPubSubEmulator } from '../lib/pubsub-emulator.ts';
import { FANOUT_CONCURRENCY } from './cloud-cost.ts';
import { PINNED } from './processes.ts';

const exec = promisify(execFile);
const WORKER = fileURLToPath(new URL('./cloud-worker.ts', import.meta.url));
const PROJECT = 'framesift-bench';
/** Buckets of each extract instance's warm-up request, left out of the counts. */
const WARM_UP = 'warm-up';

export interface CloudBenchOptions {
  files: number;
  latencyMs: number;
  concurrencies: number[];
  /** Records in the synthetic backlog that compaction drains. */
  backlog: number;
}

export interface RequestCounts {
  classA: number;
  classB: number;
  deletes: number;
  writes: number;
}

export interface ExtractRun {
  concurrency: number;
  wallSeconds: number;
  cpuSeconds: number;
  peakRssMb: number;
  statuses: Record<string, number>;
}

export interface CloudBenchResult {
  files: number;
  sourceBytes: number;
  latencyMs: number;
  fanOut: { seconds: number; requests: RequestCounts; published: number; publishedBytes: number; invocations: number };
  /** Records travel on Pub/Sub: `recordBytes` is one record message, data and attributes. */
  extract: { requests: RequestCounts; runs: ExtractRun[]; packBytes: number; records: number; recordBytes: number };
  compaction: { seconds: number; requests: RequestCounts; loadJobs: number; parquetBytes: number };
  backlog: { records: number; seconds: number; cpuSeconds: number; requests: RequestCounts; loadJobs: number };
}

/** What Cloud Storage bills each request as: inserts and lists are class A, gets class B, deletes free. */
export function countRequests(requests: readonly RecordedRequest[]): RequestCounts {
  const counts = { classA: 0, classB: 0, deletes: 0, writes: 0 };
  for (const r of requests) {
    if (r.method === 'DELETE') counts.deletes++;
    else if (r.path.startsWith('/upload/')) {
      counts.classA++;
      if (r.method === 'POST' && r.uploadType !== 'resumable') counts.writes++;
    } else if (r.method === 'GET' && /\/o$/.test(r.path)) counts.classA++;
    else if (r.method === 'GET') counts.classB++;
  }
  return counts;
}

function countingPublisher(inner: Publisher): Publisher & { messages: number; bytes: number } {
  const counting = {
    messages: 0,
    bytes: 0,
    publish: async (data: Buffer, attributes: Record<string, string>) => {
      counting.messages++;
      counting.bytes += data.length + Object.entries(attributes).reduce((sum, [k, v]) => sum + k.length + v.length, 0);
      await inner.publish(data, attributes);
    },
    flush: () => inner.flush(),
  };
  return counting;
}

export async function benchCloud(corpus: string[], options: CloudBenchOptions): Promise<CloudBenchResult> {
  const emulator = await startPubSubEmulator();
  const gcs = await new GcsStandIn().start();
  const bq = await new BigQueryStandIn(gcs).start();
  const dir = mkdtempSync(join(tmpdir(), 'framesift-bench-cloud-'));
  const previousHost = process.env.PUBSUB_EMULATOR_HOST;
  process.env.PUBSUB_EMULATOR_HOST = emulator.host;
  const pubsub = new PubSub({ projectId: PROJECT });
  const store = new GcsStore(new Storage({ apiEndpoint: gcs.url, projectId: PROJECT }));
  const bigquery = bigQueryClient({ BIGQUERY_EMULATOR_HOST: bq.url, GOOGLE_CLOUD_PROJECT: PROJECT });
  const since = (mark: number) => countRequests(gcs.requests.slice(mark).filter((r) => !r.path.includes(`/b/${WARM_UP}`)));
  try {
    // The user's uploads: corpus files by turns, and a manifest describing them.
    const uploads = Array.from({ length: options.files }, (_, i) => {
      const file = corpus[i % corpus.length]!;
      const bytes = readFileSync(file);
      const name = `bench/${String(i).padStart(6, '0')}-${basename(file)}`;
      return { bucket: 'ingest', name, generation: gcs.put('ingest', name, bytes, 'image/gif').generation, size: bytes.length };
    });
    const manifestText = uploads.map((u) => `${basename(u.name, '.gif')}: file ${u.name}`).join('\n');
    const manifest = gcs.put('ingest', 'bench/manifest.txt', Buffer.from(manifestText), 'text/plain');
    const events = [...uploads, { bucket: 'ingest', name: 'bench/manifest.txt', generation: manifest.generation, size: manifestText.length }];
    const [topic] = await pubsub.createTopic('extract-requests');
    const [subscription] = await topic.createSubscription('extract-requests-pull', { ackDeadlineSeconds: 600 });
    const requests: ExtractRequest[] = [];
    subscription.on('message', (m: Message) => {
      requests.push(JSON.parse(m.data.toString('utf8')) as ExtractRequest);
      m.ack();
    });
    gcs.latencyMs = options.latencyMs;

    const publisher = countingPublisher(new PubSubPublisher(pubsub, 'extract-requests'));
    let mark = gcs.requests.length;
    let started = performance.now();
    // One fan-out instance, served events as Cloud Run gives them: the stack's concurrency at once.
    await mapConcurrently(events, FANOUT_CONCURRENCY, (event) => fanOut(event, { store, publisher, outputBucket: 'out' }));
    const fanOutResult = { seconds: (performance.now() - started) / 1000, requests: since(mark), published: publisher.messages, publishedBytes: publisher.bytes, invocations: events.length };
    while (requests.length < options.files) await new Promise((resolve) => setTimeout(resolve, 50));
    await subscription.close();
    const requestsFile = join(dir, 'requests.json');
    writeFileSync(requestsFile, JSON.stringify(requests));

    // Each run's records go to a topic of its own; the first run's are compacted and priced.
    const subscriber = new v1.SubscriberClient(pubsub.options as ConstructorParameters<typeof v1.SubscriberClient>[0]);
    const recordsOf = async (name: string) => {
      const [recordsTopic] = await pubsub.createTopic(name);
      await recordsTopic.createSubscription(`${name}-pull`, { ackDeadlineSeconds: 600 });
      return `projects/${PROJECT}/subscriptions/${name}-pull`;
    };
    const first = uploads[0]!;
    gcs.put(`${WARM_UP}-source`, first.name, gcs.object('ingest', first.name)!.data, 'image/gif');
    const runs: ExtractRun[] = [];
    let extractRequests: RequestCounts | undefined;
    let measuredRecords: string | undefined;
    for (const concurrency of options.concurrencies) {
      const records = await recordsOf(`records-c${concurrency}`);
      measuredRecords ??= records;
      mark = gcs.requests.length;
      const peers = { STORAGE_EMULATOR_HOST: gcs.url, PUBSUB_EMULATOR_HOST: emulator.host };
      runs.push({ concurrency, ...(await runInstance(['extract', `out-c${concurrency}`, requestsFile, String(concurrency), `records-c${concurrency}`, `${WARM_UP}-source`, `${WARM_UP}-c${concurrency}`], peers)) });
      extractRequests ??= since(mark);
    }
    const measured = `out-c${options.concurrencies[0]}`;
    const packBytes = [...(gcs.buckets.get(measured)?.entries() ?? [])].filter(([name]) => name.startsWith('packs/')).reduce((sum, [, o]) => sum + o.data.length, 0);
    const recordSource = capturing(new PubSubInboxSource(subscriber, measuredRecords!));

    const warehouse = new BigQueryWarehouse(bigquery, 'bench');
    await warehouse.ensureTables();
    mark = gcs.requests.length;
    let loads = bq.loadJobs.length;
    started = performance.now();
    await compact({ store, warehouse, outputBucket: 'out' });
    await compact({ store, warehouse, outputBucket: measured, sources: [recordSource] });
    const inboxRecords = recordSource.taken.map((item) => JSON.parse(item.body) as FileRecord);
    const recordBytes = recordSource.taken.reduce((sum, item) => sum + Buffer.byteLength(item.body) + 'name'.length + item.name.length, 0) / Math.max(1, recordSource.taken.length);
    const parquetBytes = ['out', measured].flatMap((b) => [...(gcs.buckets.get(b)?.entries() ?? [])]).filter(([name]) => name.startsWith('parquet/')).reduce((sum, [, o]) => sum + o.data.length, 0);
    const compaction = { seconds: (performance.now() - started) / 1000, requests: since(mark), loadJobs: bq.loadJobs.length - loads, parquetBytes };

    // A backlog: the run's records again under new files, published to the records topic (their publishes are extraction's, priced above).
    const backlogRecords = await recordsOf('records-backlog');
    const backlogInbox = new PubSubRecordInbox(pubsub, 'records-backlog');
    const publishes: Array<Promise<void>> = [];
    for (let i = 0; i < options.backlog; i++) {
      const template = inboxRecords[i % inboxRecords.length]!;
      const sourceUri = `gs://ingest/backlog/${i}.gif`;
      const record = { ...template, sourceUri, recordKey: `${sourceUri}@1/${template.selection}`, sourceGeneration: '1' };
      publishes.push(backlogInbox.put(inboxRecordName(template.selection!, fileKeyOf(sourceUri, '1')), JSON.stringify(record)));
    }
    await Promise.all(publishes);
    mark = gcs.requests.length;
    loads = bq.loadJobs.length;
    const drained = await runInstance(['compact', 'backlog', 'bench', backlogRecords], {
      STORAGE_EMULATOR_HOST: gcs.url,
      PUBSUB_EMULATOR_HOST: emulator.host,
      BIGQUERY_EMULATOR_HOST: bq.url,
      GOOGLE_CLOUD_PROJECT: PROJECT,
    });
    await subscriber.close();
    const backlog = { records: options.backlog, seconds: drained.wallSeconds, cpuSeconds: drained.cpuSeconds, requests: since(mark), loadJobs: bq.loadJobs.length - loads };

    return {
      files: options.files,
      sourceBytes: uploads.reduce((sum, u) => sum + u.size, 0),
      latencyMs: options.latencyMs,
      fanOut: fanOutResult,
      extract: { requests: extractRequests!, runs, packBytes, records: recordSource.taken.length, recordBytes },
      compaction,
      backlog,
    };
  } finally {
    await pubsub.close();
    if (previousHost === undefined) delete process.env.PUBSUB_EMULATOR_HOST;
    else process.env.PUBSUB_EMULATOR_HOST = previousHost;
    await bq.stop();
    await gcs.stop();
    await emulator.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A source that keeps what it hands out, so the bench can read the records compaction took. */
function capturing(source: InboxSource): InboxSource & { taken: InboxItem[] } {
  const taken: InboxItem[] = [];
  return {
    id: source.id,
    taken,
    async take(max) {
      const items = await source.take(max);
      taken.push(...items);
      return items;
    },
    settle: (ids) => source.settle(ids),
  };
}

async function runInstance(workerArgs: string[], peers: Record<string, string>): Promise<Omit<ExtractRun, 'concurrency'>> {
  const node = [process.execPath, '--import', 'tsx', WORKER, ...workerArgs];
  const [command, ...args] = PINNED ? ['/usr/bin/taskset', '-c', '0', ...node] : node;
  const env = { ...process.env, ...DECODER_PROCESS_ENV, ...peers, METADATA_SERVER_DETECTION: 'none' };
  const { stdout } = await exec(command!, args, { env, maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as Omit<ExtractRun, 'concurrency'>;
}
