/**
 * Cold starts: for each function, the time from process start to its first
 * event answered, and its RSS once it serves and after that event. A variant
 * is one way of running the functions:
 * - `built`: the archive's JavaScript (what `pulumi up` deploys), served by
 *   functions-framework as Cloud Run serves it;
 * - `source`: the TypeScript tree through tsx, as the functions ran before they
 *   were built;
 * - `ref:<git ref>` (with `--before REF`): that commit's tree through tsx,
 *   every function loaded by its `functions/index.ts`, as it was deployed then.
 * Caches start empty: tsx's is disabled, and NODE_COMPILE_CACHE points at an
 * empty folder (Node 20 has no compile cache; Node 22 would use it).
 * The peers are the REST stand-ins and the Pub/Sub emulator, on loopback.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { BigQuery } from '@google-cloud/bigquery';
import { PubSub } from '@google-cloud/pubsub';
import { bigQueryClient } from '../../functions/backends/bigquery-client.ts';
import { functionSourceFiles } from '../../infra/source-archive.ts';
import { BigQueryWarehouse } from '../../shared/adapters/gcp/bigquery-warehouse.ts';
import { messagePublished, pushEnvelope } from '../../shared/pipeline/events.ts';
import { requestRecord } from '../../shared/pipeline/records.ts';
import { fileKeyOf, inboxRecordName } from '../../shared/pipeline/layout.ts';
import { uriOf } from '../../shared/pipeline/ports.ts';
import { DECODER_PROCESS_ENV } from '../../shared/runtime.ts';
import { BigQueryStandIn } from '../lib/bigquery-standin.ts';
import { GcsStandIn } from '../lib/gcs-standin.ts';
import { freePort, startPubSubEmulator } from '../lib/pubsub-emulator.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const CORPUS_GIF = resolve(ROOT, '../shared/corpus/gifs/Zulko__moviepy__circle.gif');
const FRAMEWORK_CLI = join(dirname(createRequire(import.meta.url).resolve('@google-cloud/functions-framework')), 'main.js');
const PROJECT = 'framesift-bench';
const TARGETS = ['fanout', 'extract', 'compact'] as const;
type Target = (typeof TARGETS)[number];
/** A process that has not answered by then counts as failed. */
const READY_TIMEOUT_MS = 60_000;

export interface ColdStart {
  variant: string;
  target: Target;
  /** Process start to the port accepting connections. */
  listeningMs: number;
  /** Process start to the first event's answer. */
  readyMs: number;
  servingRssMb: number;
  afterEventRssMb: number;
  status: number;
}

interface Variant {
  name: string;
  /** The command that serves `target`, run in `cwd`. */
  command(target: Target, port: number): { args: string[]; cwd: string };
}

/** Each figure is the median of this many cold starts. */
const REPEATS = 3;

export async function benchColdStarts(options: { before?: string; repeats?: number } = {}): Promise<ColdStart[]> {
  const work = mkdtempSync(join(tmpdir(), 'framesift-bench-coldstart-'));
  const emulator = await startPubSubEmulator();
  const gcs = await new GcsStandIn().start();
  const bq = await new BigQueryStandIn(gcs).start();
  try {
    const variants = [builtVariant(await functionSourceFiles(ROOT)), sourceVariant('source', ROOT, (t) => `functions/${t}/index.ts`)];
    if (options.before) variants.push(sourceVariant(`ref:${options.before}`, checkout(options.before, work), () => 'functions/index.ts'));
    process.env.PUBSUB_EMULATOR_HOST = emulator.host;
    const pubsub = new PubSub({ projectId: PROJECT });
    const bigquery = bigQueryClient({ BIGQUERY_EMULATOR_HOST: bq.url, GOOGLE_CLOUD_PROJECT: PROJECT });
    const results: ColdStart[] = [];
    let run = 0;
    for (const variant of variants) {
      for (const target of TARGETS) {
        const starts: ColdStart[] = [];
        for (let repeat = 0; repeat < (options.repeats ?? REPEATS); repeat++) {
          const env = await prepare(target, ++run, { gcs, pubsub, bigquery });
          starts.push(await measure(variant, target, run, { ...env, STORAGE_EMULATOR_HOST: gcs.url, PUBSUB_EMULATOR_HOST: emulator.host, BIGQUERY_EMULATOR_HOST: bq.url }));
        }
        results.push(medianOf(starts));
      }
    }
    await pubsub.close();
    return results;
  } finally {
    await bq.stop();
    await gcs.stop();
    await emulator.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

function medianOf(starts: ColdStart[]): ColdStart {
  const median = (pick: (s: ColdStart) => number) => starts.map(pick).sort((a, b) => a - b)[Math.floor(starts.length / 2)]!;
  return {
    ...starts[0]!,
    listeningMs: median((s) => s.listeningMs),
    readyMs: median((s) => s.readyMs),
    servingRssMb: median((s) => s.servingRssMb),
    afterEventRssMb: median((s) => s.afterEventRssMb),
  };
}

function builtVariant(files: Array<{ path: string; bytes: Buffer }>): Variant {
  // Inside the repository's tree, so the packages resolve from its node_modules as they would from the installed archive's.
  const dir = join(ROOT, 'dist', 'coldstart');
  rmSync(dir, { recursive: true, force: true });
  for (const file of files) {
    mkdirSync(dirname(join(dir, file.path)), { recursive: true });
    writeFileSync(join(dir, file.path), file.bytes);
  }
  return { name: 'built', command: (_target, port) => ({ args: [FRAMEWORK_CLI, `--port=${port}`], cwd: dir }) };
}

function sourceVariant(name: string, root: string, source: (target: Target) => string): Variant {
  return {
    name,
    command: (target, port) => ({ args: ['--import', 'tsx', FRAMEWORK_CLI, `--target=${target}`, '--signature-type=cloudevent', `--source=${source(target)}`, `--port=${port}`], cwd: root }),
  };
}

/** A commit's tree, beside this one's packages. */
function checkout(ref: string, work: string): string {
  const dir = join(work, 'before');
  mkdirSync(dir);
  const archive = spawnSync('git', ['archive', ref], { cwd: ROOT, maxBuffer: 256 * 1024 * 1024 });
  if (archive.status !== 0) throw new Error(`git archive ${ref} failed: ${archive.stderr}`);
  spawnSync('tar', ['-x', '-C', dir], { input: archive.stdout });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

/** The peers' state each function's first event needs, and the variables it runs with. */
async function prepare(target: Target, run: number, peers: { gcs: GcsStandIn; pubsub: PubSub; bigquery: BigQuery }): Promise<Record<string, string>> {
  const topic = `requests-${run}`;
  await peers.pubsub.createTopic(topic);
  const output = `output-${run}`;
  peers.gcs.put('ingest', `bench/${run}.gif`, readFileSync(CORPUS_GIF), 'image/gif');
  if (target === 'compact') {
    const request = { gifId: 'a', batchId: 'b', source: { bucket: 'ingest', name: 'a.gif' }, description: null, manifest: null };
    const record = { ...requestRecord(request, '1', 'ssim-bench'), status: 'failed', errorCode: 'CORRUPT_INPUT', errorMessage: 'a record for the first compaction to load' };
    peers.gcs.put(output, inboxRecordName('ssim-bench', fileKeyOf(uriOf(request.source), '1')), Buffer.from(JSON.stringify(record)), 'application/json');
    await new BigQueryWarehouse(peers.bigquery, `bench_${run}`).ensureTables();
  }
  const environment = { FRAMESIFT_BACKEND: 'gcp', FRAMESIFT_OUTPUT_BUCKET: output, FRAMESIFT_TOPIC: topic, FRAMESIFT_DATASET: `bench_${run}` };
  if (target !== 'extract') return environment;
  // Extract publishes its record to the records topic, as deployed. (Compaction here reads its one record from the bucket's
  // inbox: a run on the subscription ends with an empty pull held open for seconds, which is not start-up.)
  await peers.pubsub.createTopic(`records-${run}`);
  return { ...environment, FRAMESIFT_RECORDS_TOPIC: `records-${run}` };
}

function firstEvent(target: Target, run: number): { headers: Record<string, string>; body: unknown } {
  const headers = (type: string) => ({ 'content-type': 'application/json', 'ce-specversion': '1.0', 'ce-id': `bench-${run}`, 'ce-type': type, 'ce-source': '//bench' });
  if (target === 'fanout') {
    return { headers: headers('google.cloud.storage.object.v1.finalized'), body: { bucket: 'ingest', name: `bench/${run}.gif` } };
  }
  if (target === 'extract') {
    const request = { gifId: `g${run}`, batchId: 'b', source: { bucket: 'ingest', name: `bench/${run}.gif` }, description: null, manifest: null };
    return { headers: headers('google.cloud.pubsub.topic.v1.messagePublished'), body: messagePublished(request, String(run)) };
  }
  return { headers: headers('google.cloud.pubsub.topic.v1.messagePublished'), body: pushEnvelope(Buffer.from('{}'), {}, String(run)) };
}

async function measure(variant: Variant, target: Target, run: number, env: Record<string, string>): Promise<ColdStart> {
  const port = await freePort();
  const { args, cwd } = variant.command(target, port);
  const cache = mkdtempSync(join(tmpdir(), 'framesift-compile-cache-'));
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      METADATA_SERVER_DETECTION: 'none',
      GOOGLE_CLOUD_PROJECT: PROJECT,
      TSX_DISABLE_CACHE: '1',
      NODE_COMPILE_CACHE: cache,
      FUNCTION_TARGET: target,
      FUNCTION_SIGNATURE_TYPE: 'cloudevent',
      PORT: String(port),
      ...DECODER_PROCESS_ENV,
      ...env,
    },
  });
  let log = '';
  child.stdout!.on('data', (d: Buffer) => (log += d));
  child.stderr!.on('data', (d: Buffer) => (log += d));
  try {
    await listening(port, child, () => log);
    const listeningMs = performance.now() - started;
    const servingRssMb = rssMb(child.pid!);
    const event = firstEvent(target, run);
    const response = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', headers: event.headers, body: JSON.stringify(event.body) });
    const readyMs = performance.now() - started;
    if (response.status >= 300) throw new Error(`${variant.name} ${target} answered ${response.status}:\n${log}`);
    return { variant: variant.name, target, listeningMs, readyMs, servingRssMb, afterEventRssMb: rssMb(child.pid!), status: response.status };
  } finally {
    child.kill('SIGKILL');
    rmSync(cache, { recursive: true, force: true });
  }
}

async function listening(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = performance.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || performance.now() > deadline) throw new Error(`the server did not start:\n${log()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => (socket.end(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 5));
  }
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

/** The CLI's `--help` in a process of its own: its peak RSS, from the process's own resource usage. */
export function cliHelpPeakRssMb(): number {
  const probe = join(tmpdir(), 'framesift-peak-rss.mjs');
  writeFileSync(probe, "process.on('exit', () => process.stderr.write(`\\npeak-rss-kb ${process.resourceUsage().maxRSS}\\n`));\n");
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--import', probe, join(ROOT, 'scripts/framesift.ts'), '--help'], {
    encoding: 'utf8',
    env: { ...process.env, TSX_DISABLE_CACHE: '1' },
  });
  const kb = /peak-rss-kb (\d+)/.exec(result.stderr);
  if (!kb) throw new Error(`framesift --help printed no peak RSS:\n${result.stderr}`);
  return Number(kb[1]) / 1024;
}
