/**
 * The archive `pulumi up` uploads, built, installed and run as Google's
 * buildpack and Cloud Run would: unpacked outside the repository, checked
 * with `node --check`, installed with production dependencies only, and each
 * function started by the functions-framework binary with exactly the
 * variables the Pulumi program sets (read from the program under mocks, so
 * the two cannot drift apart). One upload then goes through fan-out, the
 * emulator's push, extraction and compaction against the stand-ins.
 * Three broken copies show that each step can fail.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prunedLockfile } from '../../infra/function-build.ts';
import { packageSource, zipFiles } from '../../infra/source-archive.ts';
import type { BuiltFile } from '../../infra/function-build.ts';
import { BigQueryWarehouse } from '../../shared/adapters/gcp/bigquery-warehouse.ts';
import { postCloudEvent } from '../support/cloudevents.ts';
import { useCloudPeers } from '../support/cloud.ts';
import { startDeployedFunction, type FunctionServer } from '../support/functions-server.ts';
import { RehearsalError, buildLikeCloudBuild, unpack } from '../support/rehearsal.ts';
import { MOCK_PROJECT, declareStack, type Registered } from '../support/stack.ts';
import { SCENARIO_GIFS, SCENARIO_INBOX, compactTick, finalizedEvent, uploadScenario } from '../support/upload-scenario.ts';
import { waitFor } from '../support/wait.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const REGION = 'europe-west1';
const TARGETS = ['fanout', 'extract', 'compact'] as const;
const peers = useCloudPeers({ bigQueryLocation: REGION, project: MOCK_PROJECT });

/** Servers started and folders made by any test here, stopped and removed once all have run. */
const started: FunctionServer[] = [];
const folders: string[] = [];
afterAll(async () => {
  await Promise.all(started.map((server) => server.stop()));
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

/** A folder of its own, outside the repository. */
function emptyFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'framesift-rehearsal-'));
  folders.push(dir);
  return dir;
}

let resources: Registered[];
let files: BuiltFile[];
interface Declared {
  name: string;
  serviceConfig: { environmentVariables: Record<string, string> };
  pushConfig: { pushEndpoint: string };
  ackDeadlineSeconds: number;
  deadLetterPolicy: { maxDeliveryAttempts: number };
}
/** A resource's inputs as the program declared them; each use reads the fields its resource has. */
const named = (name: string) => resources.find((r) => r.name === name)!.inputs as unknown as Declared;
/** What the program gives the function to run with. */
const programEnvironment = (target: string) => named(target).serviceConfig.environmentVariables;
/** What Google's platform provides that the program does not: the peers' addresses stand in for Google's endpoints and metadata server. */
const platform = () => ({
  STORAGE_EMULATOR_HOST: peers.gcs.url,
  PUBSUB_EMULATOR_HOST: peers.emulatorHost,
  BIGQUERY_EMULATOR_HOST: peers.bq.url,
  GOOGLE_CLOUD_PROJECT: MOCK_PROJECT,
});

beforeAll(async () => {
  ({ resources } = await declareStack({ 'framesift:region': REGION }));
  // The broken copies start from the real archive's files, as unpacked.
  const dir = emptyFolder();
  const names = await unpack((await packageSource(ROOT)).bytes, dir);
  files = names.map((path) => ({ path, bytes: readFileSync(join(dir, path)) }));
});

async function rehearse(archive: Buffer): Promise<{ dir: string; servers: Record<string, FunctionServer> }> {
  const dir = emptyFolder();
  await buildLikeCloudBuild(archive, dir);
  const starts = await Promise.allSettled(TARGETS.map((target) => startDeployedFunction(dir, target, { ...programEnvironment(target), ...platform() })));
  const servers = starts.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  started.push(...servers);
  const failed = starts.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  return { dir, servers: Object.fromEntries(TARGETS.map((target, i) => [target, servers[i]!])) };
}

describe('the deployable artefact', () => {
  it('installs, starts and takes one upload from a storage event to rows in BigQuery', async () => {
    const { servers } = await rehearse((await packageSource(ROOT)).bytes);
    const extract = programEnvironment('extract');

    // The Pub/Sub resources the program declares, on the emulator, with its push path.
    const [topic] = await peers.pubsub.createTopic(extract.FRAMESIFT_TOPIC!);
    const [deadLetters] = await peers.pubsub.createTopic(named('extract-dead-letter').name);
    await deadLetters.createSubscription(named('extract-dead-letter-inspect').name);
    const push = named('extract-push');
    await topic.createSubscription(push.name, {
      pushConfig: { pushEndpoint: new URL(new URL(push.pushConfig.pushEndpoint).pathname.slice(1), servers.extract!.url).href },
      ackDeadlineSeconds: push.ackDeadlineSeconds,
      deadLetterPolicy: { deadLetterTopic: deadLetters.name, maxDeliveryAttempts: push.deadLetterPolicy.maxDeliveryAttempts },
    });
    const [records] = await peers.pubsub.createTopic(extract.FRAMESIFT_RECORDS_TOPIC!);
    const recordsPull = named('records-compaction');
    await records.createSubscription(recordsPull.name, { ackDeadlineSeconds: recordsPull.ackDeadlineSeconds });
    // The tables the program declares.
    const warehouse = new BigQueryWarehouse(peers.bigquery, extract.FRAMESIFT_DATASET!, { location: extract.FRAMESIFT_DATASET_LOCATION });
    await warehouse.ensureTables();

    const scenario = uploadScenario(peers.gcs, named('ingest-bucket').name);
    const answered = async (server: FunctionServer, response: Promise<Response>) => {
      const { status } = await response;
      if (status !== 204) throw new Error(`answered ${status}:\n${server.logs()}`);
    };
    for (const upload of scenario.uploads) await answered(servers.fanout!, postCloudEvent(servers.fanout!.url, finalizedEvent(upload)));
    const output = extract.FRAMESIFT_OUTPUT_BUCKET!;
    const objects = (prefix: string) => [...(peers.gcs.buckets.get(output)?.keys() ?? [])].filter((name) => name.startsWith(prefix));
    // Records travel on the records topic; the bucket's inbox holds the rejected line and the entries.
    await waitFor('a pack for each file, the rejected line and the entries', async () => objects('packs/').length === SCENARIO_GIFS.length && objects('inbox/').length === SCENARIO_INBOX - SCENARIO_GIFS.length);
    await answered(servers.compact!, postCloudEvent(servers.compact!.url, compactTick('tick-1')));

    const loads = peers.bq.loadJobs.map((job) => [job.configuration.load!.destinationTable.tableId, job.jobReference.location]);
    expect([...new Set(loads.map((load) => load.join(' ')))].sort()).toEqual([`gifs_all ${REGION}`, `key_frames_all ${REGION}`, `manifest_entries_all ${REGION}`]);
    expect(await warehouse.query(`SELECT status, count(*) AS n, count(description) AS described FROM gifs GROUP BY status ORDER BY status`)).toEqual([
      { status: 'ok', n: SCENARIO_GIFS.length, described: SCENARIO_GIFS.length },
      { status: 'rejected', n: 1, described: 0 },
    ]);
    expect(objects('inbox/')).toEqual([]);
    expect(servers.extract!.logs()).toMatch(/"message":"video decoding (available|unavailable)/);
  });
});

describe('the rehearsal rejects a broken artefact', () => {
  const edit = (path: string, change: (text: string) => string) => files.map((file) => (file.path === path ? { path, bytes: Buffer.from(change(file.bytes.toString())) } : file));
  const startAll = async (archive: BuiltFile[]) => rehearse((await zipFiles(archive)).bytes);

  it('whose main is TypeScript', async () => {
    const typescript: BuiltFile[] = [
      ...edit('package.json', (text) => JSON.stringify({ ...JSON.parse(text), main: 'functions/index.ts' })),
      { path: 'functions/index.ts', bytes: Buffer.from("const target: string = process.env.FUNCTION_TARGET ?? '';\nexport { target };\n") },
    ];
    const rejection = await startAll(typescript).catch((error: unknown) => error);
    expect(rejection).toBeInstanceOf(RehearsalError);
    expect(String(rejection)).toMatch(/check: node --check functions\/index\.ts failed:[\s\S]*ERR_UNKNOWN_FILE_EXTENSION/);
  });

  it('whose runtime dependency sits only in devDependencies', async () => {
    const name = '@google-cloud/storage';
    const manifest = JSON.parse(files.find((f) => f.path === 'package.json')!.bytes.toString());
    const range = manifest.dependencies[name];
    delete manifest.dependencies[name];
    manifest.devDependencies = { [name]: range };
    const lock = JSON.parse(files.find((f) => f.path === 'package-lock.json')!.bytes.toString());
    // The lockfile npm would write for that manifest: the package and what only it needs, flagged dev.
    const production = prunedLockfile(lock, manifest);
    const devOnly = prunedLockfile(lock, { name: manifest.name, version: manifest.version, dependencies: { [name]: range } });
    for (const [location, entry] of Object.entries(devOnly.packages)) if (location && !production.packages[location]) production.packages[location] = { ...entry, dev: true };
    production.packages['']!.devDependencies = { [name]: range };
    const misdeclared = files
      .filter((f) => f.path !== 'package.json' && f.path !== 'package-lock.json')
      .concat([
        { path: 'package.json', bytes: Buffer.from(JSON.stringify(manifest, null, 2)) },
        { path: 'package-lock.json', bytes: Buffer.from(JSON.stringify(production, null, 2)) },
      ]);
    await expect(startAll(misdeclared)).rejects.toThrow(/did not start:[\s\S]*Cannot find package '@google-cloud\/storage'/);
  });

  it('whose code needs an environment variable that the program does not set', async () => {
    const needsMore = files.map((file) =>
      file.path.endsWith('.js') && file.bytes.includes('FRAMESIFT_OUTPUT_BUCKET')
        ? { path: file.path, bytes: Buffer.from(file.bytes.toString().replaceAll('"FRAMESIFT_OUTPUT_BUCKET"', '"FRAMESIFT_OUTPUT_BUCKET_NAME"')) }
        : file,
    );
    expect(needsMore).not.toEqual(files);
    await expect(startAll(needsMore)).rejects.toThrow(/did not start:[\s\S]*FRAMESIFT_OUTPUT_BUCKET_NAME must be set/);
  });
});
