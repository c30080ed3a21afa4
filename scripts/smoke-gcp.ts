/**
 * `npm run smoke:gcp`: the system test for a deployed stack. It reads the stack
 * outputs (`pulumi stack output --json > outputs.json`, then `--outputs
 * outputs.json`, or piped on stdin), uploads the samples with Application
 * Default Credentials, asks for a compaction, waits for the rows in BigQuery
 * and prints them. It is not run in CI: it needs a real project.
 */
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { BigQuery } from '@google-cloud/bigquery';
import { PubSub } from '@google-cloud/pubsub';
import { Storage } from '@google-cloud/storage';
import { text, type Setting } from '../shared/settings.ts';
import { parseCommandArgs } from './cli/flags.ts';
import { formatTable } from './cli/table.ts';
import { generateSamples } from './samples.ts';

interface StackOutputs {
  project: string;
  ingestBucket: string;
  dataset: string;
  compactTopic?: string;
}

const POLL_MS = 15_000;
const TIMEOUT_MS = 20 * 60 * 1000;

async function readOutputs(argv: string[]): Promise<StackOutputs> {
  const { values } = parseCommandArgs(argv, { outputs: { flag: 'outputs', default: undefined, parse: text } satisfies Setting<string | undefined> });
  const json = values.outputs !== undefined ? readFileSync(values.outputs, 'utf8') : await new Promise<string>((resolve) => {
    let data = '';
    process.stdin.on('data', (d) => (data += d)).on('end', () => resolve(data));
  });
  const outputs = JSON.parse(json) as Partial<StackOutputs>;
  for (const key of ['project', 'ingestBucket', 'dataset'] as const) {
    if (!outputs[key]) throw new Error(`Expected the stack output ${key}; pass \`pulumi stack output --json\``);
  }
  return outputs as StackOutputs;
}

async function main(): Promise<void> {
  const outputs = await readOutputs(process.argv.slice(2));
  const prefix = `smoke-${new Date().toISOString().replace(/[-:.]/g, '').slice(0, 15)}`;
  const samples = generateSamples(mkdtempSync(join(tmpdir(), 'framesift-smoke-')));
  const bucket = new Storage({ projectId: outputs.project }).bucket(outputs.ingestBucket);
  // In any order: each file is extracted by its own upload, and the views join the manifest's lines to it.
  const files = readdirSync(samples.dir).filter((f) => f !== 'manifest.txt');
  for (const file of files) await bucket.upload(join(samples.dir, file), { destination: `${prefix}/${file}` });
  await bucket.upload(samples.manifest, { destination: `${prefix}/${basename(samples.manifest)}` });
  const manifestUri = `gs://${outputs.ingestBucket}/${prefix}/manifest.txt`;
  const expected = readFileSync(samples.manifest, 'utf8').trim().split('\n').length;
  console.log(`uploaded ${files.length} files and ${manifestUri}; waiting for ${expected} rows`);

  const bigquery = new BigQuery({ projectId: outputs.project });
  const pubsub = outputs.compactTopic ? new PubSub({ projectId: outputs.project }) : undefined;
  const sql = `SELECT status, error_code, count(*) AS files, sum(key_frame_count) AS key_frames
    FROM \`${outputs.project}.${outputs.dataset}.gifs\` WHERE manifest_uri = @manifest GROUP BY ALL ORDER BY status`;
  const deadline = Date.now() + TIMEOUT_MS;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, POLL_MS));
    if (pubsub && outputs.compactTopic) await pubsub.topic(outputs.compactTopic).publishMessage({ json: { reason: 'smoke test' } });
    const [rows] = await bigquery.query({ query: sql, params: { manifest: manifestUri } });
    const total = (rows as Array<{ files: number }>).reduce((n, r) => n + Number(r.files), 0);
    console.log(`${new Date().toISOString()}: ${total}/${expected} rows`);
    if (total >= expected) {
      console.log(formatTable(rows as Array<Record<string, unknown>>));
      return;
    }
  }
  throw new Error(`Expected ${expected} rows for ${manifestUri} within ${TIMEOUT_MS / 60_000} minutes`);
}

main().catch((error: unknown) => {
  console.error(`smoke:gcp failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
