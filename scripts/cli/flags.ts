/**
 * Command-line flags into engine options, in one place: `--min-gap 0.5s`
 * becomes `selectorOptions.minGap = "0.5s"`, and the selector validates it.
 */
import type { ExtractOptions } from '../../shared/index.ts';
import { DEFAULT_LIMITS, type Limits } from '../../shared/index.ts';

/** Flags read by the engine itself; every other `--flag value` is a selector option. */
const ENGINE_FLAGS = new Set(['selector', 'size', 'out', 'frame-stats', 'stats', 'static-energy', 'help']);
const LIMIT_FLAGS = new Map(Object.keys(DEFAULT_LIMITS).map((key) => [kebab(key), key as keyof Limits]));

export interface ExtractCommand {
  file: string;
  out: string | undefined;
  /** Where to write every frame's scores as CSV (--stats FILE.csv). */
  stats: string | undefined;
  /** Whether the printed record keeps every frame's scores (--frame-stats). */
  frameStatsInRecord: boolean;
  options: ExtractOptions;
}

export function parseExtractArgs(argv: string[]): ExtractCommand {
  const flags = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    const next = argv[i + 1];
    const value = inline ?? (next !== undefined && !next.startsWith('--') ? (i++, next) : 'true');
    flags.set(name, value);
  }
  if (positional.length !== 1) throw new UsageError(`Expected exactly one file but received ${positional.length}`);
  const stats = flags.get('stats');
  if (stats === 'true') throw new UsageError('Expected a file name after --stats, as in --stats stats.csv');
  const frameStatsInRecord = flags.get('frame-stats') === 'true';

  const selectorOptions: Record<string, unknown> = {};
  const limits: Partial<Limits> = {};
  for (const [name, value] of flags) {
    const limit = LIMIT_FLAGS.get(name);
    if (limit) limits[limit] = Number(value);
    else if (!ENGINE_FLAGS.has(name)) selectorOptions[camel(name)] = coerce(value);
  }
  return {
    file: positional[0]!,
    out: flags.get('out'),
    stats,
    frameStatsInRecord,
    options: {
      selector: flags.get('selector'),
      selectorOptions,
      limits,
      ...(flags.has('size') && { size: Number(flags.get('size')) }),
      ...(flags.has('static-energy') && { staticEnergy: Number(flags.get('static-energy')) }),
      frameStats: frameStatsInRecord || stats !== undefined,
    },
  };
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

function coerce(value: string): unknown {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
}

function camel(name: string): string {
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
