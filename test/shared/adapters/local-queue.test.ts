import { describe, expect, it } from 'vitest';
import { LocalQueue } from '../../../shared/adapters/local/local-queue.ts';

const message = (n: number) => Buffer.from(JSON.stringify({ n }));
const numberOf = (data: string | undefined) => (JSON.parse(Buffer.from(data!, 'base64').toString()) as { n: number }).n;

describe('LocalQueue', () => {
  it('delivers every message once when handlers succeed, up to the concurrency', async () => {
    const queue = new LocalQueue();
    for (let n = 0; n < 20; n++) await queue.publish(message(n), { n: String(n) });
    const seen: number[] = [];
    let running = 0;
    let most = 0;
    await queue.drain(
      async (event) => {
        running++;
        most = Math.max(most, running);
        await new Promise((r) => setTimeout(r, 2));
        seen.push(numberOf(event.message.data));
        expect(event.message.attributes).toEqual({ n: String(numberOf(event.message.data)) });
        running--;
      },
      { concurrency: 3, deadLetter: async () => expect.fail('nothing should be dead-lettered') },
    );
    expect(seen.sort((a, b) => a - b)).toEqual([...Array(20).keys()]);
    expect(most).toBe(3);
  });

  it('redelivers a nacked message with backoff, then succeeds', async () => {
    const queue = new LocalQueue({ minBackoffMs: 5 });
    await queue.publish(message(1), {});
    const attempts: number[] = [];
    await queue.drain(
      async (_, attempt) => {
        attempts.push(attempt);
        if (attempt < 3) throw new Error('transient');
      },
      { concurrency: 1, deadLetter: async () => expect.fail('should succeed on the third attempt') },
    );
    expect(attempts).toEqual([1, 2, 3]);
  });

  it('dead-letters a message after maxDeliveryAttempts', async () => {
    const queue = new LocalQueue({ maxDeliveryAttempts: 4, minBackoffMs: 1 });
    await queue.publish(message(7), {});
    await queue.publish(message(8), {});
    let deliveries = 0;
    const dead: Array<[number, string]> = [];
    await queue.drain(
      async (event) => {
        if (numberOf(event.message.data) === 7) {
          deliveries++;
          throw new Error('poison');
        }
      },
      { concurrency: 2, deadLetter: async (event, error) => void dead.push([numberOf(event.message.data), (error as Error).message]) },
    );
    expect(deliveries).toBe(4);
    expect(dead).toEqual([[7, 'poison']]);
  });
});
