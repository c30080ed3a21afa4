import { inject } from 'vitest';

/** The emulator's host:port, set as PUBSUB_EMULATOR_HOST; throws loudly when it could not start. */
export function usePubSubEmulator(): string {
  const host = inject('pubsubEmulatorHost');
  if (!host) throw new Error(inject('pubsubEmulatorError') ?? 'The Pub/Sub emulator was not started');
  process.env.PUBSUB_EMULATOR_HOST = host;
  return host;
}
