/** The deployed backend: Cloud Storage, Pub/Sub and BigQuery. */
import type { Backend } from './backend.ts';

export const gcpBackend: Backend = {
  async store() {
    const [{ Storage }, { GcsStore }] = await Promise.all([import('@google-cloud/storage'), import('../../shared/adapters/gcp/gcs-store.ts')]);
    return new GcsStore(new Storage());
  },
  async publisher(config) {
    const [{ PubSub }, { PubSubPublisher }] = await Promise.all([import('@google-cloud/pubsub'), import('../../shared/adapters/gcp/pubsub-publisher.ts')]);
    return new PubSubPublisher(new PubSub(), config.topic);
  },
  async recordInbox(config) {
    const [{ PubSub }, { PubSubRecordInbox }] = await Promise.all([import('@google-cloud/pubsub'), import('../../shared/adapters/gcp/pubsub-inbox.ts')]);
    return new PubSubRecordInbox(new PubSub(), config.recordsTopic!);
  },
  async warehouse(config) {
    const [{ BigQueryWarehouse }, { bigQueryClient }] = await Promise.all([import('../../shared/adapters/gcp/bigquery-warehouse.ts'), import('./bigquery-client.ts')]);
    return new BigQueryWarehouse(bigQueryClient(), config.dataset, { location: config.datasetLocation });
  },
  // Honours PUBSUB_EMULATOR_HOST through the PubSub wrapper's options.
  async subscriber() {
    const { PubSub, v1 } = await import('@google-cloud/pubsub');
    return new v1.SubscriberClient(new PubSub().options as ConstructorParameters<typeof v1.SubscriberClient>[0]);
  },
};
