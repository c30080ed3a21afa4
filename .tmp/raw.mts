import { GcsStandIn } from '/work/main/scripts/lib/gcs-standin.ts';
import { Storage } from '@google-cloud/storage';
import { spawn } from 'node:child_process';
if (process.argv[2] === 'child') {
  const url = process.argv[3]!; const n = 4000;
  const names = Array.from({ length: n }, (_, i) => `inbox/x/${i}.json`);
  const run = async (label: string, get: (name: string) => Promise<unknown>) => {
    const cpu = process.cpuUsage(); const t = performance.now(); let next = 0;
    await Promise.all(Array.from({ length: 128 }, async () => { while (next < n) await get(names[next++]!); }));
    const u = process.cpuUsage(cpu);
    console.log(label, 'per s', (n / ((performance.now() - t) / 1000)).toFixed(0), 'cpu ms/req', ((u.user + u.system) / 1000 / n).toFixed(2));
  };
  await run('fetch', async (name) => (await fetch(`${url}/storage/v1/b/b/o/${encodeURIComponent(name)}?alt=media`)).arrayBuffer());
  const storage = new Storage({ apiEndpoint: url, projectId: 'p' });
  await run('download', (name) => storage.bucket('b').file(name).download());
  await run('download-novalidate', (name) => storage.bucket('b').file(name).download({ validation: false }));
  await run('delete', (name) => storage.bucket('b').file(name).delete());
  process.exit(0);
} else {
  const gcs = await new GcsStandIn().start(); gcs.latencyMs = 20;
  for (let i = 0; i < 4000; i++) gcs.put('b', `inbox/x/${i}.json`, Buffer.from(JSON.stringify({ i, pad: 'x'.repeat(2500) })));
  const child = spawn('taskset', ['-c', '0', process.execPath, '--import', 'tsx', new URL(import.meta.url).pathname, 'child', gcs.url], { stdio: 'inherit', env: { ...process.env, METADATA_SERVER_DETECTION: 'none' } });
  await new Promise((r) => child.on('exit', r));
  await gcs.stop();
}
