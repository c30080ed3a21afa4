/** The Pub/Sub side of the cloud path, on Google's real emulator. */
import { v1, type Message, type Subscription } from '@google-cloud/pubsub';
import { recordDeadLetters } from '../../shared/adapters/gcp/dead-letters.ts';
import { Storage } from '@google-cloud/storage';
import { afterAll, describe, expect, it } from 'vitest';
import { BigQueryWarehouse } from '../../shared/adapters/gcp/bigquery-warehouse.ts';
import { GcsStore } from '../../shared/adapters/gcp/gcs-store.ts';
import { PubSubPublisher } from '../../shared/adapters/gcp/pubsub-publisher.ts';
import { compact } from '../../shared/pipeline/compact.ts';
import { encodeRequest, type ExtractRequest } from '../../shared/pipeline/events.ts';
import { extractStep } from '../../shared/pipeline/extract.ts';
import { fanOut } from '../../shared/pipeline/fan-out.ts';
import { PROJECT, useCloudPeers } from '../support/cloud.ts';
import { corpusPath } from '../support/corpus.ts';
import { startFunctionServer, type FunctionServer } from '../support/functions-server.ts';
import { inboxRecords } from '../support/records.ts';
import { waitFor } from '../support/wait.ts';
import { readFileSync } from 'node:fs';

const peers = useCloudPeers();
const unique = (name: string) => `${name}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;

describe('Pub/Sub emulator', () => {
  const servers: FunctionServer[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
  });

  it('carries a 10,000-line manifest of files in another bucket, fanned out as 10,000 messages', async () => {
    const store = new GcsStore(peers.storage);
    const lines = Array.from({ length: 10_000 }, (_, i) => `gif_${String(i).padStart(5, '0')},clip number ${i},gs://archive/clips/${i}.gif`);
    await store.writeIfAbsent({ bucket: 'ingest', name: 'big/manifest.csv' }, `gif_id,description,uri\n${lines.join('\n')}\n`, 'text/csv');
    const stat = await store.stat({ bucket: 'ingest', name: 'big/manifest.csv' });
    const topicName = unique('fanout');
    const [topic] = await peers.pubsub.createTopic(topicName);
    const [subscription] = await topic.createSubscription(`${topicName}-sub`, { ackDeadlineSeconds: 60 });
    const ids = new Set<string>();
    let deliveries = 0;
    subscription.on('message', (m: Message) => {
      deliveries++;
      ids.add(m.attributes.gifId!);
      m.ack();
    });

    const result = await fanOut(
      { bucket: 'ingest', name: 'big/manifest.csv', generation: stat!.generation },
      { store, publisher: new PubSubPublisher(peers.pubsub, topicName), outputBucket: 'out', allowedBuckets: new Set(['archive']) },
    );
    expect(result).toMatchObject({ published: 10_000, rejected: 0, entries: 10_000 });
    await waitFor('10,000 distinct messages', async () => ids.size === 10_000, 60_000);
    await subscription.close();
    expect(deliveries).toBeGreaterThanOrEqual(10_000);
  });

  it('pushes a request to a real functions-framework server that runs extract', async () => {
    const gif = readFileSync(corpusPath('gifs/Zulko__moviepy__circle.gif'));
    const source = peers.gcs.put('ingest', 'push/circle.gif', gif, 'image/gif');
    const extract = await startFunctionServer('extract', {
      FRAMESIFT_BACKEND: 'gcp',
      STORAGE_EMULATOR_HOST: peers.gcs.url,
      PUBSUB_EMULATOR_HOST: peers.emulatorHost,
      GOOGLE_CLOUD_PROJECT: PROJECT,
      FRAMESIFT_OUTPUT_BUCKET: 'push-out',
      FRAMESIFT_TOPIC: 'unused',
      FRAMESIFT_DATASET: 'unused',
    });
    servers.push(extract);
    const topicName = unique('extract-requests');
    const [topic] = await peers.pubsub.createTopic(topicName);
    await topic.createSubscription(`${topicName}-push`, { pushConfig: { pushEndpoint: `${extract.url}projects/${PROJECT}/topics/${topicName}` } });

    const request: ExtractRequest = { gifId: 'circle', batchId: 'push-test', source: { bucket: 'ingest', name: 'push/circle.gif', generation: source.generation }, description: 'a circle', manifest: null };
    const { data, attributes } = encodeRequest(request);
    await topic.publishMessage({ data, attributes });

    const [record] = await waitFor('the record written by the pushed extract', async () => inboxRecords(peers.gcs, 'push-out').length > 0 && inboxRecords(peers.gcs, 'push-out'), 60_000);
    expect(record, extract.logs()).toMatchObject({ status: 'ok', description: 'a circle', sourceGeneration: source.generation });
    const pack = await waitFor('the pack', async () => peers.gcs.object('push-out', record!.packUri!.replace('gs://push-out/', '')), 10_000);
    expect(pack.contentType).toBe('application/x-tar');
    for (const { offset } of record!.keyFrameRanges) expect(pack.data.subarray(offset + 1, offset + 4).toString()).toBe('PNG');
  });

  it('sends a message that always fails transiently to the dead-letter topic after 5 attempts, and it ends as a failed row', async () => {
    const topicName = unique('poison');
    const [topic] = await peers.pubsub.createTopic(topicName);
    const [dead] = await peers.pubsub.createTopic(`${topicName}-dead`);
    const [deadSubscription] = await dead.createSubscription(`${topicName}-dead-sub`);
    const [subscription] = await topic.createSubscription(`${topicName}-sub`, { deadLetterPolicy: { deadLetterTopic: dead.name, maxDeliveryAttempts: 5 }, ackDeadlineSeconds: 10 });

    // Every request to the poisoned bucket answers 503, so extraction can only fail transiently.
    for (let i = 0; i < 100; i++) peers.gcs.failNext((r) => r.path.includes('/b/poisoned/o/'), 503);
    const quickStorage = new Storage({ apiEndpoint: peers.gcs.url, projectId: PROJECT, retryOptions: { maxRetries: 1, maxRetryDelay: 0.01, retryDelayMultiplier: 1 } });
    const store = new GcsStore(quickStorage);
    const request: ExtractRequest = { gifId: 'poison', batchId: 'poison-test', source: { bucket: 'poisoned', name: 'p.gif', generation: '42' }, description: null, manifest: null };
    const attempts = extractOnDelivery(subscription, store, 'poison-out');
    const { data, attributes } = encodeRequest(request);
    await topic.publishMessage({ data, attributes });
    await waitFor('five delivery attempts', async () => attempts.length >= 5, 30_000);

    // Compaction's first act: dead letters become failed records, which it then makes rows.
    const healthy = new GcsStore(peers.storage);
    // The client options the PubSub wrapper worked out for the emulator (host, port, insecure channel).
    const subscriber = new v1.SubscriberClient(peers.pubsub.options as ConstructorParameters<typeof v1.SubscriberClient>[0]);
    const recorded = await waitFor('the dead letter', async () => (await recordDeadLetters(subscriber, deadSubscription.name, { store: healthy, outputBucket: 'poison-out' })) || false, 30_000);
    expect(recorded).toBe(1);
    await subscriber.close();
    // The emulator moves a message to the dead-letter topic when it would deliver it a sixth time.
    await subscription.close();
    expect(attempts).toEqual([1, 2, 3, 4, 5]);
    const [record] = inboxRecords(peers.gcs, 'poison-out');
    expect(record!.errorMessage).toContain('gave up after 5 delivery attempts');
    const warehouse = new BigQueryWarehouse(peers.bigquery, 'poison');
    await warehouse.ensureTables();
    await compact({ store: healthy, warehouse, outputBucket: 'poison-out' });
    expect(await warehouse.query('SELECT gif_id, status, error_code FROM poison.gifs')).toEqual([{ gif_id: 'poison', status: 'failed', error_code: 'DELIVERY_FAILED' }]);
  });

  it('records a 403 from the store as a failed row at the first delivery, not after every retry', async () => {
    const topicName = `forbidden-${Date.now().toString(36)}`;
    const [topic] = await peers.pubsub.createTopic(topicName);
    const [subscription] = await topic.createSubscription(`${topicName}-sub`, { ackDeadlineSeconds: 10 });
    peers.gcs.put('forbidden', 'f.gif', readFileSync(corpusPath('gifs', 'bumptech__glide__test.gif')), 'image/gif');
    peers.gcs.failNext((r) => r.path.includes('/b/forbidden/o/'), 403);
    const store = new GcsStore(peers.storage);
    const request: ExtractRequest = { gifId: 'forbidden', batchId: 'forbidden-test', source: { bucket: 'forbidden', name: 'f.gif', generation: '7' }, description: null, manifest: null };
    const attempts = extractOnDelivery(subscription, store, 'forbidden-out');
    const { data, attributes } = encodeRequest(request);
    await topic.publishMessage({ data, attributes });
    await waitFor('the failed record', async () => inboxRecords(peers.gcs, 'forbidden-out').length > 0, 30_000);
    // Longer than the emulator takes to redeliver a nacked message, to see that none comes.
    await new Promise((r) => setTimeout(r, 1500));
    await subscription.close();
    expect(attempts).toHaveLength(1);
    expect(inboxRecords(peers.gcs, 'forbidden-out')).toEqual([expect.objectContaining({ status: 'failed', errorCode: 'ACCESS_DENIED', sourceGeneration: '7' })]);
  });
});

/** Runs extract on each delivery as the push endpoint would: ack on success, nack on a thrown error. Returns each delivery's attempt number. */
function extractOnDelivery(subscription: Subscription, store: GcsStore, outputBucket: string): number[] {
  const attempts: number[] = [];
  subscription.on('message', async (m: Message) => {
    attempts.push(m.deliveryAttempt);
    try {
      await extractStep({ message: { data: m.data.toString('base64'), attributes: m.attributes, messageId: m.id } }, { store, outputBucket });
      m.ack();
    } catch {
      m.nack();
    }
  });
  return attempts;
}
