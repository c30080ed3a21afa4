/**
 * The Pulumi program under Pulumi's own mocks. The tests read like policies.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { MOCK_PROJECT as PROJECT, declareStack, type Registered } from '../support/stack.ts';

let resources: Registered[] = [];
let outputs: Record<string, unknown>;
const ofType = (type: string) => resources.filter((r) => r.type === type);
const named = (name: string) => resources.find((r) => r.name === name)!;

beforeAll(async () => {
  ({ resources, outputs } = await declareStack({
    'framesift:region': 'europe-west1',
    'framesift:selector': 'scene',
    'framesift:allowedBuckets': JSON.stringify(['shared-media']),
    'framesift:extractFunction': JSON.stringify({ memory: '4Gi', timeoutSeconds: 420, maxInstances: 50 }),
    'framesift:compactSchedule': '*/15 * * * *',
  }));
});

describe('framesift stack', () => {
  it('enables every API the pipeline needs', () => {
    expect(ofType('gcp:projects/service:Service').map((r) => r.inputs.service).sort()).toEqual(
      ['artifactregistry', 'bigquery', 'cloudbuild', 'cloudfunctions', 'cloudresourcemanager', 'cloudscheduler', 'eventarc', 'iam', 'logging', 'pubsub', 'run', 'storage'].map((s) => `${s}.googleapis.com`),
    );
  });

  it('creates the service agents it grants to, instead of waiting for Google to create them lazily', () => {
    expect(ofType('gcp:projects/serviceIdentity:ServiceIdentity').map((r) => r.inputs.service).sort()).toEqual(['eventarc.googleapis.com', 'pubsub.googleapis.com']);
  });

  it('builds every function as a dedicated build account, into a repository of its own with a cleanup policy', () => {
    const repository = named('function-images').inputs;
    expect(repository).toMatchObject({ format: 'DOCKER', location: 'europe-west1', repositoryId: 'framesift-functions' });
    expect(repository.cleanupPolicies).toEqual([{ id: 'delete-old-images', action: 'DELETE', condition: { olderThan: '604800s' } }]);
    for (const target of ['fanout', 'extract', 'compact']) {
      expect((named(target).inputs as { buildConfig: unknown }).buildConfig).toMatchObject({
        runtime: 'nodejs20',
        entryPoint: target,
        serviceAccount: `projects/${PROJECT}/serviceAccounts/framesift-build@${PROJECT}.iam.gserviceaccount.com`,
        dockerRepository: `projects/${PROJECT}/locations/europe-west1/repositories/framesift-functions`,
      });
    }
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
    for (const shard of ['0', '7']) {
      expect(named(`compact-schedule-${shard}`).inputs).toMatchObject({ schedule: '*/15 * * * *', pubsubTarget: { topicName: `projects/${PROJECT}/topics/framesift-compact-ticks` } });
      const { pubsubTarget } = named(`compact-schedule-${shard}`).inputs as { pubsubTarget: { data: string } };
      expect(JSON.parse(Buffer.from(pubsubTarget.data, 'base64').toString())).toMatchObject({ shard });
    }
  });

  it('takes each function’s memory, timeout, concurrency and instances from stack config', () => {
    const extract = named('extract').inputs as { serviceConfig: Record<string, unknown>; buildConfig: Record<string, unknown> };
    expect(extract.serviceConfig).toMatchObject({
      availableMemory: '4Gi',
      timeoutSeconds: 420,
      maxInstanceCount: 50,
      maxInstanceRequestConcurrency: 8,
      serviceAccountEmail: `framesift-extract@${PROJECT}.iam.gserviceaccount.com`,
      ingressSettings: 'ALLOW_INTERNAL_ONLY',
    });
    const environment = extract.serviceConfig.environmentVariables as Record<string, string>;
    expect(environment).toMatchObject({ FRAMESIFT_BACKEND: 'gcp', FRAMESIFT_SELECTOR: 'scene', FRAMESIFT_DATASET_LOCATION: 'europe-west1', MALLOC_ARENA_MAX: '1' });
    expect(environment.FRAMESIFT_DEAD_LETTER_SUBSCRIPTION).toBe(`projects/${PROJECT}/subscriptions/framesift-extract-dead-letter-inspect`);
    // The deployed code is JavaScript: nothing may load a TypeScript compiler at run time.
    expect(environment).not.toHaveProperty('NODE_OPTIONS');
    expect(extract.buildConfig).toMatchObject({ runtime: 'nodejs20', entryPoint: 'extract', source: { storageSource: { object: 'functions/abc.zip' } } });
    expect((named('fanout').inputs.serviceConfig as Record<string, unknown>).availableMemory).toBe('512Mi');
  });

  it('delivers extraction by push with a retry policy, an ack deadline that fits the timeout, and a dead-letter policy', () => {
    expect(named('extract-push').inputs).toMatchObject({
      ackDeadlineSeconds: 420,
      retryPolicy: { minimumBackoff: '10s', maximumBackoff: '600s' },
      deadLetterPolicy: { deadLetterTopic: `projects/${PROJECT}/topics/framesift-extract-dead-letter`, maxDeliveryAttempts: 5 },
      pushConfig: { pushEndpoint: `https://framesift-extract.a.run.app/projects/${PROJECT}/topics/framesift-extract-requests`, oidcToken: { serviceAccountEmail: `framesift-invoker@${PROJECT}.iam.gserviceaccount.com` } },
      messageRetentionDuration: '604800s',
    });
    expect(named('extract-dead-letter-inspect').inputs).toMatchObject({ topic: `projects/${PROJECT}/topics/framesift-extract-dead-letter` });
  });

  it("leaves the functions' INFO and successful request logs out of Cloud Logging, and keeps their warnings and errors", () => {
    const { filter } = named('function-info-logs').inputs as { filter: string };
    expect(filter).toBe('resource.type="cloud_run_revision" AND resource.labels.service_name=("framesift-fanout" OR "framesift-extract" OR "framesift-compact") AND severity<=INFO');
  });

  it('carries records from extraction to compaction on a pull subscription that outlasts a batch and a week', () => {
    expect(named('records-compaction').inputs).toMatchObject({
      topic: `projects/${PROJECT}/topics/framesift-records`,
      ackDeadlineSeconds: 600,
      messageRetentionDuration: '604800s',
      enableExactlyOnceDelivery: true,
    });
    expect(named('records-compaction').inputs).not.toHaveProperty('pushConfig');
    for (const target of ['extract', 'compact']) {
      expect(named(target).inputs).toMatchObject({
        serviceConfig: { environmentVariables: { FRAMESIFT_RECORDS_TOPIC: 'framesift-records', FRAMESIFT_RECORDS_SUBSCRIPTION: `projects/${PROJECT}/subscriptions/framesift-records-compaction` } },
      });
    }
  });

  it('grants exactly the least-privilege set', () => {
    const sa = (id: string) => `serviceAccount:framesift-${id}@${PROJECT}.iam.gserviceaccount.com`;
    const ingest = named('ingest-bucket').inputs.name;
    const output = named('output-bucket').inputs.name;
    const bindings = resources
      .filter((r) => /IAMMember|IamMember/.test(r.type))
      .map((r) => {
        const i = r.inputs as Record<string, string>;
        const on = i.bucket ?? i.topic ?? i.subscription ?? i.datasetId ?? i.repository ?? (r.type.includes('cloudrunv2') ? i.name!.split('/').pop() : `project ${i.project}`);
        return `${on} ${i.role} ${i.member}`;
      })
      .sort();
    const pubsubAgent = 'serviceAccount:service-123@gcp-sa-pubsub.iam.gserviceaccount.com';
    const eventarcAgent = 'serviceAccount:service-123@gcp-sa-eventarc.iam.gserviceaccount.com';
    const source = named('source-bucket').inputs.name;
    expect(bindings).toEqual(
      [
        `${ingest} roles/storage.objectViewer ${sa('fanout')}`,
        `${output} roles/storage.objectViewer ${sa('fanout')}`,
        `${output} roles/storage.objectCreator ${sa('fanout')}`,
        `framesift-extract-requests roles/pubsub.publisher ${sa('fanout')}`,
        `${ingest} roles/storage.objectViewer ${sa('extract')}`,
        `shared-media roles/storage.objectViewer ${sa('extract')}`,
        `${output} roles/storage.objectViewer ${sa('extract')}`,
        `${output} roles/storage.objectCreator ${sa('extract')}`,
        `framesift-records roles/pubsub.publisher ${sa('extract')}`,
        `framesift-records-compaction roles/pubsub.subscriber ${sa('compact')}`,
        `${output} roles/storage.objectUser ${sa('compact')}`,
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
        `project ${PROJECT} roles/eventarc.serviceAgent ${eventarcAgent}`,
        `${source} roles/storage.objectViewer ${sa('build')}`,
        `framesift-functions roles/artifactregistry.writer ${sa('build')}`,
        `project ${PROJECT} roles/logging.logWriter ${sa('build')}`,
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
