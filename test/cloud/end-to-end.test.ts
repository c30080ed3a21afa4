/**
 * The cloud path end to end on one machine: the three functions as real
 * functions-framework servers, storage events posted as Eventarc does,
 * Pub/Sub (the emulator) pushing to extract, compaction loading BigQuery (the
 * stand-in) from Cloud Storage (the stand-in). Three folders go up in the
 * three orders a user can upload in: media then manifest, manifest then
 * media (with a compaction between), and media with no manifest. Each ends
 * with one row per file, extracted once, described where a manifest says so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BigQueryWarehouse } from '../../shared/adapters/gcp/bigquery-warehouse.ts';
import { GcsStore } from '../../shared/adapters/gcp/gcs-store.ts';
import { StoreSink, exportFromTables } from '../../shared/export/index.ts';
import { PROJECT, useCloudPeers } from '../support/cloud.ts';
import { postCloudEvent } from '../support/cloudevents.ts';
import { startFunctionServer, type FunctionServer } from '../support/functions-server.ts';
import { SCENARIO_BAD_LINE, SCENARIO_GIFS as GIFS, compactTick, finalizedEvent, uploadScenario, type Scenario, type UploadedObject } from '../support/upload-scenario.ts';
import { waitFor } from '../support/wait.ts';

const peers = useCloudPeers();
const TOPIC = `extract-requests-e2e-${Date.now().toString(36)}`;
const RECORDS = `records-e2e-${Date.now().toString(36)}`;
const DATASET = 'framesift_e2e';
const INGEST = 'e2e-ingest';
const OUTPUT = 'e2e-output';

describe('the cloud path on one machine, in every upload order', () => {
  const servers: Record<string, FunctionServer> = {};
  let warehouse: BigQueryWarehouse;
  const scenarios = {} as Record<'mediaFirst' | 'manifestFirst' | 'mediaAlone', Scenario>;
  const objects = (prefix: string) => [...(peers.gcs.buckets.get(OUTPUT)?.keys() ?? [])].filter((n) => n.startsWith(prefix));
  const packWrites = () => peers.gcs.writes.filter((w) => w.bucket === OUTPUT && w.name.startsWith('packs/')).length;

  const finalize = async (upload: UploadedObject) => expect((await postCloudEvent(servers.fanout!.url, finalizedEvent(upload))).status).toBe(204);
  const tick = async (id: string) => expect((await postCloudEvent(servers.compact!.url, compactTick(id))).status).toBe(204);
  const packsSettle = (n: number) => waitFor(`${n} packs`, async () => objects('packs/').length === n);
  const rowsOf = (prefix: string) =>
    warehouse.query(`SELECT gif_id, status, error_code, description, key_frame_count FROM ${DATASET}.gifs WHERE source_uri LIKE 'gs://${INGEST}/${prefix}/%' ORDER BY gif_id`);

  beforeAll(async () => {
    const env = {
      FRAMESIFT_BACKEND: 'gcp',
      STORAGE_EMULATOR_HOST: peers.gcs.url,
      PUBSUB_EMULATOR_HOST: peers.emulatorHost,
      BIGQUERY_EMULATOR_HOST: peers.bq.url,
      GOOGLE_CLOUD_PROJECT: PROJECT,
      FRAMESIFT_OUTPUT_BUCKET: OUTPUT,
      FRAMESIFT_TOPIC: TOPIC,
      FRAMESIFT_DATASET: DATASET,
      FRAMESIFT_RECORDS_TOPIC: RECORDS,
      FRAMESIFT_RECORDS_SUBSCRIPTION: `projects/${PROJECT}/subscriptions/${RECORDS}-compaction`,
    };
    const names = ['fanout', 'extract', 'compact'];
    const started = await Promise.all(names.map((name) => startFunctionServer(name, env)));
    names.forEach((name, i) => (servers[name] = started[i]!));
    const [records] = await peers.pubsub.createTopic(RECORDS);
    await records.createSubscription(`${RECORDS}-compaction`, { ackDeadlineSeconds: 600 });
    const [topic] = await peers.pubsub.createTopic(TOPIC);
    await topic.createSubscription(`${TOPIC}-push`, { pushConfig: { pushEndpoint: `${servers.extract!.url}projects/${PROJECT}/topics/${TOPIC}` }, ackDeadlineSeconds: 60 });
    warehouse = new BigQueryWarehouse(peers.bigquery, DATASET);
    await warehouse.ensureTables();
    scenarios.mediaFirst = uploadScenario(peers.gcs, INGEST, 'media-first');
    scenarios.manifestFirst = uploadScenario(peers.gcs, INGEST, 'manifest-first');
    scenarios.mediaAlone = uploadScenario(peers.gcs, INGEST, 'media-alone');
  });
  afterAll(async () => {
    await Promise.all(Object.values(servers).map((s) => s.stop()));
  });

  it('media, then its manifest: one described row per file, one load job per table and inbox shard', async () => {
    for (const upload of scenarios.mediaFirst.uploads) await finalize(upload);
    await packsSettle(GIFS.length);
    await tick('tick-1');
    const loads = peers.bq.loadJobs.map((j) => j.configuration.load!.destinationTable.tableId);
    expect([...new Set(loads)].sort()).toEqual(['gifs_all', 'key_frames_all', 'manifest_entries_all']);
    // Three GIFs, a rejected line and an entries chunk land in at most five shards, each loading its own tables once.
    expect(loads.length).toBeLessThanOrEqual(5 * 2);
    for (const job of peers.bq.loadJobs) {
      const load = job.configuration.load!;
      expect(load).toMatchObject({ sourceFormat: 'PARQUET', writeDisposition: 'WRITE_APPEND', schemaUpdateOptions: ['ALLOW_FIELD_ADDITION'] });
      const table = load.destinationTable.tableId.replace('_all', '');
      expect(load.sourceUris).toEqual([expect.stringMatching(new RegExp(`^gs://${OUTPUT}/parquet/${table}/dt=\\d{4}-\\d{2}-\\d{2}/[\\w-]+\\.parquet$`))]);
      expect(job.configuration.labels).toMatchObject({ framesift_table: table });
    }
    expect(await rowsOf('media-first')).toEqual(GIFS.map((gif) => ({ gif_id: gif.replace('.gif', ''), status: 'ok', error_code: null, description: gif, key_frame_count: expect.any(Number) })));
    const [rejected] = await warehouse.query(`SELECT gif_id, error_code FROM ${DATASET}.gifs WHERE status = 'rejected' AND manifest_uri LIKE '%media-first%'`);
    expect(rejected).toEqual({ gif_id: SCENARIO_BAD_LINE.split(':')[0], error_code: 'INVALID_ID' });
    expect(objects('inbox/')).toEqual([]);
    // The files' records came on the records topic: the bucket's inbox only ever held the rejected line and the entries.
    const inboxWrites = peers.gcs.writes.filter((w) => w.bucket === OUTPUT && w.name.startsWith('inbox/')).map((w) => w.name.split('/')[2]);
    expect(inboxWrites.sort()).toEqual(['entries', 'rejected']);
  });

  it('a manifest first: its files show as MISSING_FILE until they arrive, then as one described row each', async () => {
    await finalize(scenarios.manifestFirst.manifest);
    await tick('tick-2');
    const waiting = await rowsOf('manifest-first');
    expect(waiting.map((row) => [row.status, row.error_code])).toEqual(GIFS.map(() => ['rejected', 'MISSING_FILE']));
    for (const upload of scenarios.manifestFirst.media) await finalize(upload);
    await packsSettle(2 * GIFS.length);
    await tick('tick-3');
    expect(await rowsOf('manifest-first')).toEqual(GIFS.map((gif) => ({ gif_id: gif.replace('.gif', ''), status: 'ok', error_code: null, description: gif, key_frame_count: expect.any(Number) })));
  });

  it('media with no manifest: one row per file, named by its file name', async () => {
    for (const upload of scenarios.mediaAlone.media) await finalize(upload);
    await packsSettle(3 * GIFS.length);
    await tick('tick-4');
    expect(await rowsOf('media-alone')).toEqual(GIFS.map((gif) => ({ gif_id: gif, status: 'ok', error_code: null, description: null, key_frame_count: expect.any(Number) })));
  });

  it('extracts each file once, and changes nothing when every storage event comes again', async () => {
    expect(packWrites()).toBe(3 * GIFS.length);
    const before = await warehouse.query(`SELECT count(*) AS n FROM ${DATASET}.gifs_all`);
    const pushes = peers.gcs.requests.length;
    for (const upload of [...scenarios.mediaFirst.uploads, ...scenarios.manifestFirst.uploads, ...scenarios.mediaAlone.media]) await finalize(upload);
    // Each redelivered request stops at its pack's stat; wait until all nine have.
    await waitFor('extract to see the redelivered requests', async () => peers.gcs.requests.slice(pushes).filter((r) => r.method === 'GET' && r.path.includes('/o/packs%2F')).length >= 3 * GIFS.length);
    await tick('tick-5');
    expect(packWrites()).toBe(3 * GIFS.length);
    expect(await warehouse.query(`SELECT count(*) AS n FROM ${DATASET}.gifs_all`)).toEqual(before);
    expect(await warehouse.query(`SELECT count(*) AS n FROM ${DATASET}.gifs`)).toEqual([{ n: 3 * GIFS.length + 2 }]);
  });

  it('exports the rows from BigQuery and the packs in Cloud Storage as a dataset in the output bucket', async () => {
    const store = new GcsStore(peers.storage);
    const sink = new StoreSink(store, OUTPUT, 'datasets/all');
    const result = await exportFromTables({ rows: warehouse, store, sink }, { format: 'webdataset', where: "source_uri LIKE '%media-first%'" });
    expect(result).toMatchObject({ rows: GIFS.length, selection: expect.stringMatching(/^ssim-/) });
    const index = JSON.parse(peers.gcs.object(OUTPUT, 'datasets/all/index.json')!.data.toString());
    expect(index.shards.map((s: { rows: number }) => s.rows)).toEqual([GIFS.length]);
    expect(peers.gcs.object(OUTPUT, `datasets/all/${index.shards[0].name}`)?.contentType).toBe('application/x-tar');
  });
});
