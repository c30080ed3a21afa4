/**
 * The records inbox on the Pub/Sub emulator: extraction's records published
 * to a topic, compaction pulling them from a subscription. A compaction run
 * killed before and after each of its store, warehouse and Pub/Sub calls in
 * turn, its pulled messages then redelivered (as when their ack deadline
 * passes), and run again, loses no row and doubles none.
 */
import { v1, type PubSub } from '@google-cloud/pubsub';
import { afterAll, describe, expect, it } from 'vitest';
import { PubSubInboxSource, PubSubRecordInbox } from '../../shared/adapters/gcp/pubsub-inbox.ts';
import { compact } from '../../shared/pipeline/compact.ts';
import { PROJECT, useCloudPeers } from '../support/cloud.ts';
import { killSwitch, killableStore, killableSubscriber, killableWarehouse, wasKilled } from '../support/killable.ts';
import { LOADED, compactionWorld } from '../support/compaction-world.ts';

const peers = useCloudPeers();
/** Short, so each run's last, empty pull ends quickly. */
const PULL_DEADLINE_MS = 300;
let worlds = 0;

async function subscription(pubsub: PubSub): Promise<{ topic: string; subscription: string }> {
  const topic = `records-${Date.now().toString(36)}-${worlds++}`;
  const [created] = await pubsub.createTopic(topic);
  await created.createSubscription(`${topic}-pull`, { ackDeadlineSeconds: 600 });
  return { topic, subscription: `projects/${PROJECT}/subscriptions/${topic}-pull` };
}

/** One client for the file: what a run holds is in its source (its pulled ack ids), not in the client. */
let client: v1.SubscriberClient | undefined;
const subscriber = () => (client ??= new v1.SubscriberClient(peers.pubsub.options as ConstructorParameters<typeof v1.SubscriberClient>[0]));
afterAll(() => client?.close());

async function world(name: string) {
  const names = await subscription(peers.pubsub);
  // Extraction's three records go to the topic; fan-out's rejected line and entries to the bucket's inbox.
  const created = await compactionWorld(name, new PubSubRecordInbox(peers.pubsub, names.topic));
  const source = (client = subscriber()) => new PubSubInboxSource(client, names.subscription, { pullDeadlineMs: PULL_DEADLINE_MS });
  return { ...created, source, subscriptionName: names.subscription };
}

describe('the records inbox on Pub/Sub', () => {
  it('loads records from the subscription with the bucket inbox, in one batch per shard, and acknowledges them', async () => {
    const { store, warehouse, state, source } = await world('clean');
    const result = await compact({ store, warehouse, outputBucket: 'out', concurrency: 1, sources: [source()] });
    expect(result).toMatchObject({ records: 5, rows: { gifs: 4, key_frames: 0, manifest_entries: 2 }, resumed: 0, redelivered: 0 });
    expect(await state()).toEqual(LOADED);
    // Acknowledged: a new run's pull finds nothing.
    expect(await source().take(10)).toEqual([]);
    await warehouse.close();
  });

  it('killed at every step, then redelivered, loses no row and doubles none', async () => {
    const probe = await world('count');
    const counted = killSwitch(Infinity);
    const probeRun = { store: killableStore(probe.store, counted), warehouse: killableWarehouse(probe.warehouse, counted) };
    await compact({ ...probeRun, outputBucket: 'out', concurrency: 1, sources: [probe.source(killableSubscriber(subscriber(), counted).client)] });
    await probe.warehouse.close();
    const steps = counted.steps();
    expect(steps).toBeGreaterThan(30);

    let kills = 0;
    for (let killAt = 1; killAt <= steps; killAt++) {
      const { store, warehouse, state, left, source, subscriptionName } = await world(`at-${killAt}`);
      const kill = killSwitch(killAt);
      const pulls = killableSubscriber(subscriber(), kill);
      const doomed = compact({ store: killableStore(store, kill), warehouse: killableWarehouse(warehouse, kill), outputBucket: 'out', concurrency: 1, sources: [source(pulls.client)] });
      // The emulator may hand the three messages over in one pull or several, so the last steps may not be reached.
      if (await wasKilled(doomed)) kills++;
      // What the killed run pulled comes back, as it would once its ack deadline passed.
      await pulls.expireLeases(subscriptionName);
      await compact({ store, warehouse, outputBucket: 'out', concurrency: 1, sources: [source()] });
      expect({ killAt, ...(await state()) }).toEqual({ killAt, ...LOADED });
      expect(await compact({ store, warehouse, outputBucket: 'out', sources: [source()] })).toMatchObject({ records: 0, resumed: 0 });
      expect({ killAt, left: await left() }).toEqual({ killAt, left: [] });
      await warehouse.close();
    }
    expect(kills).toBeGreaterThan(steps - 5);
  }, 300_000);
});
