/**
 * The functions' configuration, resolved in one place from the environment
 * (set by the Pulumi program), each value checked once.
 */
import type { SelectorChoice } from '../shared/pipeline/events.ts';
import { DEFAULT_WORKDIR } from '../local/layout.ts';
import { resolveLimits, type Limits } from '../shared/media/limits.ts';

export type Backend = 'gcp' | 'local';

export interface FunctionConfig {
  backend: Backend;
  outputBucket: string;
  topic: string;
  dataset: string;
  /** Where the dataset lives; BigQuery finds a regional dataset's jobs only when asked with it. */
  datasetLocation: string | undefined;
  allowedBuckets: ReadonlySet<string>;
  /** Engine limits for extraction (FRAMESIFT_LIMITS, JSON), over the engine's defaults. */
  limits: Partial<Limits>;
  /** Full name of the dead-letter subscription that compaction turns into failed records, if any. */
  deadLetterSubscription: string | undefined;
  /** The local backend's root folder (a folder per bucket, and the DuckDB file). */
  localRoot: string;
}

/**
 * The selector fan-out puts in every request (FRAMESIFT_SELECTOR and
 * FRAMESIFT_SELECTOR_OPTIONS), checked against the selector's own options.
 * Only fan-out reads it, so only fan-out loads the selectors to check it.
 */
export async function loadSelector(env: NodeJS.ProcessEnv = process.env): Promise<SelectorChoice | undefined> {
  if (!env.FRAMESIFT_SELECTOR) return undefined;
  let options: Record<string, unknown> = {};
  try {
    options = env.FRAMESIFT_SELECTOR_OPTIONS ? (JSON.parse(env.FRAMESIFT_SELECTOR_OPTIONS) as Record<string, unknown>) : {};
  } catch {
    throw new ConfigError('FRAMESIFT_SELECTOR_OPTIONS must be a JSON object');
  }
  const { resolveSelector } = await import('../shared/selectors/index.ts');
  resolveSelector(env.FRAMESIFT_SELECTOR, options);
  return { name: env.FRAMESIFT_SELECTOR, options };
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): FunctionConfig {
  const backend = env.FRAMESIFT_BACKEND ?? 'gcp';
  if (backend !== 'gcp' && backend !== 'local') throw new ConfigError(`FRAMESIFT_BACKEND must be one of: gcp, local (received ${backend})`);
  const required = (name: string, fallback?: string): string => {
    const value = env[name] ?? fallback;
    if (!value) throw new ConfigError(`${name} must be set: did the deployment pass the stack's outputs to this function?`);
    return value;
  };
  let limits: Partial<Limits> = {};
  try {
    limits = env.FRAMESIFT_LIMITS ? (JSON.parse(env.FRAMESIFT_LIMITS) as Partial<Limits>) : {};
  } catch {
    throw new ConfigError('FRAMESIFT_LIMITS must be a JSON object such as {"maxFrames": 5000}');
  }
  resolveLimits(limits);
  const local = backend === 'local';
  return {
    backend,
    outputBucket: required('FRAMESIFT_OUTPUT_BUCKET', local ? 'output' : undefined),
    topic: required('FRAMESIFT_TOPIC', local ? 'extract-requests' : undefined),
    dataset: required('FRAMESIFT_DATASET', local ? 'framesift' : undefined),
    datasetLocation: env.FRAMESIFT_DATASET_LOCATION || undefined,
    allowedBuckets: new Set((env.FRAMESIFT_ALLOWED_BUCKETS ?? '').split(',').map((b) => b.trim()).filter(Boolean)),
    limits,
    deadLetterSubscription: env.FRAMESIFT_DEAD_LETTER_SUBSCRIPTION || undefined,
    localRoot: env.FRAMESIFT_LOCAL_ROOT ?? DEFAULT_WORKDIR,
  };
}
