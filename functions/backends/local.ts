/**
 * The functions on the local adapters (folders, an in-process queue, DuckDB),
 * for running them under functions-framework from the source tree. Nothing
 * drains that queue but its caller, so this serves tests and experiments; the
 * local deployment proper is `framesift run`. The deployed build leaves it out.
 */
import type { Backend } from './backend.ts';

export const localBackend: Backend = {
  async store(config) {
    const [{ localStore }, { localPaths }] = await Promise.all([import('../../local/adapters.ts'), import('../../local/layout.ts')]);
    return localStore(localPaths(config.localRoot));
  },
  async publisher() {
    const { LocalQueue } = await import('../../shared/adapters/local/local-queue.ts');
    return new LocalQueue();
  },
  async warehouse(config) {
    const [{ localWarehouse }, { localPaths }] = await Promise.all([import('../../local/adapters.ts'), import('../../local/layout.ts')]);
    return localWarehouse(localPaths(config.localRoot), config.outputBucket);
  },
  recordInbox() {
    return Promise.reject(new Error('The local backend keeps records in the output bucket: FRAMESIFT_RECORDS_TOPIC is for the cloud'));
  },
  subscriber() {
    return Promise.reject(new Error('The local backend has no dead-letter subscription: its queue dead-letters in process'));
  },
};
