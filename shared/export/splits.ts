/**
 * Train/val/test splits by a stable hash of the gif_id: a clip's split depends
 * on its id and the fractions alone, so exporting more clips later never moves
 * one already exported, and every key frame of a clip lands in the same split.
 */
import { createHash } from 'node:crypto';
import { invalidOption } from '../is.ts';

export interface Split {
  name: string;
  fraction: number;
}

/**
 * Without splits everything goes to `train`: Hugging Face reads a lone folder
 * as the train split, and reserves `all` for the union of splits.
 */
export const DEFAULT_SPLITS: readonly Split[] = Object.freeze([{ name: 'train', fraction: 1 }]);

/** How far the fractions may sum from 1: decimal text such as 0.9 + 0.05 + 0.05 is not exact in binary. */
const SUM_TOLERANCE = 1e-9;
const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** `"train=0.9,val=0.05,test=0.05"` or a list of splits, checked: safe unique names, fractions in (0, 1] summing to 1. */
export function parseSplits(value: string | readonly Split[], name = 'splits'): Split[] {
  const splits =
    typeof value === 'string'
      ? value.split(',').map((part) => {
          const [splitName, fraction, extra] = part.trim().split('=');
          if (splitName === undefined || fraction === undefined || extra !== undefined || fraction.trim() === '') {
            throw invalidOption(name, 'name=fraction pairs separated by commas ("train=0.9,val=0.05,test=0.05")', value);
          }
          return { name: splitName.trim(), fraction: Number(fraction) };
        })
      : value.map((split) => ({ name: split.name, fraction: split.fraction }));
  const seen = new Set<string>();
  for (const split of splits) {
    if (typeof split.name !== 'string' || !NAME.test(split.name) || seen.has(split.name)) {
      throw invalidOption(`${name} name`, 'unique names of A–Z a–z 0–9 _ - starting with a letter or digit', split.name);
    }
    seen.add(split.name);
    if (!Number.isFinite(split.fraction) || split.fraction <= 0 || split.fraction > 1) {
      throw invalidOption(`${name}.${split.name}`, 'a fraction greater than 0 and at most 1', split.fraction);
    }
  }
  const sum = splits.reduce((total, split) => total + split.fraction, 0);
  if (splits.length === 0 || Math.abs(sum - 1) > SUM_TOLERANCE) throw invalidOption(name, 'fractions that sum to 1', sum);
  return splits;
}

/** The first 53 bits of SHA-256(gif_id) as a fraction in [0, 1): as many bits as a double holds exactly. */
export function hashFraction(gifId: string): number {
  const bits = createHash('sha256').update(gifId, 'utf8').digest().readBigUInt64BE(0) >> 11n;
  return Number(bits) / 2 ** 53;
}

/** The split whose cumulative range holds the gif_id's hash; the last split takes what rounding leaves. */
export function splitOf(gifId: string, splits: readonly Split[]): string {
  const at = hashFraction(gifId);
  let cumulative = 0;
  for (const split of splits.slice(0, -1)) {
    cumulative += split.fraction;
    if (at < cumulative) return split.name;
  }
  return splits[splits.length - 1]!.name;
}
