/**
 * Google's real Pub/Sub emulator, started for the test run. The launcher script
 * is started directly (not through gcloud), so its PID is the JVM we stop.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';

export const EMULATOR_BIN = '/usr/lib/google-cloud-sdk/platform/pubsub-emulator/bin/cloud-pubsub-emulator';
const STARTUP_TIMEOUT_MS = 60_000;

export interface RunningEmulator {
  host: string;
  pid: number;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startPubSubEmulator(): Promise<RunningEmulator> {
  if (!existsSync(EMULATOR_BIN)) {
    throw new Error(`The Pub/Sub emulator is missing: expected ${EMULATOR_BIN}. Install it with 'apt-get install google-cloud-cli-pubsub-emulator' (Google's apt repository; it needs Java 17). The cloud-path tests need it; they do not skip.`);
  }
  const port = await freePort();
  const child: ChildProcess = spawn(EMULATOR_BIN, [`--host=127.0.0.1`, `--port=${port}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout!.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  child.stderr!.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  const host = `127.0.0.1:${port}`;
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (true) {
    if (child.exitCode !== null) throw new Error(`The Pub/Sub emulator exited with ${child.exitCode} during start-up:\n${log}`);
    const ok = await fetch(`http://${host}/`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`The Pub/Sub emulator did not answer on ${host} within ${STARTUP_TIMEOUT_MS} ms:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    host,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(force);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
