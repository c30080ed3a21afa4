/**
 * A selection names one way of choosing key frames: a selector, its version and
 * its resolved options. Records and rows are keyed by (file, generation,
 * selection), so runs with other options sit beside each other in the tables.
 */
import { createHash } from 'node:crypto';
import type { SelectorChoice } from './events.ts';

/** For a request that names no selector and was never resolved (only a hand-made message): one id for all of them. */
export const UNRESOLVED_SELECTION = 'default';

/** `<selector>-<8 hex digits>`: stable across runs and machines, because the options are hashed in key order. */
export function selectionOf(choice: SelectorChoice | undefined): string {
  if (!choice) return UNRESOLVED_SELECTION;
  const canonical = canonicalJson({ name: choice.name, version: choice.version ?? null, options: choice.options });
  return `${choice.name}-${createHash('sha256').update(canonical).digest('hex').slice(0, 8)}`;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
