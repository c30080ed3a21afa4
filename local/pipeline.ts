/**
 * The whole pipeline on one machine: upload → fan-out → extract → compact,
 * with a folder per bucket, an in-process queue and DuckDB. The steps are the
 * same code the cloud functions run.
 */
import { readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { LocalQueue, type DeliveryPolicy } from '../shared/adapters/local/local-queue.ts';
import { compact, type CompactResult } from '../shared/pipeline/compact.ts';
import { encodeRequest, type ExtractRequest, type MessagePublishedData, type SelectorChoice } from '../shared/pipeline/events.ts';
import type { ExtractResult } from '../shared/pipeline/extract.ts';
import { recordDeadLetter } from '../shared/pipeline/dead-letters.ts';
import { fanOut, type FanOutResult } from '../shared/pipeline/fan-out.ts';
import { isManifestName } from '../shared/pipeline/ids.ts';
import type { ObjectInfo, ObjectStore, Publisher, Warehouse } from '../shared/pipeline/ports.ts';
import { retryTransient } from '../shared/pipeline/retry.ts';
import { faultyPublisher, faultyStore, faultyWarehouse, type FaultPlan } from '../shared/adapters/faults.ts';
import { retryingPublisher, retryingStore, retryingWarehouse } from '../shared/adapters/retrying.ts';
import { seededRandom } from '../shared/random.ts';
import { localStore, localWarehouse } from './adapters.ts';
import { INGEST_BUCKET, OUTPUT_BUCKET, localPaths, type LocalPaths } from './layout.ts';
import { ProcessPool } from './process-pool.ts';

export interface RunOptions {
  inputs: string[];
  /** Requests besides the uploads' (a re-selection of files already in the ingest bucket). */
  requests?: ExtractRequest[];
  workDir: string;
  concurrency?: number;
  selector?: SelectorChoice;
  delivery?: Partial<DeliveryPolicy>;
  onProgress?: (event: { total: number; done: number; result?: ExtractResult }) => void;
  /** Chaos: every store, queue and warehouse call fails transiently at this rate (seeded), under a client-like retry. */
  faults?: { rate: number; seed: number };
}

export interface RunSummary {
  batches: FanOutResult[];
  /** Uploads that fan-out passed over, and why (a README beside the media, a manifest fanned out before). */
  ignored: Array<{ name: string; reason: string }>;
  published: number;
  /** Deliveries by the queue: more than `published` when extraction was retried. */
  deliveries: number;
  /** Faults injected in this process (fan-out, dead letters, compaction) on a chaos run. */
  injectedFaults: number;
  results: ExtractResult[];
  deadLettered: number;
  compaction: CompactResult;
  seconds: number;
  paths: LocalPaths;
}

/** One extraction per worker process: sharp decodes on one thread, so a second core needs a second process. */
const EXTRACT_WORKER = fileURLToPath(new URL('./extract-worker.ts', import.meta.url));

/** What to upload: each file, or a folder (a manifest's own, with it). Every upload triggers fan-out, as in the cloud. */
export function planUploads(inputs: string[]): Array<{ from: string; name: string }> {
  const plan: Array<{ from: string; name: string }> = [];
  for (const input of inputs.map((i) => resolve(i))) {
    const isFolder = statSync(input).isDirectory();
    const isManifest = !isFolder && isManifestName(input);
    // A manifest names files beside it, so its whole folder goes up with it.
    const folder = isFolder ? input : isManifest ? dirname(input) : undefined;
    if (!folder) {
      plan.push({ from: input, name: `uploads/${basename(input)}` });
      continue;
    }
    const files = readdirSync(folder, { recursive: true, encoding: 'utf8' })
      .map((f) => join(folder, f))
      .filter((f) => statSync(f).isFile())
      .sort();
    for (const file of files) {
      plan.push({ from: file, name: `uploads/${basename(folder)}/${relative(folder, file).split(sep).join('/')}` });
    }
  }
  return plan;
}

export async function runLocalPipeline(options: RunOptions): Promise<RunSummary> {
  const started = Date.now();
  const paths = localPaths(options.workDir);
  const folders = localStore(paths);
  const queue = new LocalQueue(options.delivery);
  const plan: FaultPlan | undefined = options.faults && { rate: options.faults.rate, random: seededRandom(options.faults.seed) };
  const store: ObjectStore = plan ? retryingStore(faultyStore(folders, plan)) : folders;
  const publisher: Publisher = plan ? retryingPublisher(faultyPublisher(queue, plan)) : queue;

  // Uploading is the user's act, not the pipeline's: it goes to the folders directly.
  const triggers: ObjectInfo[] = [];
  for (const { from, name } of planUploads(options.inputs)) triggers.push(await folders.upload(from, { bucket: INGEST_BUCKET, name }));

  const batches: FanOutResult[] = [];
  const ignored: RunSummary['ignored'] = [];
  for (const object of triggers) {
    const event = { bucket: object.bucket, name: object.name, generation: object.generation, size: object.size };
    const batch = await retryTransient(() => fanOut(event, { store, publisher, outputBucket: OUTPUT_BUCKET, selector: options.selector }));
    batches.push(batch);
    if (batch.ignored) ignored.push({ name: object.name, reason: batch.ignored });
  }

  for (const request of options.requests ?? []) {
    const { data, attributes } = encodeRequest(request);
    await publisher.publish(data, attributes);
  }

  const total = queue.published;
  const results: ExtractResult[] = [];
  let deadLettered = 0;
  const concurrency = Math.max(1, options.concurrency ?? availableParallelism());
  const pool = new ProcessPool<MessagePublishedData, ExtractResult>({
    module: EXTRACT_WORKER,
    size: Math.min(concurrency, Math.max(1, total)),
    env: {
      FRAMESIFT_WORKDIR: paths.workDir,
      ...(options.faults && { FRAMESIFT_FAULT_RATE: String(options.faults.rate), FRAMESIFT_FAULT_SEED: String(options.faults.seed) }),
    },
  });
  options.onProgress?.({ total, done: 0 });
  try {
    await queue.drain(
      async (event) => {
        const result = await pool.run(event);
        results.push(result);
        options.onProgress?.({ total, done: results.length + deadLettered, result });
      },
      {
        concurrency,
        deadLetter: async (event: MessagePublishedData, error: unknown) => {
          deadLettered++;
          const reason = error instanceof Error ? error.message : String(error);
          await retryTransient(() => recordDeadLetter(event, reason, { store, outputBucket: OUTPUT_BUCKET }));
          options.onProgress?.({ total, done: results.length + deadLettered });
        },
      },
    );
  } finally {
    await pool.close();
  }

  const warehouse = localWarehouse(paths);
  const loads: Warehouse = plan ? retryingWarehouse(faultyWarehouse(warehouse, plan)) : warehouse;
  try {
    const compaction = await retryTransient(() => compact({ store, warehouse: loads, outputBucket: OUTPUT_BUCKET }));
    await warehouse.refresh();
    return {
      batches,
      ignored,
      published: total,
      deliveries: queue.deliveries,
      injectedFaults: plan?.injected ?? 0,
      results,
      deadLettered,
      compaction,
      seconds: (Date.now() - started) / 1000,
      paths,
    };
  } finally {
    await warehouse.close();
  }
}
