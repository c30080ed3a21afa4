/**
 * framesift on Google Cloud. Short and linear: each resource has a
 * kebab-case name and a line saying why it exists.
 */
import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { TABLES, allRowsTableOf, bigQueryLatestViewSql, bigQuerySchemaOf } from '../shared/pipeline/tables.ts';
import { DECODER_PROCESS_ENV } from '../shared/runtime.ts';
import type { FunctionSettings, StackSettings } from './config.ts';

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
];

/** Pub/Sub's longest ack deadline; a push ack is the HTTP answer, so it must outlast extraction. */
const MAX_ACK_DEADLINE_SECONDS = 600;

export interface FunctionSource {
  bucketObjectName: string;
  asset: pulumi.asset.Asset;
}

export function framesift(settings: StackSettings, source: FunctionSource) {
  const { project, region, prefix } = settings;
  const name = (suffix: string) => `${prefix}-${suffix}`;
  const serviceAccountMember = (account: gcp.serviceaccount.Account) => pulumi.interpolate`serviceAccount:${account.email}`;

  // The APIs a first `up` in an empty project needs; everything below waits for them.
  const apis = REQUIRED_APIS.map(
    (service) => new gcp.projects.Service(`api-${service.split('.')[0]}`, { project, service, disableOnDestroy: false }),
  );

  // Every bucket is private: uniform access, public access prevented, and incomplete uploads cleaned up.
  type LifecycleRule = gcp.types.input.storage.BucketLifecycleRule;
  const privateBucket = (id: string, suffix: string, args: Partial<gcp.storage.BucketArgs> & { lifecycleRules?: LifecycleRule[] }) =>
    new gcp.storage.Bucket(id, {
      name: name(`${project}-${suffix}`),
      location: region,
      uniformBucketLevelAccess: true,
      publicAccessPrevention: 'enforced',
      forceDestroy: settings.forceDestroy,
      ...args,
      lifecycleRules: [...(args.lifecycleRules ?? []), { action: { type: 'AbortIncompleteMultipartUpload' }, condition: { age: 1 } }],
    }, { dependsOn: apis });

  // Uploads land here; nothing framesift makes is ever written back, so the trigger cannot loop.
  const ingestBucket = privateBucket('ingest-bucket', 'ingest', {});
  // Key frames, records, Parquet. Unversioned: BigQuery cannot load versioned URIs.
  const outputBucket = privateBucket('output-bucket', 'output', {
    versioning: { enabled: false },
    lifecycleRules: [{ action: { type: 'Delete' }, condition: { age: 1, matchesPrefixes: ['tmp/'] } }],
  });
  // Function source archives, named by their SHA-256; old ones are safe to lose.
  const sourceBucket = privateBucket('source-bucket', 'source', { forceDestroy: true });

  const sourceObject = new gcp.storage.BucketObject('function-source', { bucket: sourceBucket.name, name: source.bucketObjectName, source: source.asset });

  // One request per file; extraction reads it by push.
  const extractTopic = new gcp.pubsub.Topic('extract-requests', { name: name('extract-requests'), messageRetentionDuration: '86400s' }, { dependsOn: apis });
  // Requests that failed every delivery attempt.
  const deadLetterTopic = new gcp.pubsub.Topic('extract-dead-letter', { name: name('extract-dead-letter'), messageRetentionDuration: '604800s' }, { dependsOn: apis });
  // Failures wait here; compaction turns each into a failed row that SQL can see.
  const deadLetterSubscription = new gcp.pubsub.Subscription('extract-dead-letter-inspect', {
    name: name('extract-dead-letter-inspect'),
    topic: deadLetterTopic.id,
    ackDeadlineSeconds: 60,
    messageRetentionDuration: '604800s',
    expirationPolicy: { ttl: '' },
  });
  // Cloud Scheduler's ticks for compaction.
  const compactTopic = new gcp.pubsub.Topic('compact-ticks', { name: name('compact-ticks') }, { dependsOn: apis });

  // One identity per function, and one for the triggers and push that invoke them.
  const account = (id: string, displayName: string) =>
    new gcp.serviceaccount.Account(`${id}-sa`, { accountId: name(id).slice(0, 30), displayName }, { dependsOn: apis });
  const fanoutSa = account('fanout', 'framesift fan-out');
  const extractSa = account('extract', 'framesift extraction');
  const compactSa = account('compact', 'framesift compaction');
  const invokerSa = account('invoker', 'framesift triggers and push');

  const bucketRole = (id: string, bucket: gcp.storage.Bucket, role: string, sa: gcp.serviceaccount.Account) =>
    new gcp.storage.BucketIAMMember(id, { bucket: bucket.name, role, member: serviceAccountMember(sa) });
  const grants: pulumi.Resource[] = [
    // Fan-out reads uploads, publishes requests, and records rejected lines (create only).
    bucketRole('fanout-reads-ingest', ingestBucket, 'roles/storage.objectViewer', fanoutSa),
    bucketRole('fanout-records-rejections', outputBucket, 'roles/storage.objectCreator', fanoutSa),
    new gcp.pubsub.TopicIAMMember('fanout-publishes-requests', { topic: extractTopic.name, role: 'roles/pubsub.publisher', member: serviceAccountMember(fanoutSa) }),
    // Extraction reads uploads and writes outputs; it checks for its own earlier outputs, so it reads them too.
    bucketRole('extract-reads-ingest', ingestBucket, 'roles/storage.objectViewer', extractSa),
    bucketRole('extract-reads-output', outputBucket, 'roles/storage.objectViewer', extractSa),
    bucketRole('extract-writes-output', outputBucket, 'roles/storage.objectCreator', extractSa),
    // Compaction reads records and writes Parquet and ledgers, and runs load jobs into its dataset.
    bucketRole('compact-reads-output', outputBucket, 'roles/storage.objectViewer', compactSa),
    bucketRole('compact-writes-output', outputBucket, 'roles/storage.objectCreator', compactSa),
    new gcp.projects.IAMMember('compact-runs-jobs', { project, role: 'roles/bigquery.jobUser', member: serviceAccountMember(compactSa) }),
    // Eventarc delivers events as the invoker account.
    new gcp.projects.IAMMember('invoker-receives-events', { project, role: 'roles/eventarc.eventReceiver', member: serviceAccountMember(invokerSa) }),
  ];

  // Cloud Storage publishes its object events to Pub/Sub for Eventarc.
  const storageAgent = gcp.storage.getProjectServiceAccountOutput({ project });
  grants.push(new gcp.projects.IAMMember('storage-agent-publishes', { project, role: 'roles/pubsub.publisher', member: pulumi.interpolate`serviceAccount:${storageAgent.emailAddress}` }));

  const dataset = new gcp.bigquery.Dataset('dataset', {
    datasetId: name('data').replace(/-/g, '_'),
    location: region,
    description: 'framesift: one row per file (gifs) and per key frame (key_frames).',
    deleteContentsOnDestroy: settings.forceDestroy,
  }, { dependsOn: apis });
  grants.push(new gcp.pubsub.SubscriptionIAMMember('compact-drains-dead-letters', { subscription: deadLetterSubscription.name, role: 'roles/pubsub.subscriber', member: serviceAccountMember(compactSa) }));
  grants.push(new gcp.bigquery.DatasetIamMember('compact-edits-dataset', { datasetId: dataset.datasetId, role: 'roles/bigquery.dataEditor', member: serviceAccountMember(compactSa) }));

  const tables = Object.values(TABLES).map((table) => {
    // Every loaded row; partitioned by day and clustered by gif_id so the view's window stays cheap.
    const all = new gcp.bigquery.Table(`${table.name.replace('_', '-')}-all`, {
      datasetId: dataset.datasetId,
      tableId: allRowsTableOf(table),
      description: table.description,
      schema: JSON.stringify(bigQuerySchemaOf(table).fields),
      timePartitioning: { type: 'DAY', field: table.partitionBy },
      clusterings: [...table.clusterBy],
      deletionProtection: !settings.forceDestroy,
    });
    // One row per key: what queries read.
    const view = new gcp.bigquery.Table(`${table.name.replace('_', '-')}-view`, {
      datasetId: dataset.datasetId,
      tableId: table.name,
      view: { query: bigQueryLatestViewSql(table, project, name('data').replace(/-/g, '_')), useLegacySql: false },
      deletionProtection: false,
    }, { dependsOn: [all] });
    return { all, view };
  });

  const environment = {
    FRAMESIFT_BACKEND: 'gcp',
    FRAMESIFT_OUTPUT_BUCKET: outputBucket.name,
    FRAMESIFT_TOPIC: extractTopic.name,
    FRAMESIFT_DATASET: dataset.datasetId,
    FRAMESIFT_ALLOWED_BUCKETS: settings.allowedBuckets.join(','),
    FRAMESIFT_SELECTOR: settings.selector,
    FRAMESIFT_SELECTOR_OPTIONS: JSON.stringify(settings.selectorOptions),
    FRAMESIFT_LIMITS: JSON.stringify(settings.limits),
    FRAMESIFT_DEAD_LETTER_SUBSCRIPTION: deadLetterSubscription.id,
    // The functions are TypeScript; tsx loads them. The allocator settings keep libvips' memory flat.
    NODE_OPTIONS: '--import tsx',
    ...DECODER_PROCESS_ENV,
  };

  const cloudFunction = (
    target: 'fanout' | 'extract' | 'compact',
    sa: gcp.serviceaccount.Account,
    fn: FunctionSettings,
    eventTrigger: gcp.types.input.cloudfunctionsv2.FunctionEventTrigger | undefined,
    dependsOn: pulumi.Resource[],
  ) =>
    new gcp.cloudfunctionsv2.Function(target, {
      name: name(target),
      location: region,
      buildConfig: { runtime: 'nodejs20', entryPoint: target, source: { storageSource: { bucket: sourceBucket.name, object: sourceObject.name } } },
      serviceConfig: {
        availableMemory: fn.memory,
        availableCpu: fn.cpu,
        timeoutSeconds: fn.timeoutSeconds,
        maxInstanceCount: fn.maxInstances,
        maxInstanceRequestConcurrency: fn.concurrency,
        serviceAccountEmail: sa.email,
        ingressSettings: 'ALLOW_INTERNAL_ONLY',
        allTrafficOnLatestRevision: true,
        environmentVariables: environment,
      },
      eventTrigger,
    }, { dependsOn: [...apis, ...dependsOn] });

  // Explicit dependencies on the grants: a first `up` otherwise races Eventarc's permission checks.
  const fanout = cloudFunction('fanout', fanoutSa, settings.functions.fanout, {
    triggerRegion: region,
    eventType: 'google.cloud.storage.object.v1.finalized',
    eventFilters: [{ attribute: 'bucket', value: ingestBucket.name }],
    retryPolicy: 'RETRY_POLICY_RETRY',
    serviceAccountEmail: invokerSa.email,
  }, grants);
  // Extraction is invoked by the push subscription below, which carries the retry and dead-letter policy.
  const extract = cloudFunction('extract', extractSa, settings.functions.extract, undefined, grants);
  const compact = cloudFunction('compact', compactSa, settings.functions.compact, {
    triggerRegion: region,
    eventType: 'google.cloud.pubsub.topic.v1.messagePublished',
    pubsubTopic: compactTopic.id,
    retryPolicy: 'RETRY_POLICY_DO_NOT_RETRY',
    serviceAccountEmail: invokerSa.email,
  }, grants);

  // The invoker account may call the three Cloud Run services behind the functions, and nothing else.
  const invokers = [fanout, extract, compact].map(
    (fn, i) =>
      new gcp.cloudrunv2.ServiceIamMember(`invoker-runs-${['fanout', 'extract', 'compact'][i]}`, {
        project,
        location: region,
        name: fn.serviceConfig.apply((s) => s?.service ?? ''),
        role: 'roles/run.invoker',
        member: serviceAccountMember(invokerSa),
      }),
  );

  // Extraction's delivery: push with an OIDC token, exponential retry, and a dead-letter topic after N attempts.
  const extractSubscription = new gcp.pubsub.Subscription('extract-push', {
    name: name('extract-push'),
    topic: extractTopic.id,
    ackDeadlineSeconds: Math.min(MAX_ACK_DEADLINE_SECONDS, settings.functions.extract.timeoutSeconds),
    messageRetentionDuration: '604800s',
    retryPolicy: { minimumBackoff: '10s', maximumBackoff: '600s' },
    deadLetterPolicy: { deadLetterTopic: deadLetterTopic.id, maxDeliveryAttempts: settings.maxDeliveryAttempts },
    pushConfig: { pushEndpoint: extract.serviceConfig.apply((s) => s?.uri ?? ''), oidcToken: { serviceAccountEmail: invokerSa.email } },
    expirationPolicy: { ttl: '' },
  }, { dependsOn: invokers });

  // Pub/Sub's own agent moves dead letters: it publishes to the dead-letter topic and acks on the source.
  const projectInfo = gcp.organizations.getProjectOutput({ projectId: project });
  const pubsubAgent = pulumi.interpolate`serviceAccount:service-${projectInfo.number}@gcp-sa-pubsub.iam.gserviceaccount.com`;
  new gcp.pubsub.TopicIAMMember('pubsub-agent-dead-letters', { topic: deadLetterTopic.name, role: 'roles/pubsub.publisher', member: pubsubAgent });
  new gcp.pubsub.SubscriptionIAMMember('pubsub-agent-acks-source', { subscription: extractSubscription.name, role: 'roles/pubsub.subscriber', member: pubsubAgent });

  // Compaction on a schedule: one load job per table per run keeps far below BigQuery's daily limit.
  new gcp.cloudscheduler.Job('compact-schedule', {
    name: name('compact-schedule'),
    region,
    schedule: settings.compactSchedule,
    timeZone: 'Etc/UTC',
    pubsubTarget: { topicName: compactTopic.id, data: Buffer.from('{"reason":"schedule"}').toString('base64') },
  }, { dependsOn: apis });

  const gifsView = tables[0]!.view;
  return {
    project,
    region,
    ingestBucket: ingestBucket.name,
    outputBucket: outputBucket.name,
    topic: extractTopic.name,
    deadLetterTopic: deadLetterTopic.name,
    deadLetterSubscription: deadLetterSubscription.name,
    compactTopic: compactTopic.name,
    dataset: dataset.datasetId,
    gifsTable: pulumi.interpolate`${project}.${dataset.datasetId}.${gifsView.tableId}`,
    keyFramesTable: pulumi.interpolate`${project}.${dataset.datasetId}.${tables[1]!.view.tableId}`,
    functions: { fanout: fanout.name, extract: extract.name, compact: compact.name },
    uploadCommand: pulumi.interpolate`gcloud storage cp manifest.txt *.gif gs://${ingestBucket.name}/my-batch/`,
    queryCommand: pulumi.interpolate`bq query --use_legacy_sql=false 'SELECT status, error_code, count(*) AS files FROM \`${project}.${dataset.datasetId}.gifs\` GROUP BY ALL'`,
  };
}
