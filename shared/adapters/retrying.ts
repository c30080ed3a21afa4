/**
 * Retries each call a few times on transient errors, as Google's clients do
 * inside GcsStore and PubSubPublisher. Local chaos runs put this over the
 * faulty ports, so the faults that reach the pipeline are the ones a client
 * would let through: those the steps and the queue must then survive.
 */
import { isTransient, type ObjectStore, type Publisher, type Warehouse } from '../pipeline/ports.ts';
import { retryTransient } from '../pipeline/retry.ts';

const CLIENT_ATTEMPTS = { attempts: 3, backoffMs: 5 };

export function retryingStore(store: ObjectStore): ObjectStore {
  return {
    stat: (ref) => retryTransient(() => store.stat(ref), CLIENT_ATTEMPTS),
    read: (ref) => retryTransient(() => store.read(ref), CLIENT_ATTEMPTS),
    download: (ref, path) => retryTransient(() => store.download(ref, path), CLIENT_ATTEMPTS),
    writeIfAbsent: (ref, data, type) => retryTransient(() => store.writeIfAbsent(ref, data, type), CLIENT_ATTEMPTS),
    // A stream cannot be retried from the middle; its reader retries the whole step.
    createReadStream: (ref) => store.createReadStream(ref),
    list: (bucket, prefix) => retryingList(() => store.list(bucket, prefix)),
    replace: (ref, data, type) => retryTransient(() => store.replace(ref, data, type), CLIENT_ATTEMPTS),
    delete: (ref) => retryTransient(() => store.delete(ref), CLIENT_ATTEMPTS),
  };
}

/** A listing is retried until its first object arrives, as the client retries a page; after that, its reader retries. */
async function* retryingList<T>(list: () => AsyncIterable<T>): AsyncIterable<T> {
  for (let attempt = 1; ; attempt++) {
    let started = false;
    try {
      for await (const item of list()) {
        started = true;
        yield item;
      }
      return;
    } catch (error) {
      if (started || !isTransient(error) || attempt >= CLIENT_ATTEMPTS.attempts) throw error;
    }
  }
}

export function retryingPublisher(publisher: Publisher): Publisher {
  return {
    publish: (data, attributes) => retryTransient(() => publisher.publish(data, attributes), CLIENT_ATTEMPTS),
    flush: () => publisher.flush(),
  };
}

export function retryingWarehouse(warehouse: Warehouse): Warehouse {
  return { load: (table, uris, job) => retryTransient(() => warehouse.load(table, uris, job), CLIENT_ATTEMPTS) };
}
