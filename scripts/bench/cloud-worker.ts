/**
 * One function instance for the cost bench, in a process of its own (pinned
 * to one core by the bench), so that the stand-ins' work is not counted as
 * the function's. `extract`: the requests in a file, at most N at a time, as
 * Cloud Run hands them to one instance, publishing records to a topic.
 * `compact`: one compaction run, pulling records from a subscription. Prints
 * wall time, CPU time and peak RSS as JSON.
 */
import { readFileSync } from 'node:fs';
import { PubSub, v1 } from '@google-cloud/pubsub';
import { Storage } from '@google-cloud/storage';
import { bigQueryClient } from '../../functions/backends/bigquery-client.ts';
import { BigQueryWarehouse } from '../../shared/adapters/gcp/bigquery-warehouse.ts';
import { GcsStore } from '../../shared/adapters/gcp/gcs-store.ts';
import { PubSubInboxSource, PubSubRecordInbox } from '../../shared/adapters/gcp/pubsub-inbox.ts';
import { compact } from '../../shared/pipeline/compact.ts';
import { mapConcurrently } from '../../shared/pipeline/concurrently.ts';
import type { ExtractRequest } from '../../shared/pipeline/events.ts';
import { extractRequest } from '../../shared/pipeline/extract.ts';

const [mode, outputBucket, ...rest] = process.argv.slice(2);
const store = new GcsStore(new Storage({ apiEndpoint: process.env.STORAGE_EMULATOR_HOST, projectId: 'framesift-bench' }));
const pubsub = new PubSub({ projectId: 'framesift-bench' });
let outcome: Record<string, unknown>;
let cpu = process.cpuUsage();
let started = process.hrtime.bigint();
if (mode === 'extract') {
  const [requestsFile, concurrency, recordsTopic, warmUpSource, warmUpOutput] = rest;
  const requests = JSON.parse(readFileSync(requestsFile!, 'utf8')) as ExtractRequest[];
  const inbox = new PubSubRecordInbox(pubsub, recordsTopic!);
  // A warm instance, as it serves its thousandth file: the first request's lazy imports are a cold
  // start (the coldstart part measures those), so one request goes first to a bucket the bench leaves uncounted.
  const first = requests[0]!;
  await extractRequest({ ...first, source: { ...first.source, bucket: warmUpSource! } }, { store, outputBucket: warmUpOutput! });
  cpu = process.cpuUsage();
  started = process.hrtime.bigint();
  const results = await mapConcurrently(requests, Number(concurrency), (request) => extractRequest(request, { store, inbox, outputBucket: outputBucket! }));
  outcome = { statuses: results.reduce<Record<string, number>>((counts, r) => ({ ...counts, [r.status]: (counts[r.status] ?? 0) + 1 }), {}) };
} else {
  const [dataset, subscription] = rest;
  const warehouse = new BigQueryWarehouse(bigQueryClient(process.env), dataset!);
  const subscriber = new v1.SubscriberClient(pubsub.options as ConstructorParameters<typeof v1.SubscriberClient>[0]);
  const result = await compact({ store, warehouse, outputBucket: outputBucket!, sources: [new PubSubInboxSource(subscriber, subscription!)] });
  await subscriber.close();
  outcome = { records: result.records, rows: result.rows };
}
const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
const used = process.cpuUsage(cpu);
await pubsub.close();
console.log(JSON.stringify({ wallSeconds, cpuSeconds: (used.user + used.system) / 1e6, peakRssMb: process.resourceUsage().maxRSS / 1024, ...outcome }));
