/**
 * The records inbox on Pub/Sub. Extraction publishes each file's record to
 * the records topic (a tenth of the price of an object write, at list price),
 * and compaction pulls them from a pull subscription a thousand at a time, so
 * collecting a record costs no Cloud Storage read either.
 *
 * A pulled message is acknowledged only after its rows are loaded. What a
 * killed run pulled comes back after the ack deadline, under the same message
 * id; compaction recognises it by that id (compact.ts).
 */
import type { PubSub, Topic, v1 } from '@google-cloud/pubsub';
import { TransientError, type InboxItem, type InboxSource, type RecordInbox } from '../../pipeline/ports.ts';

/** Pub/Sub's largest pull and a safe acknowledgement size (ack ids are ~200 bytes; a request may be 512 KB). */
const PULL_SIZE = 1000;
const ACK_SIZE = 1000;
/** An empty pull is held open by the server; past this, the subscription counts as drained. */
const DEFAULT_PULL_DEADLINE_MS = 2000;
const DEADLINE_EXCEEDED = 4;
/** A record waits this long for others to share its publish request: unnoticed beside an extraction. */
const BATCH_WAIT_MS = 10;

export class PubSubRecordInbox implements RecordInbox {
  readonly #topic: Topic;

  constructor(pubsub: PubSub, topicName: string) {
    this.#topic = pubsub.topic(topicName, { batching: { maxMessages: PULL_SIZE, maxMilliseconds: BATCH_WAIT_MS } });
  }

  async put(name: string, body: string): Promise<void> {
    try {
      await this.#topic.publishMessage({ data: Buffer.from(body), attributes: { name } });
    } catch (error) {
      // A record that cannot be queued must not be followed by its pack: the request is retried whole.
      throw new TransientError(`publish the record ${name}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }
}

export interface PubSubInboxOptions {
  /** How long an empty pull waits before the subscription counts as drained. */
  pullDeadlineMs?: number;
}

/** One compaction run's view of the records subscription: make one per run. */
export class PubSubInboxSource implements InboxSource {
  readonly id = 'records';
  /** Ack ids of what this process pulled and has not settled, by message id (a redelivery adds one). */
  readonly #pending = new Map<string, string[]>();
  readonly #settled = new Set<string>();
  readonly #pullDeadlineMs: number;
  /** Once a pull finds nothing, the rest of the run takes nothing more: what arrives later is the next run's. */
  #drained = false;

  constructor(
    private readonly subscriber: v1.SubscriberClient,
    /** The subscription's full name, `projects/<p>/subscriptions/<s>`. */
    private readonly subscription: string,
    options: PubSubInboxOptions = {},
  ) {
    this.#pullDeadlineMs = options.pullDeadlineMs ?? DEFAULT_PULL_DEADLINE_MS;
  }

  async take(max: number): Promise<InboxItem[]> {
    const items: InboxItem[] = [];
    const repeats: string[] = [];
    while (items.length < max && !this.#drained) {
      const received = await this.#pull(Math.min(PULL_SIZE, max - items.length));
      this.#drained = received.length === 0;
      for (const { ackId, message } of received) {
        const id = message!.messageId!;
        const taken = this.#pending.get(id);
        if (taken || this.#settled.has(id)) {
          // Redelivered while this run holds it (or after it loaded it): the same message, not a new record.
          if (taken) taken.push(ackId!);
          else repeats.push(ackId!);
          continue;
        }
        this.#pending.set(id, [ackId!]);
        items.push({ id, name: message!.attributes?.name ?? id, body: Buffer.from(message!.data as Uint8Array).toString('utf8') });
      }
    }
    await this.#acknowledge(repeats);
    return items;
  }

  async settle(ids: readonly string[]): Promise<string[]> {
    const unknown = ids.filter((id) => !this.#pending.has(id));
    const known = ids.filter((id) => this.#pending.has(id));
    try {
      await this.#acknowledge(known.flatMap((id) => this.#pending.get(id)!));
    } catch {
      // Not acknowledged: the messages may come back, so they are reported as kept and recognised when they do.
      return ids.slice();
    }
    for (const id of known) {
      this.#pending.delete(id);
      this.#settled.add(id);
    }
    return unknown;
  }

  async #pull(maxMessages: number): Promise<PulledMessage[]> {
    try {
      const [response] = await this.subscriber.pull({ subscription: this.subscription, maxMessages }, { timeout: this.#pullDeadlineMs });
      return (response.receivedMessages ?? []) as PulledMessage[];
    } catch (error) {
      if ((error as { code?: number }).code === DEADLINE_EXCEEDED) return [];
      throw new TransientError(`pull ${this.subscription}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }

  async #acknowledge(ackIds: readonly string[]): Promise<void> {
    for (let i = 0; i < ackIds.length; i += ACK_SIZE) await this.subscriber.acknowledge({ subscription: this.subscription, ackIds: ackIds.slice(i, i + ACK_SIZE) });
  }
}

interface PulledMessage {
  ackId?: string | null;
  message?: { messageId?: string | null; data?: Uint8Array | string | null; attributes?: Record<string, string> | null } | null;
}
