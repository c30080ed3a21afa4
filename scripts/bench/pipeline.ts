/** The local pipeline against the engine alone, on the same files, and one worker against two. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_SELECTOR } from '../../shared/index.ts';
import { runLocalPipeline } from '../../local/pipeline.ts';
import { runJob } from './processes.ts';

export async function benchPipeline(folder: string, files: string[]) {
  const engine = await runJob(DEFAULT_SELECTOR, files, { pin: false });
  const runs = [];
  for (const concurrency of [1, 2]) {
    const workDir = mkdtempSync(join(tmpdir(), 'framesift-bench-pipeline-'));
    try {
      const started = process.hrtime.bigint();
      const summary = await runLocalPipeline({ inputs: [folder], workDir, concurrency });
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      runs.push({ concurrency, seconds, files: summary.published, rows: summary.compaction.rows.gifs });
    } finally {
      rmSync(workDir, { recursive: true, force: true });
    }
  }
  return { engine: { files: engine.files, seconds: engine.seconds }, runs };
}
