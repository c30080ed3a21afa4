import type { v1 } from '@google-cloud/pubsub';
import type { ObjectStore, Publisher, RecordInbox, Warehouse } from '../../shared/pipeline/ports.ts';
import type { FunctionConfig } from '../config.ts';

/** One backend's ports. Each opener imports its own implementation only when called. */
export interface Backend {
  store(config: FunctionConfig): Promise<ObjectStore>;
  publisher(config: FunctionConfig): Promise<Publisher>;
  warehouse(config: FunctionConfig): Promise<Warehouse>;
  /** The records topic extraction publishes to; only the cloud has one. */
  recordInbox(config: FunctionConfig): Promise<RecordInbox>;
  /** Pulls dead letters; only the cloud has them. */
  subscriber(): Promise<v1.SubscriberClient>;
}
