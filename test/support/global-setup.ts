/** Starts one Pub/Sub emulator for the whole run; tests that need it read its host with `inject`. */
import type { TestProject } from 'vitest/node';
import { startPubSubEmulator, type RunningEmulator } from '../../scripts/lib/pubsub-emulator.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    pubsubEmulatorHost: string | null;
    pubsubEmulatorError: string | null;
  }
}

let emulator: RunningEmulator | undefined;

export async function setup(project: TestProject): Promise<void> {
  try {
    emulator = await startPubSubEmulator();
    project.provide('pubsubEmulatorHost', emulator.host);
    project.provide('pubsubEmulatorError', null);
  } catch (error) {
    // Not fatal for the whole run: every test that needs the emulator fails with this message.
    project.provide('pubsubEmulatorHost', null);
    project.provide('pubsubEmulatorError', String(error));
  }
}

export async function teardown(): Promise<void> {
  await emulator?.stop();
}
