/** Dollars per million files, from what the cloud bench counted and list prices (cloud-prices.ts). */
import type { CloudBenchResult, ExtractRun } from './cloud.ts';
import { FUNCTION_DEFAULTS } from '../../infra/config.ts';
import * as price from './cloud-prices.ts';

export interface InstanceShape {
  vcpu: number;
  memoryGiB: number;
}

/** The stack's function shapes and concurrencies (infra/config.ts), which the bill multiplies instance time by. */
const gib = (memory: string) => (memory.endsWith('Gi') ? parseFloat(memory) : parseFloat(memory) / 1024);
const shapeOf = (f: { cpu: string; memory: string }): InstanceShape => ({ vcpu: Number(f.cpu), memoryGiB: gib(f.memory) });
export const SHAPES = { fanout: shapeOf(FUNCTION_DEFAULTS.fanout), extract: shapeOf(FUNCTION_DEFAULTS.extract), compact: shapeOf(FUNCTION_DEFAULTS.compact) };
/** Events one fan-out instance serves at once: the bench sends them so. */
export const FANOUT_CONCURRENCY = FUNCTION_DEFAULTS.fanout.concurrency;
/** Requests one extract instance serves at once: the bill is priced at it. */
export const EXTRACT_CONCURRENCY = FUNCTION_DEFAULTS.extract.concurrency;

const TIB = 1024 ** 4;
const GB = 1e9;
const perMillion = (perFile: number) => perFile * 1e6;
const instanceSecond = (shape: InstanceShape) => shape.vcpu * price.RUN_VCPU_SECOND + shape.memoryGiB * price.RUN_GIB_SECOND;

export interface CostLine {
  item: string;
  perFile: string;
  dollarsPerMillion: number;
}

export function costPerMillion(r: CloudBenchResult, run: ExtractRun, extractShape: InstanceShape): CostLine[] {
  const n = r.files;
  const compactionPerRecord = {
    classA: r.backlog.requests.classA / r.backlog.records,
    classB: r.backlog.requests.classB / r.backlog.records,
    seconds: r.backlog.seconds / r.backlog.records,
  };
  const classA = (r.fanOut.requests.classA + r.extract.requests.classA) / n + compactionPerRecord.classA;
  const classB = (r.fanOut.requests.classB + r.extract.requests.classB) / n + compactionPerRecord.classB;
  const messageBytes = r.fanOut.publishedBytes / Math.max(1, r.fanOut.published);
  const requestBytes = (r.fanOut.published / n) * (messageBytes + Math.max(price.PUBSUB_MIN_BYTES_PER_REQUEST, messageBytes));
  // A record is published on its own at worst (billed at least 1,000 bytes) and pulled a thousand to a request.
  const recordBytes = (r.extract.records / n) * (Math.max(price.PUBSUB_MIN_BYTES_PER_REQUEST, r.extract.recordBytes) + r.extract.recordBytes);
  const eventBytes = (r.fanOut.invocations / n) * price.PUBSUB_MIN_BYTES_PER_REQUEST;
  const storedBytes = (r.extract.packBytes + r.compaction.parquetBytes) / n;
  const invocations = r.fanOut.invocations / n + 1;
  return [
    { item: 'Cloud Storage class A (writes, lists)', perFile: classA.toFixed(2), dollarsPerMillion: perMillion((classA * price.GCS_CLASS_A_PER_1000) / 1000) },
    { item: 'Cloud Storage class B (reads, stats)', perFile: classB.toFixed(2), dollarsPerMillion: perMillion((classB * price.GCS_CLASS_B_PER_1000) / 1000) },
    { item: 'Cloud Storage, outputs kept one month', perFile: `${(storedBytes / 1024).toFixed(0)} KiB`, dollarsPerMillion: perMillion((storedBytes / GB) * price.GCS_STANDARD_GB_MONTH) },
    { item: 'Pub/Sub: requests published and pushed', perFile: `${(requestBytes / 1024).toFixed(1)} KiB`, dollarsPerMillion: perMillion((requestBytes / TIB) * price.PUBSUB_PER_TIB) },
    { item: 'Pub/Sub: records published and pulled', perFile: `${(recordBytes / 1024).toFixed(1)} KiB`, dollarsPerMillion: perMillion((recordBytes / TIB) * price.PUBSUB_PER_TIB) },
    // Eventarc carries each storage event to fan-out over a Pub/Sub topic of its own: a publish and a push, each billed as at least 1,000 bytes.
    { item: "Pub/Sub: Eventarc's storage events (at least)", perFile: `${((eventBytes * 2) / 1024).toFixed(1)} KiB`, dollarsPerMillion: perMillion(((eventBytes * 2) / TIB) * price.PUBSUB_PER_TIB) },
    { item: `extract instance time (concurrency ${run.concurrency}, ${extractShape.vcpu} vCPU, ${extractShape.memoryGiB} GiB)`, perFile: `${((run.wallSeconds / n) * 1000).toFixed(0)} ms`, dollarsPerMillion: perMillion((run.wallSeconds / n) * instanceSecond(extractShape)) },
    { item: `fan-out instance time (${FANOUT_CONCURRENCY} events at once)`, perFile: `${((r.fanOut.seconds / n) * 1000).toFixed(1)} ms`, dollarsPerMillion: perMillion((r.fanOut.seconds / n) * instanceSecond(SHAPES.fanout)) },
    { item: 'compaction instance time', perFile: `${(compactionPerRecord.seconds * 1000).toFixed(2)} ms`, dollarsPerMillion: perMillion(compactionPerRecord.seconds * instanceSecond(SHAPES.compact)) },
    { item: 'function requests', perFile: invocations.toFixed(2), dollarsPerMillion: invocations * price.RUN_PER_MILLION_REQUESTS },
    { item: "Cloud Logging (the stack excludes INFO and successful request logs; keepInfoLogs)", perFile: 'excluded', dollarsPerMillion: 0 },
    { item: 'BigQuery loads (free) and storage, one month', perFile: `${(r.compaction.parquetBytes / n / 1024).toFixed(1)} KiB`, dollarsPerMillion: perMillion((r.compaction.parquetBytes / n / 1024 ** 3) * price.BIGQUERY_STORAGE_GIB_MONTH) },
  ];
}

/** The user's own upload, one insert a file: paid whatever then reads the file, so shown beside framesift's total. */
export function uploadPerMillion(): number {
  return perMillion(price.GCS_CLASS_A_PER_1000 / 1000);
}

/** Video Intelligence bills each file as at least one minute. */
export function videoIntelligencePerMillion(): number {
  return perMillion(price.VIDEO_INTELLIGENCE_SHOT_PER_MINUTE);
}
