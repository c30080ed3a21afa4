/**
 * The Pulumi program under Pulumi's own mocks (the CLI and the gcp plugin
 * cannot be fetched here). The tests read like policies.
 */
import * as pulumi from '@pulumi/pulumi';
import { beforeAll, describe, expect, it } from 'vitest';

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

const PROJECT = 'demo-project';
const resources: Registered[] = [];

pulumi.runtime.setMocks(
  {
    newResource(args) {
      resources.push({ type: args.type, name: args.name, inputs: args.inputs });
      const state: Record<string, unknown> = { ...args.inputs };
      if (args.type === 'gcp:serviceaccount/account:Account') state.email = `${args.inputs.accountId}@${PROJECT}.iam.gserviceaccount.com`;
      if (args.type === 'gcp:cloudfunctionsv2/function:Function') {
        state.serviceConfig = { ...(args.inputs.serviceConfig as object), uri: `https://${args.inputs.name}.a.run.app`, service: `projects/${PROJECT}/locations/europe-west1/services/${args.inputs.name}` };
      }
      // A topic's id is its full path, which subscriptions and triggers refer to.
      const id = args.type === 'gcp:pubsub/topic:Topic' ? `projects/${PROJECT}/topics/${args.inputs.name}` : `${args.name}-id`;
      return { id, state };
    },
    call(args) {
      if (args.token === 'gcp:storage/getProjectServiceAccount:getProjectServiceAccount') return { emailAddress: 'service-123@gs-project-accounts.iam.gserviceaccount.com' };
      if (args.token === 'gcp:organizations/getProject:getProject') return { number: '123', projectId: PROJECT };
      return args.inputs;
    },
  },
  'framesift',
  'test',
  false,
);
pulumi.runtime.setAllConfig({
  'gcp:project': PROJECT,
  'framesift:region': 'europe-west1',
  'framesift:selector': 'scene',
  'framesift:extractFunction': JSON.stringify({ memory: '4Gi', timeoutSeconds: 420, maxInstances: 50 }),
  'framesift:compactSchedule': '*/15 * * * *',
});

const valueOf = <T>(output: pulumi.Output<T>) => new Promise<T>((resolve) => output.apply(resolve));
const ofType = (type: string) => resources.filter((r) => r.type === type);
const named = (name: string) => resources.find((r) => r.name === name)!;

let outputs: Record<string, unknown>;

beforeAll(async () => {
  const { framesift } = await import('../../infra/framesift.ts');
  const { readSettings } = await import('../../infra/config.ts');
  const stack = framesift(readSettings(), { bucketObjectName: 'functions/abc.zip', asset: new pulumi.asset.StringAsset('zip') });
  outputs = (await valueOf(pulumi.output(stack))) as Record<string, unknown>;
  // Resources whose inputs depend on other resources register later; wait until none arrive.
  for (let count = -1; count !== resources.length; ) {
    count = resources.length;
    await new Promise((r) => setTimeout(r, 100));
  }
});

describe('framesift stack', () => {
  it('enables every API the pipeline needs', () => {
    expect(ofType('gcp:projects/service:Service').map((r) => r.inputs.service).sort()).toEqual(
      ['artifactregistry', 'bigquery', 'cloudbuild', 'cloudfunctions', 'cloudscheduler', 'eventarc', 'pubsub', 'run', 'storage'].map((s) => `${s}.googleapis.com`),
    );
  });

  it('enforces uniform access and public-access prevention on every bucket; no versioning on the output', () => {
    const buckets = ofType('gcp:storage/bucket:Bucket');
    expect(buckets).toHaveLength(3);
    for (const bucket of buckets) expect(bucket.inputs).toMatchObject({ uniformBucketLevelAccess: true, publicAccessPrevention: 'enforced', location: 'europe-west1' });
    expect(named('output-bucket').inputs.versioning).toEqual({ enabled: false });
    expect(named('output-bucket').inputs.lifecycleRules).toContainEqual({ action: { type: 'Delete' }, condition: { age: 1, matchesPrefixes: ['tmp/'] } });
    expect(named('ingest-bucket').inputs.name).not.toBe(named('output-bucket').inputs.name);
  });

  it('wires the triggers: storage events from the ingest bucket only, as the invoker account', () => {
    const fanout = named('fanout').inputs as { eventTrigger: Record<string, unknown>; serviceConfig: Record<string, unknown> };
    expect(fanout.eventTrigger).toEqual({
      triggerRegion: 'europe-west1',
      eventType: 'google.cloud.storage.object.v1.finalized',
      eventFilters: [{ attribute: 'bucket', value: named('ingest-bucket').inputs.name }],
      retryPolicy: 'RETRY_POLICY_RETRY',
      serviceAccountEmail: `framesift-invoker@${PROJECT}.iam.gserviceaccount.com`,
    });
    const compact = named('compact').inputs as { eventTrigger: Record<string, unknown> };
    expect(compact.eventTrigger).toMatchObject({ eventType: 'google.cloud.pubsub.topic.v1.messagePublished', pubsubTopic: `projects/${PROJECT}/topics/framesift-compact-ticks` });
    expect(named('compact-schedule').inputs).toMatchObject({ schedule: '*/15 * * * *', pubsubTarget: { topicName: `projects/${PROJECT}/topics/framesift-compact-ticks` } });
  });

  it('takes each function’s memory, timeout, concurrency and instances from stack config', () => {
    const extract = named('extract').inputs as { serviceConfig: Record<string, unknown>; buildConfig: Record<string, unknown> };
    expect(extract.serviceConfig).toMatchObject({
      availableMemory: '4Gi',
      timeoutSeconds: 420,
      maxInstanceCount: 50,
      maxInstanceRequestConcurrency: 1,
      serviceAccountEmail: `framesift-extract@${PROJECT}.iam.gserviceaccount.com`,
      ingressSettings: 'ALLOW_INTERNAL_ONLY',
    });
    expect((extract.serviceConfig.environmentVariables as Record<string, string>)).toMatchObject({ FRAMESIFT_BACKEND: 'gcp', FRAMESIFT_SELECTOR: 'scene', NODE_OPTIONS: '--import tsx', MALLOC_ARENA_MAX: '1' });
    expect(extract.buildConfig).toMatchObject({ runtime: 'nodejs20', entryPoint: 'extract', source: { storageSource: { object: 'functions/abc.zip' } } });
    expect((named('fanout').inputs.serviceConfig as Record<string, unknown>).availableMemory).toBe('512Mi');
  });

  it('delivers extraction by push with a retry policy, an ack deadline that fits the timeout, and a dead-letter policy', () => {
    expect(named('extract-push').inputs).toMatchObject({
      ackDeadlineSeconds: 420,
      retryPolicy: { minimumBackoff: '10s', maximumBackoff: '600s' },
      deadLetterPolicy: { deadLetterTopic: `projects/${PROJECT}/topics/framesift-extract-dead-letter`, maxDeliveryAttempts: 5 },
      pushConfig: { pushEndpoint: 'https://framesift-extract.a.run.app', oidcToken: { serviceAccountEmail: `framesift-invoker@${PROJECT}.iam.gserviceaccount.com` } },
      messageRetentionDuration: '604800s',
    });
    expect(named('extract-dead-letter-inspect').inputs).toMatchObject({ topic: `projects/${PROJECT}/topics/framesift-extract-dead-letter` });
  });

  it('grants exactly the least-privilege set', () => {
    const sa = (id: string) => `serviceAccount:framesift-${id}@${PROJECT}.iam.gserviceaccount.com`;
    const ingest = named('ingest-bucket').inputs.name;
    const output = named('output-bucket').inputs.name;
    const bindings = resources
      .filter((r) => /IAMMember|IamMember/.test(r.type))
      .map((r) => {
        const i = r.inputs as Record<string, string>;
        const on = i.bucket ?? i.topic ?? i.subscription ?? i.datasetId ?? (r.type.includes('cloudrunv2') ? i.name!.split('/').pop() : `project ${i.project}`);
        return `${on} ${i.role} ${i.member}`;
      })
      .sort();
    const pubsubAgent = 'serviceAccount:service-123@gcp-sa-pubsub.iam.gserviceaccount.com';
    expect(bindings).toEqual(
      [
        `${ingest} roles/storage.objectViewer ${sa('fanout')}`,
        `${output} roles/storage.objectCreator ${sa('fanout')}`,
        `framesift-extract-requests roles/pubsub.publisher ${sa('fanout')}`,
        `${ingest} roles/storage.objectViewer ${sa('extract')}`,
        `${output} roles/storage.objectViewer ${sa('extract')}`,
        `${output} roles/storage.objectCreator ${sa('extract')}`,
        `${output} roles/storage.objectViewer ${sa('compact')}`,
        `${output} roles/storage.objectCreator ${sa('compact')}`,
        `project ${PROJECT} roles/bigquery.jobUser ${sa('compact')}`,
        `framesift_data roles/bigquery.dataEditor ${sa('compact')}`,
        `framesift-extract-dead-letter-inspect roles/pubsub.subscriber ${sa('compact')}`,
        `project ${PROJECT} roles/eventarc.eventReceiver ${sa('invoker')}`,
        `framesift-fanout roles/run.invoker ${sa('invoker')}`,
        `framesift-extract roles/run.invoker ${sa('invoker')}`,
        `framesift-compact roles/run.invoker ${sa('invoker')}`,
        `project ${PROJECT} roles/pubsub.publisher serviceAccount:service-123@gs-project-accounts.iam.gserviceaccount.com`,
        `framesift-extract-dead-letter roles/pubsub.publisher ${pubsubAgent}`,
        `framesift-extract-push roles/pubsub.subscriber ${pubsubAgent}`,
      ].sort(),
    );
  });

  it('grants no owner, editor, public or project-wide storage role', () => {
    for (const r of resources.filter((x) => /IAM|Iam/.test(x.type))) {
      const { role, member } = r.inputs as { role: string; member: string };
      expect(['roles/owner', 'roles/editor', 'roles/viewer']).not.toContain(role);
      expect(member).not.toMatch(/^allUsers$|^allAuthenticatedUsers$/);
      if (r.type === 'gcp:projects/iAMMember:IAMMember') expect(role).not.toMatch(/^roles\/storage\./);
    }
  });

  it('defines the BigQuery tables from the shared schema, partitioned, clustered, with one-row-per-key views', async () => {
    const { TABLES, bigQuerySchemaOf } = await import('../../shared/pipeline/tables.ts');
    const gifsAll = named('gifs-all').inputs;
    expect(JSON.parse(gifsAll.schema as string)).toEqual(bigQuerySchemaOf(TABLES.gifs).fields);
    expect(gifsAll).toMatchObject({ tableId: 'gifs_all', timePartitioning: { type: 'DAY', field: 'processed_at' }, clusterings: ['gif_id'] });
    expect(named('key-frames-all').inputs).toMatchObject({ tableId: 'key_frames_all', clusterings: ['gif_id'] });
    const view = named('gifs-view').inputs as { view: { query: string; useLegacySql: boolean } };
    expect(view.view.useLegacySql).toBe(false);
    expect(view.view.query).toContain('PARTITION BY record_key ORDER BY processed_at DESC');
    expect(view.view.query).toContain(`\`${PROJECT}.framesift_data.gifs_all\``);
  });

  it('exports what a user needs next', () => {
    expect(outputs).toMatchObject({
      ingestBucket: named('ingest-bucket').inputs.name,
      topic: 'framesift-extract-requests',
      deadLetterTopic: 'framesift-extract-dead-letter',
      compactTopic: 'framesift-compact-ticks',
      dataset: 'framesift_data',
      gifsTable: `${PROJECT}.framesift_data.gifs`,
      functions: { fanout: 'framesift-fanout', extract: 'framesift-extract', compact: 'framesift-compact' },
    });
    expect(outputs.uploadCommand).toMatch(/^gcloud storage cp .* gs:\/\/framesift-demo-project-ingest\//);
    expect(outputs.queryCommand).toMatch(/^bq query --use_legacy_sql=false/);
  });
});
