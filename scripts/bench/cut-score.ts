import type { ClipTruth } from '../synthetic/clips.ts';

export interface CutScore {
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
}

export interface ScoreRule {
  /** Frames either side of a hard cut within which a detection hits it. */
  tolerance: number;
  /** Frames either side of a gradual range within which a detection counts as inside it. */
  gradualTolerance: number;
}

/**
 * Scores detected cuts against hard-cut ground truth at ±`tolerance` frames,
 * matching one-to-one. One detection inside (or beside) a gradual transition is
 * neither right nor wrong, since that is where the shot changes; any more are
 * false positives. A detection in a don't-care range is ignored; every other
 * detection is false.
 */
export function scoreCuts(detected: number[], truth: ClipTruth, rule: ScoreRule = { tolerance: 1, gradualTolerance: 1 }): CutScore {
  const { tolerance, gradualTolerance } = rule;
  const unmatched = [...truth.cuts];
  const usedZones = new Set<number>();
  let truePositives = 0;
  let falsePositives = 0;
  for (const cut of [...detected].sort((a, b) => a - b)) {
    const hit = unmatched.findIndex((t) => Math.abs(t - cut) <= tolerance);
    if (hit >= 0) {
      unmatched.splice(hit, 1);
      truePositives++;
      continue;
    }
    if (truth.dontCare?.some(([first, last]) => cut >= first && cut <= last)) continue;
    const zone = truth.gradual.findIndex(([first, last]) => cut >= first - gradualTolerance && cut <= last + gradualTolerance);
    if (zone >= 0 && !usedZones.has(zone)) {
      usedZones.add(zone);
      continue;
    }
    falsePositives++;
  }
  return { truePositives, falsePositives, falseNegatives: unmatched.length };
}

export function addScores(scores: CutScore[]): CutScore & { recall: number; precision: number } {
  const sum = (key: keyof CutScore) => scores.reduce((total, s) => total + s[key], 0);
  const tp = sum('truePositives');
  const fp = sum('falsePositives');
  const fn = sum('falseNegatives');
  return { truePositives: tp, falsePositives: fp, falseNegatives: fn, recall: tp / (tp + fn || 1), precision: tp / (tp + fp || 1) };
}
