import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';

/** Starts a functions-framework test server on a free loopback port. */
export async function listen(server: Server): Promise<{ url: string; close: () => Promise<void> }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Posts a CloudEvent in binary content mode, as Eventarc delivers it: attributes in ce-* headers, data as the body. */
export async function postCloudEvent(url: string, event: { id: string; type: string; source: string; subject?: string; data: unknown }): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'ce-specversion': '1.0',
      'ce-id': event.id,
      'ce-type': event.type,
      'ce-source': event.source,
      ...(event.subject && { 'ce-subject': event.subject }),
      'ce-time': new Date().toISOString(),
    },
    body: JSON.stringify(event.data),
  });
}

export const STORAGE_FINALIZED = 'google.cloud.storage.object.v1.finalized';
export const PUBSUB_PUBLISHED = 'google.cloud.pubsub.topic.v1.messagePublished';
