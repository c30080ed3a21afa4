/** Nothing lost, nothing doubled: injected faults, a SIGKILL mid-run, and redelivery, on the local pipeline. */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DuckDbWarehouse } from '../../shared/adapters/local/duckdb-warehouse.ts';
import { FolderStore } from '../../shared/adapters/local/folder-store.ts';
import { LocalQueue } from '../../shared/adapters/local/local-queue.ts';
import { compact } from '../../shared/pipeline/compact.ts';
import { extractStep } from '../../shared/pipeline/extract.ts';
import { fanOut } from '../../shared/pipeline/fan-out.ts';
import { auditRun, writeFaultInputs } from '../../scripts/lib/fault-audit.ts';
import { localPaths } from '../../local/layout.ts';
import { runLocalPipeline } from '../../local/pipeline.ts';
import { corpusPath } from '../support/corpus.ts';
import { waitFor } from '../support/wait.ts';
import { tempDir } from '../support/tmp.ts';

describe('resilience of the local pipeline', () => {
  const dir = tempDir('framesift-resilience-');

  it('loses and doubles nothing while every store, queue and warehouse call fails 10% of the time', async () => {
    const manifest = writeFaultInputs(join(dir, 'faults-in'), 60);
    const summary = await runLocalPipeline({ inputs: [manifest], workDir: join(dir, 'faults-work'), concurrency: 2, faults: { rate: 0.1, seed: 11 } });
    expect(summary.injectedFaults).toBeGreaterThan(0);
    expect(await auditRun(join(dir, 'faults-work'), 60)).toMatchObject({ inTables: 60, lost: 0, doubled: 0 });
  });

  it('finishes the rest after a SIGKILL midway, without redoing finished files', async () => {
    const input = join(dir, 'kill-in');
    mkdirSync(input, { recursive: true });
    for (let i = 0; i < 40; i++) copyFileSync(corpusPath('gifs/Flipboard__FLAnimatedImage__rock.gif'), join(input, `rock-${String(i).padStart(2, '0')}.gif`));
    const workDir = join(dir, 'kill-work');
    const records = () => {
      const folder = join(localPaths(workDir).output, 'packs');
      return existsSync(folder) ? readdirSync(folder, { recursive: true }).filter((f) => String(f).endsWith('.tar')).length : 0;
    };
    // Its own process group, so the kill takes the worker processes too.
    const run = spawn(process.execPath, ['--import', 'tsx', 'scripts/framesift.ts', 'run', input, '--workdir', workDir, '--concurrency', '2'], { detached: true, stdio: 'ignore' });
    await waitFor('a few files done', async () => records() >= 4, 60_000);
    process.kill(-run.pid!, 'SIGKILL');
    await new Promise((resolve) => run.once('exit', resolve));
    const doneBeforeKill = records();
    expect(doneBeforeKill).toBeLessThan(40);

    const rerun = await runLocalPipeline({ inputs: [input], workDir, concurrency: 2 });
    expect(rerun.results.filter((r) => r.status === 'duplicate').length).toBeGreaterThanOrEqual(doneBeforeKill);
    expect(records()).toBe(40);
    const warehouse = new DuckDbWarehouse({ outputRoot: localPaths(workDir).output, databasePath: join(dir, 'kill.duckdb') });
    await warehouse.refresh();
    expect(await warehouse.query('SELECT count(*) AS n, count(DISTINCT gif_id) AS ids FROM gifs_all')).toEqual([{ n: 40, ids: 40 }]);
    await warehouse.close();
  });

  it('keeps one row per file when the storage event and every message arrive three times and compaction runs twice', async () => {
    const root = join(dir, 'redelivery');
    const store = new FolderStore(root);
    const uploads = [];
    for (const name of ['Zulko__moviepy__circle.gif', 'bumptech__glide__test.gif']) uploads.push(await store.upload(corpusPath('gifs', name), { bucket: 'ingest', name: `b/${name}` }));
    const text = join(dir, 'redelivery.txt');
    writeFileSync(text, 'Zulko__moviepy__circle: a circle\nbumptech__glide__test: a test\nbad/id: rejected\n');
    uploads.push(await store.upload(text, { bucket: 'ingest', name: 'b/manifest.txt' }));
    const queue = new LocalQueue();
    for (let i = 0; i < 3; i++) for (const event of uploads) await fanOut(event, { store, publisher: queue, outputBucket: 'out' });
    expect(queue.size).toBe(6);
    await queue.drain(
      async (message) => {
        for (let i = 0; i < 3; i++) await extractStep(message, { store, outputBucket: 'out' });
      },
      { concurrency: 2, deadLetter: async () => expect.fail('nothing should be dead-lettered') },
    );
    const warehouse = new DuckDbWarehouse({ outputRoot: join(root, 'out'), databasePath: join(dir, 'redelivery.duckdb') });
    await compact({ store, warehouse, outputBucket: 'out' });
    await compact({ store, warehouse, outputBucket: 'out' });
    await warehouse.refresh();
    expect(await warehouse.query('SELECT status, count(*) AS n FROM gifs_all GROUP BY status ORDER BY status')).toEqual([
      { status: 'ok', n: 2 },
      { status: 'rejected', n: 1 },
    ]);
    await warehouse.close();
  });
});
