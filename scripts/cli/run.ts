import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { RunSummary } from '../../local/pipeline.ts';
import { DEFAULT_WORKDIR } from '../../local/layout.ts';
import type { SelectorChoice } from '../../shared/pipeline/events.ts';
import { fraction, number, positiveInteger, text, type Setting } from '../../shared/settings.ts';
import { SELECTOR_SETTINGS, parseCommandArgs } from './flags.ts';
import { formatTable } from './table.ts';

export const RUN_USAGE = `framesift run [files|folders|manifest …] [options]    (npm start -- …)

  With no inputs, generates the project's samples into <workdir>/samples and runs on them.
  --concurrency N     extraction worker processes (default: ${availableParallelism()}, the cores here)
  --selector NAME     ssim (default), phash, scene, coreset or uniform (or FRAMESIFT_SELECTOR)
  --<option> VALUE    the selector's options, as for framesift extract: --threshold 0.9, --min-gap 0.5s, --pad
  --workdir DIR       where the buckets, Parquet files and DuckDB live (default .framesift, or FRAMESIFT_WORKDIR)
  --fault-rate R      chaos: every store, queue and warehouse call fails transiently with probability R
  --fault-seed S      the seed of those faults (default 1)`;

const RUN_SETTINGS = {
  ...SELECTOR_SETTINGS,
  workDir: { flag: 'workdir', env: 'FRAMESIFT_WORKDIR', default: DEFAULT_WORKDIR, parse: text } satisfies Setting<string>,
  concurrency: { flag: 'concurrency', default: availableParallelism(), parse: positiveInteger } satisfies Setting<number>,
  faultRate: { flag: 'fault-rate', default: 0, parse: fraction } satisfies Setting<number>,
  faultSeed: { flag: 'fault-seed', default: 1, parse: number } satisfies Setting<number>,
};

export async function runRun(argv: string[]): Promise<void> {
  const { values, positional: inputs, selectorOptions } = parseCommandArgs(argv, RUN_SETTINGS, { selectorOptions: true });
  const selector = await chooseSelector(values.selector, selectorOptions);
  if (inputs.length === 0) inputs.push(await samplesManifest(values.workDir));
  const summary = await runWithProgress({ inputs, workDir: values.workDir, concurrency: values.concurrency, selector, faultRate: values.faultRate, faultSeed: values.faultSeed });
  await printSummary(summary, values.workDir, values.concurrency);
}

/**
 * The selector and its options, parsed and checked here once; the resolved
 * options (defaults filled in) travel in every request.
 */
async function chooseSelector(name: string | undefined, options: Record<string, unknown>): Promise<SelectorChoice | undefined> {
  if (name === undefined && Object.keys(options).length === 0) return undefined;
  const { chooseSelector: choose } = await import('../../shared/selectors/choice.ts');
  return choose(name, options);
}

async function samplesManifest(workDir: string): Promise<string> {
  const { generateSamples } = await import('../samples.ts');
  const samples = join(workDir, 'samples');
  if (!existsSync(join(samples, 'manifest.txt'))) generateSamples(samples);
  console.error(`No inputs given: running on the generated samples in ${samples}`);
  return join(samples, 'manifest.txt');
}

async function runWithProgress(run: { inputs: string[]; workDir: string; concurrency: number; selector: SelectorChoice | undefined; faultRate: number; faultSeed: number }): Promise<RunSummary> {
  const [{ default: cliProgress }, { runLocalPipeline }] = await Promise.all([import('cli-progress'), import('../../local/pipeline.ts')]);
  const bar = new cliProgress.SingleBar(
    { format: 'extract [{bar}] {value}/{total} files | ok {ok} failed {failed} rejected {rejected}', hideCursor: true, stream: process.stderr, noTTYOutput: false },
    cliProgress.Presets.shades_classic,
  );
  const counts = { ok: 0, failed: 0, rejected: 0 };
  const summary = await runLocalPipeline({
    inputs: run.inputs,
    workDir: run.workDir,
    concurrency: run.concurrency,
    selector: run.selector,
    ...(run.faultRate > 0 && { faults: { rate: run.faultRate, seed: run.faultSeed } }),
    onProgress: ({ total, done, result }) => {
      if (result && result.status !== 'duplicate') counts[result.status]++;
      if (done === 0) bar.start(total, 0, counts);
      else bar.update(done, counts);
    },
  });
  bar.stop();
  return summary;
}

async function printSummary(summary: RunSummary, workDir: string, concurrency: number): Promise<void> {
  const { withLocalWarehouse } = await import('../../local/warehouse.ts');
  await withLocalWarehouse(workDir, async (warehouse) => {
    const batches = summary.batches.map((b) => `'${b.batchId}'`).join(', ') || "''";
    const byStatus = await warehouse.query(
      `SELECT status, count(*) AS files, coalesce(sum(key_frame_count), 0) AS key_frames FROM gifs WHERE batch_id IN (${batches}) GROUP BY status ORDER BY status`,
    );
    const failures = await warehouse.query(
      `SELECT status, error_code, count(*) AS files, min(gif_id) AS example FROM gifs WHERE batch_id IN (${batches}) AND status <> 'ok' GROUP BY ALL ORDER BY files DESC, error_code`,
    );
    console.log(`\n${formatTable(byStatus)}\n`);
    if (failures.length) console.log(`${formatTable(failures)}\n`);
  });
  for (const { name, reason } of summary.ignored) console.log(`ignored ${name}: ${reason}`);
  console.log(
    [
      `${summary.published} files in ${summary.seconds.toFixed(1)} s with ${concurrency} workers ` +
        `(${summary.results.filter((r) => r.status === 'duplicate').length} already done); ` +
        `compaction added ${summary.compaction.rows.gifs} gifs rows and ${summary.compaction.rows.key_frames} key_frames rows.`,
      `key frames:  ${join(summary.paths.output, 'packs')}/<selection>/<file key>.tar  (tar -x, or key_frames.byte_offset and byte_length)`,
      `parquet:     ${join(summary.paths.output, 'parquet')}/<table>/dt=YYYY-MM-DD/`,
      `warehouse:   ${summary.paths.database}  (npm run query -- "SELECT * FROM gifs LIMIT 5")`,
    ].join('\n'),
  );
}
