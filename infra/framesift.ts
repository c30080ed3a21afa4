/**
 * framesift on Google Cloud, as named steps that read top-down: APIs,
 * buckets, topics, identities, grants, the warehouse, the functions, their
 * delivery and the schedule. Each resource has a kebab-case name and a line
 * saying why it exists.
 */
import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { TABLES, allRowsTableOf, bigQuerySchemaOf } from '../shared/pipeline/tables.ts';
import { bigQueryTarget, viewSql } from '../shared/pipeline/views.ts';
import { COMPACTION_SHARDS } from '../shared/pipeline/layout.ts';
import { DECODER_PROCESS_ENV } from '../shared/runtime.ts';
import type { FunctionSettings, StackSettings } from './config.ts';

/**
 * Everything the stack uses. The last two must be on before the first
 * `pulumi preview`, because data sources (the project's number, the storage
 * agent) are read at preview time; the README says how.
 */
export const REQUIRED_APIS = [
  'cloudfunctions.googleapis.com',
  'run.googleapis.com',
  'eventarc.googleapis.com',
  'pubsub.googleapis.com',
  'cloudbuild.googleapis.com',
  'artifactregistry.googleapis.com',
  'bigquery.googleapis.com',
  'cloudscheduler.googleapis.com',
  'storage.googleapis.com',
  'iam.googleapis.com',
  'cloudresourcemanager.googleapis.com',
  'logging.googleapis.com',
];

/** Pub/Sub's longest ack deadline; a push ack is the HTTP answer, so it must outlast extraction. */
const MAX_ACK_DEADLINE_SECONDS = 600;
/** Build images older than this are deleted; only the running revision's image matters. */
const IMAGE_RETENTION = '604800s';

export type FunctionName = 'fanout' | 'extract' | 'compact';

export interface FunctionSource {
  bucketObjectName: string;
  asset: pulumi.asset.Asset;
}

type Account = gcp.serviceaccount.Account;
const memberOf = (account: Account) => pulumi.interpolate`serviceAccount:${account.email}`;

export function framesift(settings: StackSettings, source: FunctionSource) {
  const { project, region, prefix } = settings;
  const name = (suffix: string) => `${prefix}-${suffix}`;

  const apis = enableApis(project);
  const buckets = createBuckets(settings, name, apis);
  const topics = createTopics(name, apis);
  const agents = serviceAgents(project, apis);
  const accounts = createAccounts(name, apis);
  const images = imageRepository(settings, name, apis);
  const warehouse = createWarehouse(settings, name, apis);
  const grants = grantLeastPrivilege(settings, { buckets, topics, agents, accounts, images, warehouse });

  const sourceObject = new gcp.storage.BucketObject('function-source', { bucket: buckets.source.name, name: source.bucketObjectName, source: source.asset });
  const environment = functionEnvironment(settings, { buckets, topics, warehouse });
  const deploy = (target: FunctionName, account: Account, trigger?: gcp.types.input.cloudfunctionsv2.FunctionEventTrigger) =>
    cloudFunction(settings, name, {
      target,
      account,
      settings: settings.functions[target],
      trigger,
      environment,
      build: { account: accounts.build, repository: images.repository, bucket: buckets.source.name, object: sourceObject.name },
      // Explicit dependencies on the grants: a first `up` otherwise races Eventarc's permission checks.
      dependsOn: [...apis, ...grants],
    });

  const fanout = deploy('fanout', accounts.fanout, {
    triggerRegion: region,
    eventType: 'google.cloud.storage.object.v1.finalized',
    eventFilters: [{ attribute: 'bucket', value: buckets.ingest.name }],
    retryPolicy: 'RETRY_POLICY_RETRY',
    serviceAccountEmail: accounts.invoker.email,
  });
  // Extraction is invoked by the push subscription below, which carries the retry and dead-letter policy.
  const extract = deploy('extract', accounts.extract);
  const compact = deploy('compact', accounts.compact, {
    triggerRegion: region,
    eventType: 'google.cloud.pubsub.topic.v1.messagePublished',
    pubsubTopic: topics.compact.id,
    retryPolicy: 'RETRY_POLICY_DO_NOT_RETRY',
    serviceAccountEmail: accounts.invoker.email,
  });

  const invokers = allowInvoker(settings, accounts.invoker, { fanout, extract, compact });
  pushToExtract(settings, name, { topics, agents, invoker: accounts.invoker, extract, dependsOn: invokers });
  scheduleCompaction(settings, name, topics.compact, apis);
  if (!settings.keepInfoLogs) excludeInfoLogs(name, [fanout, extract, compact], apis);

  return {
    project,
    region,
    ingestBucket: buckets.ingest.name,
    outputBucket: buckets.output.name,
    topic: topics.requests.name,
    deadLetterTopic: topics.deadLetter.name,
    deadLetterSubscription: topics.deadLetterInspect.name,
    compactTopic: topics.compact.name,
    recordsTopic: topics.records.name,
    recordsSubscription: topics.recordsPull.name,
    dataset: warehouse.dataset.datasetId,
    gifsTable: pulumi.interpolate`${project}.${warehouse.dataset.datasetId}.${warehouse.views.gifs.tableId}`,
    keyFramesTable: pulumi.interpolate`${project}.${warehouse.dataset.datasetId}.${warehouse.views.key_frames.tableId}`,
    functions: { fanout: fanout.name, extract: extract.name, compact: compact.name },
    /** The variables each function runs with, so a rehearsal of the artefact can start it the same way. */
    environment: pulumi.output(environment),
    uploadCommand: pulumi.interpolate`gcloud storage cp manifest.txt *.gif gs://${buckets.ingest.name}/my-batch/`,
    queryCommand: pulumi.interpolate`bq query --use_legacy_sql=false 'SELECT status, error_code, count(*) AS files FROM \`${project}.${warehouse.dataset.datasetId}.gifs\` GROUP BY ALL'`,
  };
}

// The APIs a first `up` in an empty project needs; everything below waits for them.
function enableApis(project: string): gcp.projects.Service[] {
  return REQUIRED_APIS.map((service) => new gcp.projects.Service(`api-${service.split('.')[0]}`, { project, service, disableOnDestroy: false }));
}

type Buckets = ReturnType<typeof createBuckets>;

function createBuckets(settings: StackSettings, name: (s: string) => string, apis: pulumi.Resource[]) {
  type LifecycleRule = gcp.types.input.storage.BucketLifecycleRule;
  // Every bucket is private: uniform access, public access prevented, and incomplete uploads cleaned up.
  const privateBucket = (id: string, suffix: string, args: Partial<gcp.storage.BucketArgs> & { lifecycleRules?: LifecycleRule[] }) =>
    new gcp.storage.Bucket(id, {
      name: name(`${settings.project}-${suffix}`),
      location: settings.region,
      uniformBucketLevelAccess: true,
      publicAccessPrevention: 'enforced',
      forceDestroy: settings.forceDestroy,
      ...args,
      lifecycleRules: [...(args.lifecycleRules ?? []), { action: { type: 'AbortIncompleteMultipartUpload' }, condition: { age: 1 } }],
    }, { dependsOn: apis });
  return {
    // Uploads land here; nothing framesift makes is ever written back, so the trigger cannot loop.
    ingest: privateBucket('ingest-bucket', 'ingest', {}),
    // Key frames, records, Parquet. Unversioned: BigQuery cannot load versioned URIs.
    output: privateBucket('output-bucket', 'output', {
      versioning: { enabled: false },
      lifecycleRules: [{ action: { type: 'Delete' }, condition: { age: 1, matchesPrefixes: ['tmp/'] } }],
    }),
    // Function source archives, named by their SHA-256; old ones are safe to lose.
    source: privateBucket('source-bucket', 'source', { forceDestroy: true }),
  };
}

type Topics = ReturnType<typeof createTopics>;

function createTopics(name: (s: string) => string, apis: pulumi.Resource[]) {
  // What compaction pulls: kept a week (Pub/Sub's longest), and never expiring while unused.
  const pullSubscription = (id: string, topic: gcp.pubsub.Topic, args: Partial<gcp.pubsub.SubscriptionArgs>) =>
    new gcp.pubsub.Subscription(id, { name: name(id), topic: topic.id, messageRetentionDuration: '604800s', expirationPolicy: { ttl: '' }, ...args });
  // One request per file; extraction reads it by push.
  const requests = new gcp.pubsub.Topic('extract-requests', { name: name('extract-requests'), messageRetentionDuration: '86400s' }, { dependsOn: apis });
  // Requests that failed every delivery attempt.
  const deadLetter = new gcp.pubsub.Topic('extract-dead-letter', { name: name('extract-dead-letter'), messageRetentionDuration: '604800s' }, { dependsOn: apis });
  // Failures wait here; compaction turns each into a failed row that SQL can see.
  const deadLetterInspect = pullSubscription('extract-dead-letter-inspect', deadLetter, { ackDeadlineSeconds: 60 });
  // Cloud Scheduler's ticks for compaction.
  const compact = new gcp.pubsub.Topic('compact-ticks', { name: name('compact-ticks') }, { dependsOn: apis });
  // Each file's record, from extraction to compaction: a message costs a tenth of an object write, and needs no read to collect.
  const records = new gcp.pubsub.Topic('records', { name: name('records') }, { dependsOn: apis });
  // Compaction pulls it in batches. The ack deadline outlasts a batch; exactly-once delivery keeps acknowledged records from coming back,
  // and the retention is the redelivery window compaction remembers loaded records for (compact.ts).
  const recordsPull = pullSubscription('records-compaction', records, { ackDeadlineSeconds: 600, enableExactlyOnceDelivery: true });
  return { requests, deadLetter, deadLetterInspect, compact, records, recordsPull };
}

type Agents = ReturnType<typeof serviceAgents>;

/**
 * Google's own agents, made to exist now rather than on first use: in a new
 * project they appear lazily, and grants to an agent that does not exist yet
 * fail the first `up`.
 */
function serviceAgents(project: string, apis: pulumi.Resource[]) {
  const identity = (service: string) => new gcp.projects.ServiceIdentity(`${service.split('.')[0]}-agent`, { project, service }, { dependsOn: apis });
  const storage = gcp.storage.getProjectServiceAccountOutput({ project }, { dependsOn: apis });
  return {
    pubsub: pulumi.interpolate`serviceAccount:${identity('pubsub.googleapis.com').email}`,
    eventarc: pulumi.interpolate`serviceAccount:${identity('eventarc.googleapis.com').email}`,
    storage: pulumi.interpolate`serviceAccount:${storage.emailAddress}`,
  };
}

type Accounts = ReturnType<typeof createAccounts>;

// One identity per function, one for the triggers and push that invoke them, and one that builds them.
function createAccounts(name: (s: string) => string, apis: pulumi.Resource[]) {
  const account = (id: string, displayName: string) =>
    new gcp.serviceaccount.Account(`${id}-sa`, { accountId: name(id).slice(0, 30), displayName }, { dependsOn: apis });
  return {
    fanout: account('fanout', 'framesift fan-out'),
    extract: account('extract', 'framesift extraction'),
    compact: account('compact', 'framesift compaction'),
    invoker: account('invoker', 'framesift triggers and push'),
    // New projects give Cloud Build's default account no grants; this one has exactly what a build needs.
    build: account('build', 'framesift function builds'),
  };
}

// The functions' images, in a repository of the stack's own so the build account can be granted on it alone.
function imageRepository(settings: StackSettings, name: (s: string) => string, apis: pulumi.Resource[]) {
  const repository = new gcp.artifactregistry.Repository('function-images', {
    project: settings.project,
    location: settings.region,
    repositoryId: name('functions'),
    format: 'DOCKER',
    description: 'framesift function images, written by Cloud Build',
    cleanupPolicies: [{ id: 'delete-old-images', action: 'DELETE', condition: { olderThan: IMAGE_RETENTION } }],
  }, { dependsOn: apis });
  return { repository };
}

type Warehouse = ReturnType<typeof createWarehouse>;

function createWarehouse(settings: StackSettings, name: (s: string) => string, apis: pulumi.Resource[]) {
  const datasetId = name('data').replace(/-/g, '_');
  const dataset = new gcp.bigquery.Dataset('dataset', {
    datasetId,
    location: settings.region,
    description: 'framesift: one row per file (gifs), per key frame (key_frames) and per manifest line (manifest_entries).',
    deleteContentsOnDestroy: settings.forceDestroy,
  }, { dependsOn: apis });
  const entries = Object.entries(TABLES) as Array<[keyof typeof TABLES, (typeof TABLES)[keyof typeof TABLES]]>;
  // Every loaded row; partitioned by day and clustered so the views' windows stay cheap.
  const allRows = entries.map(([, table]) => new gcp.bigquery.Table(`${table.name.replace('_', '-')}-all`, {
    datasetId: dataset.datasetId,
    tableId: allRowsTableOf(table),
    description: table.description,
    schema: JSON.stringify(bigQuerySchemaOf(table).fields),
    timePartitioning: { type: 'DAY', field: table.partitionBy },
    clusterings: [...table.clusterBy],
    deletionProtection: !settings.forceDestroy,
  }));
  // One row per key: what queries read. The gifs and key_frames views join manifest_entries_all, so every view waits for every table.
  const views = {} as Record<keyof typeof TABLES, gcp.bigquery.Table>;
  for (const [key, table] of entries) {
    views[key] = new gcp.bigquery.Table(`${table.name.replace('_', '-')}-view`, {
      datasetId: dataset.datasetId,
      tableId: table.name,
      view: { query: viewSql(table, bigQueryTarget(settings.project, datasetId)), useLegacySql: false },
      deletionProtection: false,
    }, { dependsOn: allRows });
  }
  return { dataset, views };
}

function grantLeastPrivilege(
  settings: StackSettings,
  on: { buckets: Buckets; topics: Topics; agents: Agents; accounts: Accounts; images: ReturnType<typeof imageRepository>; warehouse: Warehouse },
): pulumi.Resource[] {
  const { project } = settings;
  const { buckets, topics, agents, accounts, images, warehouse } = on;
  const bucketRole = (id: string, bucket: pulumi.Input<string>, role: string, account: Account) =>
    new gcp.storage.BucketIAMMember(id, { bucket, role, member: memberOf(account) });
  const projectRole = (id: string, role: string, member: pulumi.Input<string>) => new gcp.projects.IAMMember(id, { project, role, member });
  return [
    // Fan-out reads uploads, publishes requests, and records rejected lines (create only).
    bucketRole('fanout-reads-ingest', buckets.ingest.name, 'roles/storage.objectViewer', accounts.fanout),
    // Fan-out writes rejections and manifest entries to the inbox, and reads whether a manifest was fanned out before.
    bucketRole('fanout-reads-output', buckets.output.name, 'roles/storage.objectViewer', accounts.fanout),
    bucketRole('fanout-records-rejections', buckets.output.name, 'roles/storage.objectCreator', accounts.fanout),
    new gcp.pubsub.TopicIAMMember('fanout-publishes-requests', { topic: topics.requests.name, role: 'roles/pubsub.publisher', member: memberOf(accounts.fanout) }),
    // Extraction reads uploads, writes packs and publishes records; it checks for its own earlier packs, so it reads them too.
    bucketRole('extract-reads-ingest', buckets.ingest.name, 'roles/storage.objectViewer', accounts.extract),
    bucketRole('extract-reads-output', buckets.output.name, 'roles/storage.objectViewer', accounts.extract),
    bucketRole('extract-writes-output', buckets.output.name, 'roles/storage.objectCreator', accounts.extract),
    new gcp.pubsub.TopicIAMMember('extract-publishes-records', { topic: topics.records.name, role: 'roles/pubsub.publisher', member: memberOf(accounts.extract) }),
    // Manifests may name files in the allowed buckets; extraction must be able to read them.
    ...settings.allowedBuckets.map((bucket) => bucketRole(`extract-reads-${bucket}`, bucket, 'roles/storage.objectViewer', accounts.extract)),
    // Compaction reads and empties the inbox: objectUser is get, list, create and delete, without IAM changes.
    bucketRole('compact-uses-output', buckets.output.name, 'roles/storage.objectUser', accounts.compact),
    projectRole('compact-runs-jobs', 'roles/bigquery.jobUser', memberOf(accounts.compact)),
    new gcp.bigquery.DatasetIamMember('compact-edits-dataset', { datasetId: warehouse.dataset.datasetId, role: 'roles/bigquery.dataEditor', member: memberOf(accounts.compact) }),
    new gcp.pubsub.SubscriptionIAMMember('compact-pulls-records', { subscription: topics.recordsPull.name, role: 'roles/pubsub.subscriber', member: memberOf(accounts.compact) }),
    new gcp.pubsub.SubscriptionIAMMember('compact-drains-dead-letters', { subscription: topics.deadLetterInspect.name, role: 'roles/pubsub.subscriber', member: memberOf(accounts.compact) }),
    // Eventarc delivers events as the invoker account.
    projectRole('invoker-receives-events', 'roles/eventarc.eventReceiver', memberOf(accounts.invoker)),
    // Builds read the uploaded source, push the image, and write their logs.
    bucketRole('build-reads-source', buckets.source.name, 'roles/storage.objectViewer', accounts.build),
    new gcp.artifactregistry.RepositoryIamMember('build-writes-images', {
      project,
      location: settings.region,
      repository: images.repository.name,
      role: 'roles/artifactregistry.writer',
      member: memberOf(accounts.build),
    }),
    projectRole('build-writes-logs', 'roles/logging.logWriter', memberOf(accounts.build)),
    // Cloud Storage publishes its object events to Pub/Sub for Eventarc.
    projectRole('storage-agent-publishes', 'roles/pubsub.publisher', agents.storage),
    // Eventarc's agent reads the trigger's sources; a new project grants it lazily, so the first trigger can fail without this.
    projectRole('eventarc-agent-serves', 'roles/eventarc.serviceAgent', agents.eventarc),
  ];
}

function functionEnvironment(settings: StackSettings, on: { buckets: Buckets; topics: Topics; warehouse: Warehouse }): Record<string, pulumi.Input<string>> {
  return {
    FRAMESIFT_BACKEND: 'gcp',
    FRAMESIFT_OUTPUT_BUCKET: on.buckets.output.name,
    FRAMESIFT_TOPIC: on.topics.requests.name,
    FRAMESIFT_DATASET: on.warehouse.dataset.datasetId,
    FRAMESIFT_DATASET_LOCATION: on.warehouse.dataset.location.apply((location) => location ?? settings.region),
    FRAMESIFT_ALLOWED_BUCKETS: settings.allowedBuckets.join(','),
    FRAMESIFT_SELECTOR: settings.selector,
    FRAMESIFT_SELECTOR_OPTIONS: JSON.stringify(settings.selectorOptions),
    FRAMESIFT_LIMITS: JSON.stringify(settings.limits),
    FRAMESIFT_DEAD_LETTER_SUBSCRIPTION: on.topics.deadLetterInspect.id,
    FRAMESIFT_RECORDS_TOPIC: on.topics.records.name,
    FRAMESIFT_RECORDS_SUBSCRIPTION: on.topics.recordsPull.id,
    // The allocator settings keep libvips' memory flat.
    ...DECODER_PROCESS_ENV,
  };
}

interface FunctionSpec {
  target: FunctionName;
  account: Account;
  settings: FunctionSettings;
  trigger: gcp.types.input.cloudfunctionsv2.FunctionEventTrigger | undefined;
  environment: Record<string, pulumi.Input<string>>;
  build: { account: Account; repository: gcp.artifactregistry.Repository; bucket: pulumi.Input<string>; object: pulumi.Input<string> };
  dependsOn: pulumi.Resource[];
}

function cloudFunction(settings: StackSettings, name: (s: string) => string, spec: FunctionSpec): gcp.cloudfunctionsv2.Function {
  return new gcp.cloudfunctionsv2.Function(spec.target, {
    name: name(spec.target),
    location: settings.region,
    buildConfig: {
      runtime: 'nodejs20',
      entryPoint: spec.target,
      source: { storageSource: { bucket: spec.build.bucket, object: spec.build.object } },
      serviceAccount: pulumi.interpolate`projects/${settings.project}/serviceAccounts/${spec.build.account.email}`,
      dockerRepository: spec.build.repository.id,
    },
    serviceConfig: {
      availableMemory: spec.settings.memory,
      availableCpu: spec.settings.cpu,
      timeoutSeconds: spec.settings.timeoutSeconds,
      maxInstanceCount: spec.settings.maxInstances,
      maxInstanceRequestConcurrency: spec.settings.concurrency,
      serviceAccountEmail: spec.account.email,
      ingressSettings: 'ALLOW_INTERNAL_ONLY',
      allTrafficOnLatestRevision: true,
      environmentVariables: spec.environment,
    },
    eventTrigger: spec.trigger,
  }, { dependsOn: spec.dependsOn });
}

// The invoker account may call the three Cloud Run services behind the functions, and nothing else.
function allowInvoker(settings: StackSettings, invoker: Account, functions: Record<FunctionName, gcp.cloudfunctionsv2.Function>) {
  return Object.entries(functions).map(
    ([target, fn]) =>
      new gcp.cloudrunv2.ServiceIamMember(`invoker-runs-${target}`, {
        project: settings.project,
        location: settings.region,
        name: fn.serviceConfig.apply((s) => s?.service ?? ''),
        role: 'roles/run.invoker',
        member: memberOf(invoker),
      }),
  );
}

/**
 * Extraction's delivery: push with an OIDC token, exponential retry, and a
 * dead-letter topic after N attempts. The endpoint's path names the topic,
 * which is how functions-framework turns a plain push into a CloudEvent with
 * the right source.
 */
function pushToExtract(
  settings: StackSettings,
  name: (s: string) => string,
  on: { topics: Topics; agents: Agents; invoker: Account; extract: gcp.cloudfunctionsv2.Function; dependsOn: pulumi.Resource[] },
) {
  const endpoint = pulumi.interpolate`${on.extract.serviceConfig.apply((s) => s?.uri ?? '')}/projects/${settings.project}/topics/${on.topics.requests.name}`;
  const subscription = new gcp.pubsub.Subscription('extract-push', {
    name: name('extract-push'),
    topic: on.topics.requests.id,
    ackDeadlineSeconds: Math.min(MAX_ACK_DEADLINE_SECONDS, settings.functions.extract.timeoutSeconds),
    messageRetentionDuration: '604800s',
    retryPolicy: { minimumBackoff: '10s', maximumBackoff: '600s' },
    deadLetterPolicy: { deadLetterTopic: on.topics.deadLetter.id, maxDeliveryAttempts: settings.maxDeliveryAttempts },
    pushConfig: { pushEndpoint: endpoint, oidcToken: { serviceAccountEmail: on.invoker.email } },
    expirationPolicy: { ttl: '' },
  }, { dependsOn: on.dependsOn });
  // Pub/Sub's own agent moves dead letters: it publishes to the dead-letter topic and acks on the source.
  new gcp.pubsub.TopicIAMMember('pubsub-agent-dead-letters', { topic: on.topics.deadLetter.name, role: 'roles/pubsub.publisher', member: on.agents.pubsub });
  new gcp.pubsub.SubscriptionIAMMember('pubsub-agent-acks-source', { subscription: subscription.name, role: 'roles/pubsub.subscriber', member: on.agents.pubsub });
  return subscription;
}

/**
 * Every file would leave four INFO entries in Cloud Logging (a request log and a line of its own
 * from fanout and from extract), billed as ingested logs; its row in BigQuery says the same. They
 * are left out of the _Default sink; warnings and errors (retries, 4xx and 5xx answers) are kept.
 */
function excludeInfoLogs(name: (s: string) => string, functions: gcp.cloudfunctionsv2.Function[], apis: pulumi.Resource[]): gcp.logging.ProjectExclusion {
  const services = pulumi.all(functions.map((f) => f.name)).apply((names) => names.map((n) => `"${n}"`).join(' OR '));
  return new gcp.logging.ProjectExclusion(
    'function-info-logs',
    {
      name: name('function-info-logs'),
      description: "framesift functions' INFO and successful request logs: each file's row in BigQuery says the same",
      filter: pulumi.interpolate`resource.type="cloud_run_revision" AND resource.labels.service_name=(${services}) AND severity<=INFO`,
    },
    { dependsOn: apis },
  );
}

// Compaction on a schedule, one tick per inbox shard, so the shards drain side by side: eight shards at
// the default ten minutes are 1,152 load jobs per table a day, inside BigQuery's 1,500.
function scheduleCompaction(settings: StackSettings, name: (s: string) => string, topic: gcp.pubsub.Topic, apis: pulumi.Resource[]) {
  return COMPACTION_SHARDS.map((shard) => new gcp.cloudscheduler.Job(`compact-schedule-${shard}`, {
    name: name(`compact-schedule-${shard}`),
    region: settings.region,
    schedule: settings.compactSchedule,
    timeZone: 'Etc/UTC',
    pubsubTarget: { topicName: topic.id, data: Buffer.from(JSON.stringify({ reason: 'schedule', shard })).toString('base64') },
  }, { dependsOn: apis }));
}
