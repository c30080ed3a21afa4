/**
 * extract: a Pub/Sub push of one request in, key frames and a record out.
 * Transient failures are rethrown so Pub/Sub retries (and at last dead-letters);
 * a malformed message can never succeed, so it is logged and acknowledged.
 */
import * as functions from '@google-cloud/functions-framework';
import { MalformedMessageError, type MessagePublishedData } from '../../shared/pipeline/events.ts';
import { extractStep } from '../../shared/pipeline/extract.ts';
import { log } from '../log.ts';
import { runtime } from '../runtime.ts';

functions.cloudEvent<MessagePublishedData>('extract', async (event: functions.CloudEvent<MessagePublishedData>) => {
  const { config, store } = runtime();
  const messageId = event.data?.message?.messageId;
  try {
    const result = await extractStep(event.data!, { store, outputBucket: config.outputBucket, engine: { limits: config.limits } });
    log('INFO', 'extraction finished', { eventId: event.id, messageId, ...result });
  } catch (error) {
    if (error instanceof MalformedMessageError) {
      log('ERROR', 'malformed extraction request acknowledged without retry', { eventId: event.id, messageId, reason: error.message });
      return;
    }
    log('WARNING', 'extraction failed; Pub/Sub will retry', { eventId: event.id, messageId, error: String(error) });
    throw error;
  }
});
