/**
 * Seeded fault injection over the three ports: each call fails with a
 * TransientError (a "503") at the given rate. For chaos runs of the local
 * pipeline (`framesift run --fault-rate 0.05`) and the tests that prove
 * nothing is lost or doubled when the cloud misbehaves.
 */
import { Readable } from 'node:stream';
import { TransientError, type ObjectStore, type Publisher, type Warehouse } from '../pipeline/ports.ts';

export interface FaultPlan {
  rate: number;
  random: () => number;
  /** Faults injected so far. */
  injected?: number;
}

function maybeFail(plan: FaultPlan, what: string): void {
  if (plan.random() >= plan.rate) return;
  plan.injected = (plan.injected ?? 0) + 1;
  throw new TransientError(`503 Service Unavailable (injected) during ${what}`);
}

export function faultyStore(store: ObjectStore, plan: FaultPlan): ObjectStore {
  return {
    stat: async (ref) => (maybeFail(plan, 'stat'), store.stat(ref)),
    read: async (ref) => (maybeFail(plan, 'read'), store.read(ref)),
    download: async (ref, path) => (maybeFail(plan, 'download'), store.download(ref, path)),
    writeIfAbsent: async (ref, data, type) => (maybeFail(plan, 'write'), store.writeIfAbsent(ref, data, type)),
    createReadStream(ref) {
      try {
        maybeFail(plan, 'read stream');
      } catch (error) {
        return new Readable({ read() { this.destroy(error as Error); } });
      }
      return store.createReadStream(ref);
    },
    async *list(bucket, prefix) {
      maybeFail(plan, 'list');
      yield* store.list(bucket, prefix);
    },
    replace: async (ref, data, type) => (maybeFail(plan, 'write'), store.replace(ref, data, type)),
    delete: async (ref) => (maybeFail(plan, 'delete'), store.delete(ref)),
  };
}

export function faultyPublisher(publisher: Publisher, plan: FaultPlan): Publisher {
  return {
    publish: async (data, attributes) => (maybeFail(plan, 'publish'), publisher.publish(data, attributes)),
    flush: () => publisher.flush(),
  };
}

export function faultyWarehouse(warehouse: Warehouse, plan: FaultPlan): Warehouse {
  return { load: async (table, uris, job) => (maybeFail(plan, 'load'), warehouse.load(table, uris, job)) };
}
