/**
 * The queue on one machine, with Pub/Sub's delivery rules: at-least-once,
 * no ordering promise, a nack (a thrown error) redelivers after an
 * exponential backoff, and after `maxDeliveryAttempts` the message goes to
 * the dead-letter handler instead.
 */
import { randomUUID } from 'node:crypto';
import { pushEnvelope, type MessagePublishedData } from '../../pipeline/events.ts';
import type { Publisher } from '../../pipeline/ports.ts';

export interface DeliveryPolicy {
  /** Pub/Sub allows 5 to 100; 5 is its default. */
  maxDeliveryAttempts: number;
  minBackoffMs: number;
  maxBackoffMs: number;
}

export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = Object.freeze({ maxDeliveryAttempts: 5, minBackoffMs: 100, maxBackoffMs: 10_000 });

interface Pending {
  id: string;
  data: Buffer;
  attributes: Record<string, string>;
  attempts: number;
  notBefore: number;
}

export type Handler = (event: MessagePublishedData, attempt: number) => Promise<void>;
export type DeadLetterHandler = (event: MessagePublishedData, lastError: unknown) => Promise<void>;

export class LocalQueue implements Publisher {
  readonly #policy: DeliveryPolicy;
  readonly #pending: Pending[] = [];
  #published = 0;
  #deliveries = 0;

  constructor(policy: Partial<DeliveryPolicy> = {}) {
    this.#policy = { ...DEFAULT_DELIVERY_POLICY, ...policy };
  }

  get published(): number {
    return this.#published;
  }

  /** Deliveries made, redeliveries included. */
  get deliveries(): number {
    return this.#deliveries;
  }

  get size(): number {
    return this.#pending.length;
  }

  async publish(data: Buffer, attributes: Record<string, string>): Promise<void> {
    this.#pending.push({ id: randomUUID(), data, attributes, attempts: 0, notBefore: 0 });
    this.#published++;
  }

  async flush(): Promise<void> {}

  /**
   * Delivers every message to `handler`, up to `concurrency` at a time, until
   * none is left: acknowledged, or handed to `deadLetter`.
   */
  async drain(handler: Handler, options: { concurrency: number; deadLetter: DeadLetterHandler }): Promise<void> {
    const inFlight = new Set<Promise<void>>();
    while (this.#pending.length > 0 || inFlight.size > 0) {
      const now = Date.now();
      const ready = this.#pending.findIndex((m) => m.notBefore <= now);
      if (ready >= 0 && inFlight.size < options.concurrency) {
        const [message] = this.#pending.splice(ready, 1);
        const delivery = this.#deliver(message!, handler, options.deadLetter).finally(() => inFlight.delete(delivery));
        inFlight.add(delivery);
        continue;
      }
      const soonest = Math.min(...this.#pending.map((m) => m.notBefore));
      const wait = inFlight.size < options.concurrency && Number.isFinite(soonest) ? Math.max(1, soonest - now) : undefined;
      await Promise.race([...inFlight, ...(wait === undefined ? [] : [sleep(wait)])]);
    }
  }

  async #deliver(message: Pending, handler: Handler, deadLetter: DeadLetterHandler): Promise<void> {
    message.attempts++;
    this.#deliveries++;
    const event = pushEnvelope(message.data, message.attributes, message.id, 'local/extract-requests');
    try {
      await handler(event, message.attempts);
    } catch (error) {
      if (message.attempts >= this.#policy.maxDeliveryAttempts) {
        await deadLetter(event, error);
        return;
      }
      const backoff = Math.min(this.#policy.maxBackoffMs, this.#policy.minBackoffMs * 2 ** (message.attempts - 1));
      message.notBefore = Date.now() + backoff;
      this.#pending.push(message);
    }
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
