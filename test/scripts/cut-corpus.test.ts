import { describe, expect, it } from 'vitest';
import { CORPUS_RULE, cutCorpus } from '../../scripts/bench/cut-corpus.ts';
import { framesiftCuts } from '../../scripts/bench/cuts.ts';
import { addScores, scoreCuts } from '../../scripts/bench/cut-score.ts';

/**
 * The scene selector scored on the labelled real footage of ../shared/corpus/cuts
 * with the rule its README gives, against the targets: recall and precision of
 * at least 0.95, and no false cut at all in the files that have none.
 */
describe('scene selector on ../shared/corpus/cuts', () => {
  it('reaches recall and precision 0.95 and finds no cut where there is none', { timeout: 240_000 }, async () => {
    const files = cutCorpus();
    expect(files.reduce((n, f) => n + f.cuts.length, 0)).toBe(24);
    const scores = [];
    for (const file of files) {
      const score = scoreCuts(await framesiftCuts(file.path), file, CORPUS_RULE);
      if (file.cuts.length === 0) expect(score.falsePositives, file.name).toBe(0);
      scores.push(score);
    }
    const total = addScores(scores);
    expect(total.recall).toBeGreaterThanOrEqual(0.95);
    expect(total.precision).toBeGreaterThanOrEqual(0.95);
  });
});
