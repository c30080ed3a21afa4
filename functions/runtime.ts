/**
 * The ports each function uses, opened at start-up. Each opener imports only
 * its own backend's implementation, so an instance loads the clients of the
 * function it serves and nothing else: extract never loads BigQuery, and no
 * deployed function loads DuckDB. Opening them before the server listens means
 * a missing package fails the deployment's health check, not the first event.
 * Each port is opened once per process.
 */
import type { v1 } from '@google-cloud/pubsub';
import type { ObjectStore, Publisher, RecordInbox, Warehouse } from '../shared/pipeline/ports.ts';
import type { Backend } from './backends/backend.ts';
import type { FunctionConfig } from './config.ts';

const opened = new Map<string, Promise<unknown>>();

function open<T>(config: FunctionConfig, port: keyof Backend, create: (backend: Backend) => Promise<T>): Promise<T> {
  let pending = opened.get(port) as Promise<T> | undefined;
  if (!pending) opened.set(port, (pending = backendOf(config).then(create)));
  return pending;
}

async function backendOf(config: FunctionConfig): Promise<Backend> {
  if (config.backend === 'local') return (await import('./backends/local.ts')).localBackend;
  return (await import('./backends/gcp.ts')).gcpBackend;
}

export const openStore = (config: FunctionConfig): Promise<ObjectStore> => open(config, 'store', (b) => b.store(config));
export const openPublisher = (config: FunctionConfig): Promise<Publisher> => open(config, 'publisher', (b) => b.publisher(config));
export const openWarehouse = (config: FunctionConfig): Promise<Warehouse> => open(config, 'warehouse', (b) => b.warehouse(config));
export const openRecordInbox = (config: FunctionConfig): Promise<RecordInbox> => open(config, 'recordInbox', (b) => b.recordInbox(config));
export const openSubscriber = (config: FunctionConfig): Promise<v1.SubscriberClient> => open(config, 'subscriber', (b) => b.subscriber());
