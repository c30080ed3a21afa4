/** fanout: a storage `object.v1.finalized` event in, one extraction request per file out. */
import * as functions from '@google-cloud/functions-framework';
import type { StorageObjectData } from '../../shared/pipeline/events.ts';
import { fanOut } from '../../shared/pipeline/fan-out.ts';
import { loadConfig, loadSelector } from '../config.ts';
import { log } from '../log.ts';
import { openPublisher, openStore } from '../runtime.ts';

const config = loadConfig();
const [store, publisher, selector] = await Promise.all([openStore(config), openPublisher(config), loadSelector()]);

functions.cloudEvent<StorageObjectData>('fanout', async (event: functions.CloudEvent<StorageObjectData>) => {
  const object = event.data!;
  const result = await fanOut(object, {
    store,
    publisher,
    outputBucket: config.outputBucket,
    allowedBuckets: config.allowedBuckets,
    selector,
  });
  log('INFO', 'fan-out finished', { eventId: event.id, object: `${object.bucket}/${object.name}`, generation: object.generation, ...result });
});
