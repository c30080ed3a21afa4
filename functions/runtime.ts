/**
 * The clients each function needs, created on first use (not at import, so a
 * misconfigured deployment says so in its first event's log, and tests can set
 * the environment first) and reused across events.
 */
import { join } from 'node:path';
import { BigQuery } from '@google-cloud/bigquery';
import { PubSub, v1 } from '@google-cloud/pubsub';
import { Storage } from '@google-cloud/storage';
import { OAuth2Client } from 'google-auth-library';
import { BigQueryWarehouse } from '../shared/adapters/gcp/bigquery-warehouse.ts';
import { GcsStore } from '../shared/adapters/gcp/gcs-store.ts';
import { PubSubPublisher } from '../shared/adapters/gcp/pubsub-publisher.ts';
import { DuckDbWarehouse } from '../shared/adapters/local/duckdb-warehouse.ts';
import { FolderStore } from '../shared/adapters/local/folder-store.ts';
import { LocalQueue } from '../shared/adapters/local/local-queue.ts';
import type { ObjectStore, Publisher, Warehouse } from '../shared/pipeline/ports.ts';
import { loadConfig, type FunctionConfig } from './config.ts';

export class Runtime {
  readonly config: FunctionConfig;
  #store: ObjectStore | undefined;
  #publisher: Publisher | undefined;
  #warehouse: Warehouse | undefined;
  #subscriber: v1.SubscriberClient | undefined;

  constructor(config: FunctionConfig) {
    this.config = config;
  }

  get store(): ObjectStore {
    return (this.#store ??= this.config.backend === 'local' ? new FolderStore(join(this.config.localRoot, 'buckets')) : new GcsStore(new Storage()));
  }

  get publisher(): Publisher {
    return (this.#publisher ??= this.config.backend === 'local' ? new LocalQueue() : new PubSubPublisher(new PubSub(), this.config.topic));
  }

  /** Pulls dead letters; honours PUBSUB_EMULATOR_HOST through the PubSub wrapper's options. */
  get subscriber(): v1.SubscriberClient {
    return (this.#subscriber ??= new v1.SubscriberClient(new PubSub().options as ConstructorParameters<typeof v1.SubscriberClient>[0]));
  }

  get warehouse(): Warehouse {
    return (this.#warehouse ??=
      this.config.backend === 'local'
        ? new DuckDbWarehouse({ outputRoot: join(this.config.localRoot, 'buckets', this.config.outputBucket), databasePath: join(this.config.localRoot, 'warehouse.duckdb') })
        : new BigQueryWarehouse(bigQueryClient(), this.config.dataset));
  }
}

/**
 * Storage and Pub/Sub clients honour STORAGE_EMULATOR_HOST and PUBSUB_EMULATOR_HOST and
 * then skip authentication; BigQuery's reads BIGQUERY_EMULATOR_HOST but still asks for
 * credentials, so it gets a placeholder token there, which an emulator ignores.
 */
export function bigQueryClient(env: NodeJS.ProcessEnv = process.env): BigQuery {
  const emulator = env.BIGQUERY_EMULATOR_HOST;
  if (!emulator) return new BigQuery();
  const placeholder = new OAuth2Client();
  placeholder.setCredentials({ access_token: 'emulator', expiry_date: Number.MAX_SAFE_INTEGER });
  return new BigQuery({ apiEndpoint: emulator, projectId: env.GOOGLE_CLOUD_PROJECT ?? 'framesift-emulator', authClient: placeholder as never });
}

let current: Runtime | undefined;

export function runtime(): Runtime {
  return (current ??= new Runtime(loadConfig()));
}

/** Forgets the clients, so the next event builds them again from the environment (tests). */
export function resetRuntime(): void {
  current = undefined;
}
