import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../shared/index.ts';
import { fuzz } from '../../scripts/fuzz/run.ts';
import { runJob } from '../../scripts/bench/processes.ts';
import { corpusFiles } from '../support/corpus.ts';

describe('fuzzing the extractor (CI-sized; `npm run fuzz -- --count 5000` for the full run)', () => {
  it('gives every mutated GIF an outcome: no crash, no hang, no untyped error', async () => {
    const seeds = corpusFiles('gifs').filter((f) => /circle|pigs_in_a_polka|transparent_disposal|interlaced_transparent|animated-red-blue|test\.gif/.test(f));
    const report = await fuzz({ seeds, count: 150, seed: 3, concurrency: 2 });
    console.log(`fuzz: ${report.variants} variants`, report.outcomes, report.byMutation);
    expect(report.variants).toBe(150);
    expect(report.crashes).toEqual([]);
    expect(report.hangs).toEqual([]);
    const allowed = new Set<string>(['ok', ...Object.values(ErrorCode)]);
    for (const outcome of Object.keys(report.outcomes)) expect(allowed.has(outcome), outcome).toBe(true);
    expect(Object.values(report.outcomes).reduce((a, b) => a + b, 0)).toBe(150);
  });
});

describe('decompression bombs', () => {
  const bombs = corpusFiles('broken').filter((f) => /decompression_bomb|bug00005_2|small-codesize\.gif|invalid_multiframe/.test(f));

  it.each(bombs.map((f) => [f.split('/').pop()!, f]))('%s is stopped before its memory is spent', async (name, path) => {
    const result = await runJob('ssim', [path], { pin: false });
    console.log(`${name}: peak RSS ${result.peakRssMb.toFixed(0)} MB, ${result.failed ? 'refused' : 'decoded'}`);
    expect(result.peakRssMb).toBeLessThan(256);
  });
});
