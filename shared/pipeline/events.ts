/**
 * The shapes of what arrives at each step, as Eventarc delivers them, and the
 * extraction request that fan-out publishes.
 */

/** `data` of a `google.cloud.storage.object.v1.finalized` CloudEvent (the fields used here). */
export interface StorageObjectData {
  bucket: string;
  name: string;
  generation: string | number;
  size?: string | number;
  contentType?: string;
}

/** `data` of a `google.cloud.pubsub.topic.v1.messagePublished` CloudEvent. */
export interface MessagePublishedData {
  message: {
    data?: string;
    attributes?: Record<string, string>;
    messageId?: string;
    publishTime?: string;
  };
  subscription?: string;
}

export interface SelectorChoice {
  name: string;
  /** The selector's version; with the name and options it makes the selection id. */
  version?: number;
  options: Record<string, unknown>;
}

/** One file to extract. Fan-out publishes one per manifest line or uploaded file. */
export interface ExtractRequest {
  gifId: string;
  batchId: string;
  /** Generation and size when the sender knows them (a storage event does), which saves extraction a stat. */
  source: { bucket: string; name: string; generation?: string; size?: number };
  description: string | null;
  manifest: { uri: string; line: number } | null;
  selector?: SelectorChoice;
}

export function encodeRequest(request: ExtractRequest): { data: Buffer; attributes: Record<string, string> } {
  return {
    data: Buffer.from(JSON.stringify(request)),
    attributes: { gifId: request.gifId, batchId: request.batchId },
  };
}

/** Reads the request out of a push envelope; a malformed one is a permanent error. */
export function decodeRequest(event: MessagePublishedData): ExtractRequest {
  const data = event?.message?.data;
  if (typeof data !== 'string') throw new MalformedMessageError('message.data is missing');
  let request: unknown;
  try {
    request = JSON.parse(Buffer.from(data, 'base64').toString('utf8'));
  } catch {
    throw new MalformedMessageError('message.data is not base64 JSON');
  }
  const r = request as Partial<ExtractRequest>;
  if (typeof r?.gifId !== 'string' || typeof r.batchId !== 'string' || typeof r.source?.bucket !== 'string' || typeof r.source?.name !== 'string') {
    throw new MalformedMessageError('message.data lacks gifId, batchId or source');
  }
  return request as ExtractRequest;
}

export class MalformedMessageError extends Error {
  override readonly name = 'MalformedMessageError';
}

/** The envelope Pub/Sub pushes: the message's bytes in base64, its attributes and id. */
export function pushEnvelope(data: Buffer, attributes: Record<string, string>, messageId: string, subscription?: string): MessagePublishedData {
  return { message: { data: data.toString('base64'), attributes, messageId }, ...(subscription && { subscription }) };
}

/** A request as extract receives it by push. */
export function messagePublished(request: ExtractRequest, messageId = '1'): MessagePublishedData {
  const { data, attributes } = encodeRequest(request);
  return pushEnvelope(data, attributes, messageId);
}
