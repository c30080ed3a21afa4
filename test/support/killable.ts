/**
 * Calls counted in and out, with a throw at the chosen one, as a killed
 * instance stops: for the tests that kill compaction at every step.
 */
import type { v1 } from '@google-cloud/pubsub';
import type { ObjectStore, Warehouse } from '../../shared/pipeline/ports.ts';

export class Killed extends Error {}

export interface Killable {
  around<T>(call: () => Promise<T>): Promise<T>;
  tick(): void;
  steps(): number;
}

export function killSwitch(killAt: number): Killable {
  let step = 0;
  const tick = () => {
    if (++step === killAt) throw new Killed(`killed at step ${killAt}`);
  };
  return {
    tick,
    steps: () => step,
    async around(call) {
      tick();
      const value = await call();
      tick();
      return value;
    },
  };
}

export function killableStore(store: ObjectStore, kill: Killable): ObjectStore {
  const { around, tick } = kill;
  return {
    stat: (ref) => around(() => store.stat(ref)),
    read: (ref) => around(() => store.read(ref)),
    download: (ref, path) => around(() => store.download(ref, path)),
    writeIfAbsent: (ref, data, type) => around(() => store.writeIfAbsent(ref, data, type)),
    replace: (ref, data, type) => around(() => store.replace(ref, data, type)),
    delete: (ref) => around(() => store.delete(ref)),
    createReadStream: (ref) => store.createReadStream(ref),
    async *list(bucket, prefix) {
      tick();
      yield* store.list(bucket, prefix);
    },
  };
}

export function killableWarehouse(warehouse: Warehouse, kill: Killable): Warehouse {
  return { load: (table, uris, job) => kill.around(() => warehouse.load(table, uris, job)) };
}

/**
 * The calls a records source makes, each a step. `expireLeases` hands back
 * everything it pulled, as Pub/Sub does once a dead instance's ack deadline
 * passes, so a test need not wait ten minutes for the redelivery.
 */
export function killableSubscriber(subscriber: v1.SubscriberClient, kill: Killable): { client: v1.SubscriberClient; expireLeases(subscription: string): Promise<void> } {
  const leased: string[] = [];
  const client = {
    pull: (request: never, options: never) =>
      kill.around(async () => {
        const response = await subscriber.pull(request, options);
        for (const received of response[0].receivedMessages ?? []) leased.push(received.ackId!);
        return response;
      }),
    acknowledge: (request: never) => kill.around(() => subscriber.acknowledge(request)),
  } as unknown as v1.SubscriberClient;
  return {
    client,
    async expireLeases(subscription) {
      // Acknowledged ones are gone whatever their deadline; the emulator ignores them.
      if (leased.length > 0) await subscriber.modifyAckDeadline({ subscription, ackIds: leased.splice(0), ackDeadlineSeconds: 0 });
    },
  };
}

/** Whether a run stopped at the kill, however its adapters wrapped the throw. */
export async function wasKilled(run: Promise<unknown>): Promise<boolean> {
  try {
    await run;
    return false;
  } catch (error) {
    for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) if (e instanceof Killed) return true;
    throw error;
  }
}
