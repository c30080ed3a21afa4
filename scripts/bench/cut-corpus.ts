/**
 * The labelled real footage in ../shared/corpus/cuts, read in place: each
 * file's hard cuts, gradual ranges and don't-care ranges from MANIFEST.tsv,
 * and the scoring rule its README gives.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ClipTruth } from '../synthetic/clips.ts';
import type { ScoreRule } from './cut-score.ts';

export const CUT_CORPUS = resolve(import.meta.dirname, '../../../shared/corpus/cuts');

/** The README's rule: ±1 frame for a hard cut, ±2 frames around a gradual range. */
export const CORPUS_RULE: ScoreRule = { tolerance: 1, gradualTolerance: 2 };

export interface LabelledFile extends ClipTruth {
  name: string;
  path: string;
  frames: number;
}

export function cutCorpus(dir = CUT_CORPUS): LabelledFile[] {
  const manifest = join(dir, 'MANIFEST.tsv');
  if (!existsSync(manifest)) throw new Error(`The cut corpus is missing: expected ${manifest}`);
  const [header, ...lines] = readFileSync(manifest, 'utf8').trim().split('\n');
  const columns = header!.split('\t');
  return lines.map((line) => {
    const cells = line.split('\t');
    const at = (name: string) => {
      const k = columns.indexOf(name);
      if (k < 0) throw new Error(`Expected a ${name} column in ${manifest}`);
      return (cells[k] ?? '').trim();
    };
    const name = at('file');
    return {
      name,
      path: join(dir, name),
      frames: Number(at('frames')),
      cuts: at('cut_frames') ? at('cut_frames').split(',').map(Number) : [],
      gradual: ranges(at('gradual')),
      dontCare: ranges(at('dont_care')),
    };
  });
}

/** "16-108,411,226-288" → [[16, 108], [411, 411], [226, 288]]. */
function ranges(text: string): Array<[number, number]> {
  if (!text) return [];
  return text.split(',').map((part) => {
    const [first, last = first] = part.split('-').map(Number) as [number, number?];
    return [first, last];
  });
}
