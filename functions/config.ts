/**
 * The functions' configuration, resolved in one place from the environment
 * (set by the Pulumi program), each value checked once.
 */
import type { SelectorChoice } from '../shared/pipeline/events.ts';
import { resolveLimits, type Limits } from '../shared/media/limits.ts';
import { LIMITS_SETTING, SELECTOR_OPTIONS_SETTING, SELECTOR_SETTING, readSetting } from '../shared/settings.ts';

export type Backend = 'gcp' | 'local';

export interface FunctionConfig {
  backend: Backend;
  outputBucket: string;
  topic: string;
  dataset: string;
  /** Where the dataset lives; BigQuery finds a regional dataset's jobs only when asked with it. */
  datasetLocation: string | undefined;
  allowedBuckets: ReadonlySet<string>;
  /** Engine limits for extraction (FRAMESIFT_LIMITS, JSON), resolved over the engine's defaults. */
  limits: Limits;
  /** The topic extraction publishes records to (the records inbox); unset, records go to the output bucket's inbox. */
  recordsTopic: string | undefined;
  /** Full name of the pull subscription compaction takes records from, if any. */
  recordsSubscription: string | undefined;
  /** Full name of the dead-letter subscription that compaction turns into failed records, if any. */
  deadLetterSubscription: string | undefined;
  /** The local backend's work folder (FRAMESIFT_LOCAL_ROOT); the local layout's default when unset. */
  localRoot: string | undefined;
}

/**
 * The selector fan-out puts in every request (FRAMESIFT_SELECTOR and
 * FRAMESIFT_SELECTOR_OPTIONS), checked against the selector's own options.
 * Only fan-out reads it, so only fan-out loads the selectors to check it.
 */
export async function loadSelector(env: NodeJS.ProcessEnv = process.env): Promise<SelectorChoice | undefined> {
  const name = readSetting(SELECTOR_SETTING, { env });
  if (name === undefined) return undefined;
  const { chooseSelector } = await import('../shared/selectors/choice.ts');
  return chooseSelector(name, readSetting(SELECTOR_OPTIONS_SETTING, { env }));
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
  const limits = resolveLimits(readSetting(LIMITS_SETTING, { env }) as Partial<Limits>);
  const local = backend === 'local';
  return {
    backend,
    outputBucket: required('FRAMESIFT_OUTPUT_BUCKET', local ? 'output' : undefined),
    topic: required('FRAMESIFT_TOPIC', local ? 'extract-requests' : undefined),
    dataset: required('FRAMESIFT_DATASET', local ? 'framesift' : undefined),
    datasetLocation: env.FRAMESIFT_DATASET_LOCATION || undefined,
    allowedBuckets: new Set((env.FRAMESIFT_ALLOWED_BUCKETS ?? '').split(',').map((b) => b.trim()).filter(Boolean)),
    limits,
    recordsTopic: env.FRAMESIFT_RECORDS_TOPIC || undefined,
    recordsSubscription: env.FRAMESIFT_RECORDS_SUBSCRIPTION || undefined,
    deadLetterSubscription: env.FRAMESIFT_DEAD_LETTER_SUBSCRIPTION || undefined,
    localRoot: env.FRAMESIFT_LOCAL_ROOT || undefined,
  };
}
