/**
 * Pub/Sub's dead letters: compaction pulls the dead-letter subscription at the
 * start of each run, hands each message to the pipeline's `recordDeadLetter`,
 * and acknowledges only what it recorded, so a crash leaves the rest for next time.
 */
import type { v1 } from '@google-cloud/pubsub';
import { recordDeadLetter } from '../../pipeline/dead-letters.ts';
import type { ObjectStore } from '../../pipeline/ports.ts';

/** Messages per pull; the API's maximum is 1,000. */
const PULL_SIZE = 500;
/** Pulls per run, so one run stays within the function's timeout. */
const MAX_PULLS = 20;
/** An empty pull is held open by the server; past this, the queue counts as empty. */
const PULL_DEADLINE_MS = 3000;
const DEADLINE_EXCEEDED = 4;

export async function recordDeadLetters(
  subscriber: v1.SubscriberClient,
  subscription: string,
  deps: { store: ObjectStore; outputBucket: string },
): Promise<number> {
  let recorded = 0;
  for (let pull = 0; pull < MAX_PULLS; pull++) {
    let messages;
    try {
      const [response] = await subscriber.pull({ subscription, maxMessages: PULL_SIZE }, { timeout: PULL_DEADLINE_MS });
      messages = response.receivedMessages ?? [];
    } catch (error) {
      if ((error as { code?: number }).code === DEADLINE_EXCEEDED) break;
      throw error;
    }
    if (messages.length === 0) break;
    const ackIds: string[] = [];
    for (const received of messages) {
      const data = received.message?.data;
      const deliveries = received.message?.attributes?.CloudPubSubDeadLetterSourceDeliveryCount ?? 'the maximum number of';
      const event = { message: { data: data ? Buffer.from(data as Uint8Array).toString('base64') : undefined } };
      if (await recordDeadLetter(event, `gave up after ${deliveries} delivery attempts`, deps)) recorded++;
      ackIds.push(received.ackId!);
    }
    await subscriber.acknowledge({ subscription, ackIds });
  }
  return recorded;
}
