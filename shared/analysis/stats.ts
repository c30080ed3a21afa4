/** Order statistics for the diversity table, as Lightly reports it. */
export interface Distribution {
  min: number;
  mean: number;
  max: number;
  p10: number;
  p90: number;
}

/** Linear-interpolated percentile (numpy's default) of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

export function distribution(values: readonly number[]): Distribution | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, v) => sum + v, 0) / sorted.length;
  return {
    min: sorted[0]!,
    mean,
    max: sorted[sorted.length - 1]!,
    p10: percentile(sorted, 10),
    p90: percentile(sorted, 90),
  };
}

/** Every pairwise distance among the items, i < j. */
export function pairwiseDistances<T>(items: readonly T[], distance: (a: T, b: T) => number): number[] {
  const out: number[] = [];
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) out.push(distance(items[i]!, items[j]!));
  }
  return out;
}
