import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_WORKDIR } from '../../local/layout.ts';
import { UsageError } from './flags.ts';
import { formatTable } from './table.ts';

export const RUN_USAGE = `framesift run [files|folders|manifest …] [options]    (npm start -- …)

  With no inputs, generates the project's samples into <workdir>/samples and runs on them.
  --concurrency N     extraction worker processes (default: ${availableParallelism()}, the cores here)
  --selector NAME     ssim (default), phash, scene, coreset or uniform
  --workdir DIR       where the buckets, Parquet files and DuckDB live (default .framesift)
  --fault-rate R      chaos: every store, queue and warehouse call fails transiently with probability R
  --fault-seed S      the seed of those faults (default 1)`;


export async function runRun(argv: string[]): Promise<void> {
  const inputs: string[] = [];
  let concurrency: number | undefined;
  let selector: string | undefined;
  let workDir = DEFAULT_WORKDIR;
  let faultRate: number | undefined;
  let faultSeed = 1;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => argv[++i] ?? (() => { throw new UsageError(`${arg} needs a value`); })();
    if (arg === '--concurrency') concurrency = Number(value());
    else if (arg === '--selector') selector = value();
    else if (arg === '--workdir') workDir = value();
    else if (arg === '--fault-rate') faultRate = Number(value());
    else if (arg === '--fault-seed') faultSeed = Number(value());
    else if (arg.startsWith('--')) throw new UsageError(`Unknown option ${arg}`);
    else inputs.push(arg);
  }
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1)) throw new UsageError('--concurrency takes a positive integer');
  if (faultRate !== undefined && !(faultRate >= 0 && faultRate < 1)) throw new UsageError('--fault-rate takes a number from 0 to 1');
  const choice = selector ? { name: selector, options: {} } : undefined;
  // Loaded here, not at start-up, so that `--help` costs nothing.
  const [{ default: cliProgress }, { resolveSelector }, { runLocalPipeline }, { generateSamples }, { withLocalWarehouse }] = await Promise.all([
    import('cli-progress'),
    import('../../shared/selectors/index.ts'),
    import('../../local/pipeline.ts'),
    import('../samples.ts'),
    import('../../local/warehouse.ts'),
  ]);
  if (choice) resolveSelector(choice.name);
  if (inputs.length === 0) {
    const samples = join(workDir, 'samples');
    if (!existsSync(join(samples, 'manifest.txt'))) generateSamples(samples);
    inputs.push(join(samples, 'manifest.txt'));
    console.error(`No inputs given: running on the generated samples in ${samples}`);
  }

  const bar = new cliProgress.SingleBar(
    { format: 'extract [{bar}] {value}/{total} files | ok {ok} failed {failed} rejected {rejected}', hideCursor: true, stream: process.stderr, noTTYOutput: false },
    cliProgress.Presets.shades_classic,
  );
  const counts = { ok: 0, failed: 0, rejected: 0 };
  const summary = await runLocalPipeline({
    inputs,
    workDir,
    concurrency,
    selector: choice,
    ...(faultRate !== undefined && { faults: { rate: faultRate, seed: faultSeed } }),
    onProgress: ({ total, done, result }) => {
      if (result && result.status !== 'duplicate') counts[result.status]++;
      if (done === 0) bar.start(total, 0, counts);
      else bar.update(done, counts);
    },
  });
  bar.stop();

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
    console.log(
      [
        `${summary.published} files in ${summary.seconds.toFixed(1)} s with ${concurrency ?? availableParallelism()} workers ` +
          `(${summary.results.filter((r) => r.status === 'duplicate').length} already done); ` +
          `compaction added ${summary.compaction.rows.gifs} gifs rows and ${summary.compaction.rows.key_frames} key_frames rows.`,
        `key frames:  ${join(summary.paths.output, 'frames')}/<gif_id>/<generation>/<k>.png`,
        `records:     ${join(summary.paths.output, 'records')}`,
        `parquet:     ${join(summary.paths.output, 'parquet')}/<table>/dt=YYYY-MM-DD/`,
        `warehouse:   ${summary.paths.database}  (npm run query -- "SELECT * FROM gifs LIMIT 5")`,
      ].join('\n'),
    );
  });
}
