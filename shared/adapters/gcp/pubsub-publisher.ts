/**
 * Publishing to Pub/Sub (@google-cloud/pubsub 5) through one reused topic:
 * the client batches messages, and at most `maxOutstanding` publishes are in
 * flight, so a million-line manifest never waits in memory. Nothing here
 * assumes ordering.
 */
import type { PubSub, Topic } from '@google-cloud/pubsub';
import type { Publisher } from '../../pipeline/ports.ts';
import { rethrow } from './errors.ts';

/** Pub/Sub's largest batch; fewer, larger requests are what make fan-out fast. */
const MAX_BATCH_MESSAGES = 1000;
/** A batch waits this long to fill: long enough to fill at fan-out's rate, short enough to be unnoticed for one file. */
const MAX_BATCH_WAIT_MS = 20;
/** Publishes in flight before `publish` waits: about 2 MB of requests, which bounds memory on a million-line manifest. */
const MAX_OUTSTANDING_PUBLISHES = 20_000;

export interface PubSubPublisherOptions {
  /** Messages per batch: Pub/Sub's maximum is 1,000. */
  maxMessages?: number;
  /** How long a batch may wait to fill. */
  maxMilliseconds?: number;
  /** Publishes awaiting their server acknowledgement before `publish` waits. */
  maxOutstanding?: number;
}

export class PubSubPublisher implements Publisher {
  readonly #topic: Topic;
  readonly #maxOutstanding: number;
  readonly #inFlight = new Set<Promise<unknown>>();
  #failure: unknown;
  #flushing: Promise<void> | undefined;

  constructor(pubsub: PubSub, topicName: string, options: PubSubPublisherOptions = {}) {
    this.#topic = pubsub.topic(topicName, {
      batching: { maxMessages: options.maxMessages ?? MAX_BATCH_MESSAGES, maxMilliseconds: options.maxMilliseconds ?? MAX_BATCH_WAIT_MS },
    });
    this.#maxOutstanding = options.maxOutstanding ?? MAX_OUTSTANDING_PUBLISHES;
  }

  async publish(data: Buffer, attributes: Record<string, string>): Promise<void> {
    if (this.#failure) rethrow(this.#failure, 'publish');
    const sent: Promise<void> = this.#topic.publishMessage({ data, attributes }).then(
      () => void this.#inFlight.delete(sent),
      (error: unknown) => {
        this.#inFlight.delete(sent);
        this.#failure ??= error;
      },
    );
    this.#inFlight.add(sent);
    while (this.#inFlight.size >= this.#maxOutstanding) await Promise.race(this.#inFlight);
  }

  /** Sends what is batched, waits for every acknowledgement, and fails if any publish failed. */
  async flush(): Promise<void> {
    // Callers serving events side by side share one flush of the topic (each would add a listener to its queue);
    // each then waits for every publish in flight, which covers its own.
    this.#flushing ??= this.#topic.flush().finally(() => (this.#flushing = undefined));
    await this.#flushing;
    await Promise.all(this.#inFlight);
    if (this.#failure) {
      const failure = this.#failure;
      this.#failure = undefined;
      rethrow(failure, 'publish');
    }
  }
}
