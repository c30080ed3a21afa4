/**
 * Command-line flags through the one settings reader (`shared/settings.ts`).
 * Flags that no setting reads are the selector's options: `--min-gap 0.5s`
 * becomes `selectorOptions.minGap = "0.5s"`, and the selector validates it,
 * with the same message as when the option arrives from the environment or the
 * stack's config.
 */
import type { ExtractOptions } from '../../shared/engine.ts';
import { DEFAULT_LIMITS, type Limits } from '../../shared/media/limits.ts';
import {
  boolean,
  camelCase,
  flagValue,
  kebabCase,
  number,
  positiveInteger,
  readSettings,
  SELECTOR_SETTING,
  splitArgs,
  text,
  unreadFlags,
  type Flags,
  type Setting,
} from '../../shared/settings.ts';

/**
 * Selector options that take no value: those whose default is a boolean (a
 * test checks this list against the selectors, which load only when a command
 * runs). A command's own switches come from its settings.
 */
export const SELECTOR_SWITCHES: ReadonlySet<string> = new Set(['pad']);

const optional = <T>(parse: (raw: unknown, name: string) => T) => parse as (raw: unknown, name: string) => T | undefined;

/** A flag with no default: undefined unless given. */
export function optionalFlag<T>(flag: string, parse: (raw: unknown, name: string) => T): Setting<T | undefined> {
  return { flag, default: undefined, parse: optional(parse) };
}

/** The selector and its options, as `extract` and `run` take them. */
const SELECTOR_SETTINGS = { selector: SELECTOR_SETTING };

const EXTRACT_SETTINGS = {
  ...SELECTOR_SETTINGS,
  out: optionalFlag('out', text),
  size: optionalFlag('size', positiveInteger),
  frameStats: { flag: 'frame-stats', switch: true, default: false, parse: boolean } satisfies Setting<boolean>,
  stats: optionalFlag('stats', text),
  staticEnergy: optionalFlag('static-energy', number),
};

const LIMIT_SETTINGS = Object.fromEntries(
  Object.keys(DEFAULT_LIMITS).map((key) => [key, optionalFlag(kebabCase(key), positiveInteger)]),
) as Record<keyof Limits, Setting<number | undefined>>;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface ExtractCommand {
  file: string;
  out: string | undefined;
  /** Where to write every frame's scores as CSV (--stats FILE.csv). */
  stats: string | undefined;
  /** Whether the printed record keeps every frame's scores (--frame-stats). */
  frameStatsInRecord: boolean;
  options: ExtractOptions;
}

export function parseExtractArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): ExtractCommand {
  const { values, positional, selectorOptions } = parseCommandArgs(argv, { ...EXTRACT_SETTINGS, ...LIMIT_SETTINGS }, { env, selectorOptions: true });
  if (positional.length !== 1) throw new UsageError(`Expected exactly one file but received ${positional.length}`);
  const { out, stats, frameStats, size, staticEnergy, selector } = values;
  const limits = Object.fromEntries(Object.keys(LIMIT_SETTINGS).flatMap((key) => (values[key as keyof Limits] === undefined ? [] : [[key, values[key as keyof Limits]]]))) as Partial<Limits>;
  return {
    file: positional[0]!,
    out,
    stats,
    frameStatsInRecord: frameStats,
    options: {
      selector,
      selectorOptions,
      limits,
      ...(size !== undefined && { size }),
      ...(staticEnergy !== undefined && { staticEnergy }),
      frameStats: frameStats || stats !== undefined,
    },
  };
}

/** What a command's settings read, what is left for the selector, and the positional arguments. */
export function parseCommandArgs<S extends Record<string, Setting<unknown>>>(
  argv: string[],
  settings: S,
  { env = process.env, selectorOptions = false }: { env?: NodeJS.ProcessEnv; selectorOptions?: boolean } = {},
) {
  const own = Object.values(settings).flatMap((s) => (s.switch && s.flag ? [s.flag] : []));
  const { flags, positional } = splitArgs(argv, new Set(['help', ...own, ...(selectorOptions ? SELECTOR_SWITCHES : [])]));
  const rest = unreadFlags(flags, settings);
  if (!selectorOptions && rest.size > 0) throw new UsageError(`Unknown option --${[...rest.keys()][0]}`);
  return { values: readSettings(settings, { flags, env }), positional, selectorOptions: selectorOptionsOf(rest) };
}

export { SELECTOR_SETTINGS };

function selectorOptionsOf(flags: Flags): Record<string, unknown> {
  return Object.fromEntries([...flags].filter(([name]) => name !== 'help').map(([name, raw]) => [camelCase(name), flagValue(raw)]));
}
