/**
 * extract: a Pub/Sub push of one request in, key frames (a pack in the output
 * bucket) and a record (on the records topic) out.
 * Transient failures are rethrown so Pub/Sub retries (and at last dead-letters);
 * a malformed message can never succeed, so it is logged and acknowledged.
 */
import * as functions from '@google-cloud/functions-framework';
import { FFMPEG_MISSING, probeFfmpeg } from '../../shared/media/ffmpeg.ts';
import { MalformedMessageError, type MessagePublishedData } from '../../shared/pipeline/events.ts';
import { extractStep } from '../../shared/pipeline/extract.ts';
import { loadConfig } from '../config.ts';
import { log } from '../log.ts';
import { openRecordInbox, openStore } from '../runtime.ts';

const config = loadConfig();
const [store, inbox] = await Promise.all([openStore(config), config.recordsTopic ? openRecordInbox(config) : undefined]);
// Not awaited: the answer only goes to the log, and the server need not wait for it.
void logDecoders();

functions.cloudEvent<MessagePublishedData>('extract', async (event: functions.CloudEvent<MessagePublishedData>) => {
  const messageId = event.data?.message?.messageId;
  try {
    const result = await extractStep(event.data!, { store, inbox, outputBucket: config.outputBucket, engine: { limits: config.limits } });
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

/** Once per instance: which ffmpeg decodes video, or plainly that none does. */
async function logDecoders(): Promise<void> {
  const ffmpeg = await probeFfmpeg();
  if (ffmpeg) log('INFO', 'video decoding available', { ffmpeg: ffmpeg.path, version: ffmpeg.version });
  else log('WARNING', `video decoding unavailable. ${FFMPEG_MISSING} GIFs are unaffected; each video becomes a failed row with DECODER_UNAVAILABLE.`);
}
