/**
 * A request the queue gave up on still ends as a row: a DELIVERY_FAILED
 * record, unless its file already has one. Both queues, the local one and
 * Pub/Sub's dead-letter topic, hand their dead letters here.
 */
import { decodeRequest, MalformedMessageError, type MessagePublishedData } from './events.ts';
import type { ObjectStore } from './ports.ts';
import { recordUndeliverable } from './outputs.ts';

/** Returns false for a malformed message, which names no file to record; acknowledging it is all that can be done. */
export async function recordDeadLetter(event: MessagePublishedData, reason: string, deps: { store: ObjectStore; outputBucket: string }): Promise<boolean> {
  let request;
  try {
    request = decodeRequest(event);
  } catch (error) {
    if (error instanceof MalformedMessageError) return false;
    throw error;
  }
  await recordUndeliverable(request, reason, deps);
  return true;
}
