/**
 * The records inbox's contract, run against both implementations: objects in
 * the bucket's inbox shards (local) and the records topic and its pull
 * subscription (cloud, on the real emulator). What is put is taken, once per
 * run; what is settled is gone; what a run took and did not settle comes back
 * to a later run, and a source says which ids it could not settle.
 */
import { v1 } from '@google-cloud/pubsub';
import { afterAll, describe, expect, it } from 'vitest';
import { PubSubInboxSource, PubSubRecordInbox } from '../../../shared/adapters/gcp/pubsub-inbox.ts';
import { FolderStore } from '../../../shared/adapters/local/folder-store.ts';
import { COMPACTION_SHARDS } from '../../../shared/pipeline/layout.ts';
import { MergedSource } from '../../../shared/pipeline/merged-source.ts';
import type { InboxSource, RecordInbox } from '../../../shared/pipeline/ports.ts';
import { StoreInboxShard, StoreRecordInbox } from '../../../shared/pipeline/store-inbox.ts';
import { PROJECT, useCloudPeers } from '../../support/cloud.ts';
import { failedRecord, inboxNameOf } from '../../support/records.ts';
import { tempDir } from '../../support/tmp.ts';

const peers = useCloudPeers();
/** Pub/Sub's shortest ack deadline: what a run took and left comes back after it. */
const ACK_DEADLINE_S = 10;
let inboxes = 0;
let client: v1.SubscriberClient | undefined;
afterAll(() => client?.close());

interface Inbox {
  inbox: RecordInbox;
  /** A source as one compaction run sees it. */
  run(): InboxSource;
  /** How long what a run left unsettled takes to come back. */
  returnsAfterMs: number;
}

const implementations: Array<[string, () => Promise<Inbox>]> = [
  [
    'objects in the inbox shards',
    async () => {
      const store = new FolderStore(tempDir('framesift-inbox-'));
      return {
        inbox: new StoreRecordInbox(store, 'out'),
        run: () => new MergedSource('all', COMPACTION_SHARDS.map((shard) => new StoreInboxShard(store, 'out', shard, 4))),
        returnsAfterMs: 0,
      };
    },
  ],
  [
    'the records topic and its pull subscription',
    async () => {
      const topic = `inbox-contract-${Date.now().toString(36)}-${inboxes++}`;
      const [created] = await peers.pubsub.createTopic(topic);
      await created.createSubscription(`${topic}-pull`, { ackDeadlineSeconds: ACK_DEADLINE_S });
      client ??= new v1.SubscriberClient(peers.pubsub.options as ConstructorParameters<typeof v1.SubscriberClient>[0]);
      const subscriber = client;
      return {
        inbox: new PubSubRecordInbox(peers.pubsub, topic),
        run: () => new PubSubInboxSource(subscriber, `projects/${PROJECT}/subscriptions/${topic}-pull`, { pullDeadlineMs: 500 }),
        returnsAfterMs: ACK_DEADLINE_S * 1000 + 1000,
      };
    },
  ],
];

const records = ['a', 'b', 'c'].map((id) => failedRecord(id));
const putAll = (inbox: RecordInbox) => Promise.all(records.map((r) => inbox.put(inboxNameOf(r), JSON.stringify(r))));
const bodies = (items: Array<{ body: string }>) => items.map((i) => (JSON.parse(i.body) as { gifId: string }).gifId).sort();

describe.each(implementations)('RecordInbox and InboxSource contract: %s', (_, make) => {
  it('gives each record once to a run, with its name, and nothing more once settled', async () => {
    const { inbox, run } = await make();
    await putAll(inbox);
    const source = run();
    const taken = await source.take(10);
    expect(bodies(taken)).toEqual(['a', 'b', 'c']);
    expect(taken.map((i) => i.name).sort()).toEqual(records.map(inboxNameOf).sort());
    expect(await source.take(10)).toEqual([]);
    expect(await source.settle(taken.map((i) => i.id))).toEqual([]);
    expect(await run().take(10)).toEqual([]);
  });

  it('takes no more than asked', async () => {
    const { inbox, run } = await make();
    await putAll(inbox);
    const source = run();
    const first = await source.take(2);
    expect(first).toHaveLength(2);
    const rest = await source.take(10);
    expect(bodies([...first, ...rest])).toEqual(['a', 'b', 'c']);
    await source.settle([...first, ...rest].map((i) => i.id));
  });

  it('gives a later run what a run took and left, and says which ids another run could not settle', async () => {
    const { inbox, run, returnsAfterMs } = await make();
    await putAll(inbox);
    const abandoned = await run().take(10);
    expect(abandoned).toHaveLength(3);
    await new Promise((resolve) => setTimeout(resolve, returnsAfterMs));
    const later = run();
    const again = await later.take(10);
    // The same records under the same ids: that is how compaction recognises what a killed run loaded.
    expect(again.map((i) => i.id).sort()).toEqual(abandoned.map((i) => i.id).sort());
    const kept = await run().settle(again.map((i) => i.id));
    // A source either removes them (objects, by name) or reports them kept (a subscription acknowledges only what it pulled).
    expect(kept.length === 0 || kept.length === again.length).toBe(true);
    expect(await later.settle(again.map((i) => i.id))).toEqual([]);
  }, 30_000);
});
