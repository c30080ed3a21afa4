/**
 * One function instance for the cost bench, in a process of its own (pinned
 * to one core by the bench), so that the stand-ins' work is not counted as
 * the function's. `extract`: the requests in a file, at most N at a time, as
 * Cloud Run hands them to one instance. `compact`: one compaction run. Prints
 * wall time, CPU time and peak RSS as JSON.
 */
import { readFileSync } from 'node:fs';
import { Storage } from '@google-cloud/storage';
import { bigQueryClient } from '../../functions/backends/bigquery-client.ts';
import { BigQueryWarehouse } from '../../shared/adapters/gcp/bigquery-warehouse.ts';
import { GcsStore } from '../../shared/adapters/gcp/gcs-store.ts';
import { compact } from '../../shared/pipeline/compact.ts';
import { mapConcurrently } from '../../shared/pipeline/concurrently.ts';
import type { ExtractRequest } from '../../shared/pipeline/events.ts';
import { extractRequest } from '../../shared/pipeline/extract.ts';

const [mode, outputBucket, ...rest] = process.argv.slice(2);
const store = new GcsStore(new Storage({ apiEndpoint: process.env.STORAGE_EMULATOR_HOST, projectId: 'framesift-bench' }));
const cpu = process.cpuUsage();
const started = process.hrtime.bigint();
let outcome: Record<string, unknown>;
if (mode === 'extract') {
  const [requestsFile, concurrency] = rest;
  const requests = JSON.parse(readFileSync(requestsFile!, 'utf8')) as ExtractRequest[];
  const results = await mapConcurrently(requests, Number(concurrency), (request) => extractRequest(request, { store, outputBucket: outputBucket! }));
  outcome = { statuses: results.reduce<Record<string, number>>((counts, r) => ({ ...counts, [r.status]: (counts[r.status] ?? 0) + 1 }), {}) };
} else {
  const warehouse = new BigQueryWarehouse(bigQueryClient(process.env), rest[0]!);
  const result = await compact({ store, warehouse, outputBucket: outputBucket! });
  outcome = { records: result.records, rows: result.rows };
}
const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
const used = process.cpuUsage(cpu);
console.log(JSON.stringify({ wallSeconds, cpuSeconds: (used.user + used.system) / 1e6, peakRssMb: process.resourceUsage().maxRSS / 1024, ...outcome }));
