/** Per-frame metrics are declared by the selector that writes them, and everything that shows them reads the declarations. */
import { describe, expect, it } from 'vitest';
import { statsCsv } from '../../../scripts/cli/stats-csv.ts';
import { extractKeyFrames, SELECTOR_NAMES, SELECTORS } from '../../../shared/index.ts';
import { MOTION_METRICS } from '../../../shared/metrics.ts';
import { useSyntheticClips } from '../../support/clips.ts';

const clip = useSyntheticClips();

describe('declared per-frame metrics', () => {
  it.each(SELECTOR_NAMES)('%s and the engine write only the metrics they declare', async (name) => {
    const { record } = await extractKeyFrames(clip('mixed').path, { selector: name, frameStats: true });
    const declared = new Set([...MOTION_METRICS.declared, ...SELECTORS[name].metrics].map((m) => m.key));
    const written = new Set(record.frames!.flatMap((f) => Object.keys(f).filter((k) => !['index', 'timeMs', 'rawTimeMs', 'picked'].includes(k))));
    expect([...written].filter((key) => !declared.has(key))).toEqual([]);
    if (SELECTORS[name].metrics.length > 0) expect(written.size).toBeGreaterThan(0);
  });

  it('names a declared metric and one of its own options for the report’s curve', () => {
    for (const definition of Object.values(SELECTORS)) {
      if (!definition.curve) continue;
      expect(definition.metrics.map((m) => m.key)).toContain(definition.curve.metric);
      if (definition.curve.threshold) expect(Object.keys(definition.defaults)).toContain(definition.curve.threshold);
    }
  });

  it('gives the stats CSV exactly the declared columns, in order', async () => {
    const { record } = await extractKeyFrames(clip('mixed').path, { selector: 'scene', frameStats: true });
    const declared = [...SELECTORS.scene.metrics, ...MOTION_METRICS.declared];
    const header = statsCsv(record.frames!, declared).split('\n')[0];
    expect(header).toBe(['Frame Number', 'Timecode', ...declared.map((m) => m.key)].join(','));
  });
});
