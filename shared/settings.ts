/**
 * One reader for every setting, in the manner of functions-framework's
 * ConfigurableOption: a command-line flag, else an environment variable, else
 * the default, and whichever gave the value, one validator checks it. The
 * command line, the functions and the Pulumi program all read through here, so
 * a bad value fails with the same sentence wherever it came from.
 */
import { ErrorCode, FramesiftError } from './errors.ts';
import { booleanOption, invalidOption } from './is.ts';

export interface Setting<T> {
  /** `--<flag>` on the command line. */
  flag?: string;
  /** The environment variable, for the functions and for scripts. */
  env?: string;
  /** A switch: `--flag` alone means true and never takes the next argument; `--flag=false` turns it off. */
  switch?: boolean;
  default: T;
  /** Converts and checks the raw text (or JSON value); throws `invalidOption` when it cannot. */
  parse(raw: unknown, name: string): T;
}

export type Flags = ReadonlyMap<string, string | true>;

export interface Sources {
  flags?: Flags;
  env?: NodeJS.ProcessEnv;
}

export function readSetting<T>(setting: Setting<T>, sources: Sources): T {
  if (setting.flag && sources.flags?.has(setting.flag)) return setting.parse(sources.flags.get(setting.flag), setting.flag);
  const fromEnv = setting.env ? sources.env?.[setting.env] : undefined;
  if (setting.env && fromEnv !== undefined && fromEnv !== '') return setting.parse(fromEnv, setting.env);
  return setting.default;
}

/** What each setting reads to: its parser's type, or its default's where it has none. */
export type SettingValues<S> = { [K in keyof S]: S[K] extends Setting<infer T> ? T : never };

export function readSettings<S extends Record<string, Setting<unknown>>>(settings: S, sources: Sources): SettingValues<S> {
  return Object.fromEntries(Object.entries(settings).map(([key, setting]) => [key, readSetting(setting, sources)])) as SettingValues<S>;
}

/**
 * `argv` into flags and positional arguments. `--name=value` and `--name value`
 * both work; a switch takes no value unless it is written `--name=value`.
 */
export function splitArgs(argv: readonly string[], switches: ReadonlySet<string> = new Set()): { flags: Map<string, string | true>; positional: string[] } {
  const flags = new Map<string, string | true>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--') || arg === '--') {
      if (arg !== '--') positional.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (inline !== undefined) flags.set(name, inline);
    else if (switches.has(name)) flags.set(name, true);
    else if (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) flags.set(name, argv[++i]!);
    else throw new FramesiftError(ErrorCode.INVALID_OPTION, `Expected a value after --${name} but found none`);
  }
  return { flags, positional };
}

/** Flags that no setting reads, for the caller to treat as options of its own or to refuse. */
export function unreadFlags(flags: Flags, settings: Record<string, Setting<unknown>>): Map<string, string | true> {
  const known = new Set(Object.values(settings).map((s) => s.flag));
  return new Map([...flags].filter(([name]) => !known.has(name)));
}

/** The selector by name, from `--selector` or FRAMESIFT_SELECTOR; the selector module checks the name. */
export const SELECTOR_SETTING: Setting<string | undefined> = { flag: 'selector', env: 'FRAMESIFT_SELECTOR', default: undefined, parse: (raw, name) => text(raw, name) };
/** The selector's options as JSON, for the functions (the command line takes them as flags). */
export const SELECTOR_OPTIONS_SETTING: Setting<Record<string, unknown>> = { env: 'FRAMESIFT_SELECTOR_OPTIONS', default: {}, parse: (raw, name) => jsonObject(raw, name) };
/** Engine limits as JSON, such as {"maxFrames": 5000}; `resolveLimits` checks each. */
export const LIMITS_SETTING: Setting<Record<string, unknown>> = { env: 'FRAMESIFT_LIMITS', default: {}, parse: (raw, name) => jsonObject(raw, name) };

// The validators settings use. Text comes from flags and environment variables; JSON values from config.

export const text = (raw: unknown, name: string): string => {
  if (typeof raw !== 'string' || raw === '') throw invalidOption(name, 'text', raw);
  return raw;
};

/** `true`, `false` or their text; anything else is an error, so `--pad=no` does not mean yes. */
export const boolean = (raw: unknown, name: string): boolean => booleanOption(name, raw);

export const number = (raw: unknown, name: string): number => {
  const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidOption(name, 'number', raw);
  return value;
};

export const positiveInteger = (raw: unknown, name: string): number => {
  const value = number(raw, name);
  if (!Number.isInteger(value) || value <= 0) throw invalidOption(name, 'positive integer', raw);
  return value;
};

export const fraction = (raw: unknown, name: string): number => {
  const value = number(raw, name);
  if (value < 0 || value >= 1) throw invalidOption(name, 'number from 0 up to 1', raw);
  return value;
};

export function jsonObject(raw: unknown, name: string): Record<string, unknown> {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      throw invalidOption(name, 'a JSON object', raw);
    }
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw invalidOption(name, 'a JSON object', raw);
  return value as Record<string, unknown>;
}

/** Flag text as the JSON value it spells (`0.9` → 0.9, `true` → true), for options whose own validators check types. */
export function flagValue(raw: string | true): unknown {
  if (raw === true || raw === 'true') return true;
  if (raw === 'false') return false;
  return /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
}

export function camelCase(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

export function kebabCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
