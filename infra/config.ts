/** Stack configuration, read in one place with its defaults. Every key is documented in the README. */
import * as pulumi from '@pulumi/pulumi';
import { resolveLimits } from '../shared/media/limits.ts';
import { chooseSelector } from '../shared/selectors/choice.ts';
import { jsonObject } from '../shared/settings.ts';

export interface FunctionSettings {
  /** Cloud Run memory, e.g. "2Gi". */
  memory: string;
  cpu: string;
  timeoutSeconds: number;
  /** Requests one instance serves at once. */
  concurrency: number;
  maxInstances: number;
}

export interface StackSettings {
  project: string;
  region: string;
  /** Name prefix of every resource, so several stacks can share a project. */
  prefix: string;
  selector: string;
  selectorOptions: Record<string, unknown>;
  allowedBuckets: string[];
  /** Engine limits passed to extraction (FRAMESIFT_LIMITS). */
  limits: Record<string, number>;
  compactSchedule: string;
  maxDeliveryAttempts: number;
  forceDestroy: boolean;
  /** Keep the functions' INFO and successful request logs in Cloud Logging (they are billed per GiB). */
  keepInfoLogs: boolean;
  functions: { fanout: FunctionSettings; extract: FunctionSettings; compact: FunctionSettings };
}

export const FUNCTION_DEFAULTS: StackSettings['functions'] = {
  // Sixteen events per instance: a media file's event is one publish, so an instance mostly waits on
  // Pub/Sub, and sixteen waits share one instance's time (npm run bench -- --only cloud). A manifest's
  // fan-out streams, with its publishes in flight bounded per instance (pubsub-publisher.ts).
  fanout: { memory: '512Mi', cpu: '1', timeoutSeconds: 540, concurrency: 16, maxInstances: 10 },
  // Eight requests per instance: a small file's extraction is mostly Cloud Storage waits, which eight
  // overlap (2.7–3.1× the files per instance-second of one at a time over every corpus GIF, against
  // 2.1–2.3× for four), and a large one's is decoding, where eight cost no more than four (86 against 87 ms a file);
  // npm run bench -- --only cloud. Eight decodes peaked near 210 MB, far inside 1 GiB.
  extract: { memory: '1Gi', cpu: '1', timeoutSeconds: 300, concurrency: 8, maxInstances: 100 },
  // One instance per inbox shard at most: runs of one shard never overlap, and the eight drain side by side.
  compact: { memory: '1Gi', cpu: '1', timeoutSeconds: 540, concurrency: 1, maxInstances: 8 },
};

/**
 * The stack's settings, with the selector, its options and the limits checked
 * by the same resolvers the functions use, so a bad value fails at
 * `pulumi preview` with the sentence the function would have logged.
 */
export function readSettings(): StackSettings {
  const gcp = new pulumi.Config('gcp');
  const config = new pulumi.Config('framesift');
  const functionSettings = (name: keyof StackSettings['functions']): FunctionSettings => ({
    ...FUNCTION_DEFAULTS[name],
    ...(config.getObject<Partial<FunctionSettings>>(`${name}Function`) ?? {}),
  });
  return {
    project: gcp.require('project'),
    region: config.get('region') ?? gcp.get('region') ?? 'us-central1',
    prefix: config.get('prefix') ?? 'framesift',
    ...selectorOf(config),
    allowedBuckets: config.getObject<string[]>('allowedBuckets') ?? [],
    limits: limitsOf(config),
    compactSchedule: config.get('compactSchedule') ?? '*/10 * * * *',
    maxDeliveryAttempts: config.getNumber('maxDeliveryAttempts') ?? 5,
    forceDestroy: config.getBoolean('forceDestroy') ?? false,
    keepInfoLogs: config.getBoolean('keepInfoLogs') ?? false,
    functions: { fanout: functionSettings('fanout'), extract: functionSettings('extract'), compact: functionSettings('compact') },
  };
}

function selectorOf(config: pulumi.Config): { selector: string; selectorOptions: Record<string, unknown> } {
  const options = jsonObject(config.getObject<unknown>('selectorOptions') ?? {}, 'framesift:selectorOptions');
  const choice = chooseSelector(config.get('selector') ?? 'ssim', options);
  return { selector: choice.name, selectorOptions: choice.options };
}

function limitsOf(config: pulumi.Config): Record<string, number> {
  const limits = jsonObject(config.getObject<unknown>('limits') ?? {}, 'framesift:limits');
  // Only the keys given are passed on; the functions fill in the rest from the same defaults.
  resolveLimits(limits);
  return limits as Record<string, number>;
}
