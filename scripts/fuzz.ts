/**
 * `npm run fuzz -- [--count N] [--seed S] [--concurrency C] [dir]`: seeded mutations of GIFs
 * (by default ../shared/corpus/gifs) through the extractor; prints how each error code was distributed.
 */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { number, positiveInteger } from '../shared/settings.ts';
import { parseCommandArgs } from './cli/flags.ts';
import { formatTable } from './cli/table.ts';
import { fuzz } from './fuzz/run.ts';

const { values, positional } = parseCommandArgs(process.argv.slice(2), {
  count: { flag: 'count', default: 5000, parse: positiveInteger },
  seed: { flag: 'seed', default: 1, parse: number },
  concurrency: { flag: 'concurrency', default: 2, parse: positiveInteger },
});
const folder = positional[0] ?? resolve(import.meta.dirname, '../../shared/corpus/gifs');
const seeds = readdirSync(folder).filter((f) => f.endsWith('.gif')).sort().map((f) => join(folder, f));

const report = await fuzz({ seeds, count: values.count, seed: values.seed, concurrency: values.concurrency });
console.log(`# fuzz: ${report.variants} variants of ${seeds.length} GIFs in ${report.seconds.toFixed(1)} s (seed ${values.seed})\n`);
console.log(formatTable(Object.entries(report.outcomes).sort((a, b) => b[1] - a[1]).map(([outcome, variants]) => ({ outcome, variants }))));
console.log(`\nmutations: ${Object.entries(report.byMutation).map(([m, n]) => `${m} ${n}`).join(', ')}`);
console.log(`crashes: ${report.crashes.length}, hangs: ${report.hangs.length}, untyped errors: ${Object.entries(report.outcomes).filter(([o]) => o.startsWith('UNTYPED')).reduce((n, [, v]) => n + v, 0)}`);
for (const crash of report.crashes.slice(0, 5)) console.log(`  crash: variant ${crash.variant} of ${crash.seedFile} (${crash.mutation}): ${crash.detail}`);
for (const hang of report.hangs.slice(0, 5)) console.log(`  hang: variant ${hang.variant} of ${hang.seedFile} (${hang.mutation})`);
process.exitCode = report.crashes.length + report.hangs.length > 0 ? 1 : 0;
