/**
 * `npm run faults -- [--files 1000] [--rate 0.05] [--seed 7]`: generated GIFs through the local
 * pipeline while the object store, the queue and the warehouse fail transiently at the given
 * rate. Prints how many files ended in the tables, and how many were lost or doubled.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fraction, number, positiveInteger } from '../shared/settings.ts';
import { parseCommandArgs } from './cli/flags.ts';
import { formatTable } from './cli/table.ts';
import { auditRun, writeFaultInputs } from './lib/fault-audit.ts';
import { runLocalPipeline } from '../local/pipeline.ts';

const { values } = parseCommandArgs(process.argv.slice(2), {
  files: { flag: 'files', default: 1000, parse: positiveInteger },
  rate: { flag: 'rate', default: 0.05, parse: fraction },
  seed: { flag: 'seed', default: 7, parse: number },
});
const { files, rate, seed } = values;

const dir = mkdtempSync(join(tmpdir(), 'framesift-faults-'));
try {
  const manifest = writeFaultInputs(join(dir, 'input'), files);
  const summary = await runLocalPipeline({ inputs: [manifest], workDir: join(dir, 'work'), faults: { rate, seed } });
  const audit = await auditRun(join(dir, 'work'), files);
  console.log(`# fault run: ${files} files, every store, queue and warehouse call failing transiently at ${rate * 100}% (seed ${seed}), ${summary.seconds.toFixed(1)} s\n`);
  console.log(formatTable([{ files, 'in tables': audit.inTables, ok: audit.ok, failed: audit.failed, lost: audit.lost, doubled: audit.doubled, 'dead-lettered': summary.deadLettered }]));
  console.log(`\n${summary.deliveries} deliveries for ${summary.published} requests (${summary.deliveries - summary.published} redelivered after extraction failed); ${summary.injectedFaults} faults injected in fan-out and compaction (workers inject their own).`);
  if (audit.failedCodes.length) console.log(`\nfailed by code: ${audit.failedCodes.map((c) => `${c.code} ${c.files}`).join(', ')}`);
  process.exitCode = audit.lost + audit.doubled > 0 ? 1 : 0;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
