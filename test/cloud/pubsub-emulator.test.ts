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
import { waitFor } from '../support/wait.ts';
import { readFileSync } from 'node:fs';

const peers = useCloudPeers();
const unique = (name: string) => `${name}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;

describe('Pub/Sub emulator', () => {
  const servers: FunctionServer[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
  });

  it('carries a 10,000-line manifest fanned out as 10,000 messages', async () => {
    const store = new GcsStore(peers.storage);
    const lines = Array.from({ length: 10_000 }, (_, i) => `gif_${String(i).padStart(5, '0')}: clip number ${i}`);
    await store.writeIfAbsent({ bucket: 'ingest', name: 'big/manifest.txt' }, `${lines.join('\n')}\n`, 'text/plain');
    const stat = await store.stat({ bucket: 'ingest', name: 'big/manifest.txt' });
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
      { bucket: 'ingest', name: 'big/manifest.txt', generation: stat!.generation },
      { store, publisher: new PubSubPublisher(peers.pubsub, topicName), outputBucket: 'out' },
    );
    expect(result).toMatchObject({ published: 10_000, rejected: 0 });
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

    const recordName = `records/circle/${source.generation}.json`;
    const stored = await waitFor('the record written by the pushed extract', async () => peers.gcs.object('push-out', recordName), 60_000);
    const record = JSON.parse(stored.data.toString()) as { status: string; keyFrameUris: string[]; description: string };
    expect(record, extract.logs()).toMatchObject({ status: 'ok', description: 'a circle' });
    for (const uri of record.keyFrameUris) expect(peers.gcs.object('push-out', uri.replace('gs://push-out/', ''))?.contentType).toBe('image/png');
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
    const record = JSON.parse(peers.gcs.object('poison-out', 'records/poison/42.json')!.data.toString()) as { errorMessage: string };
    expect(record.errorMessage).toContain('gave up after 5 delivery attempts');
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
    await waitFor('the failed record', async () => peers.gcs.object('forbidden-out', 'records/forbidden/7.json') !== undefined, 30_000);
    // Longer than the emulator takes to redeliver a nacked message, to see that none comes.
    await new Promise((r) => setTimeout(r, 1500));
    await subscription.close();
    expect(attempts).toHaveLength(1);
    const record = JSON.parse(peers.gcs.object('forbidden-out', 'records/forbidden/7.json')!.data.toString());
    expect(record).toMatchObject({ status: 'failed', errorCode: 'ACCESS_DENIED' });
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
