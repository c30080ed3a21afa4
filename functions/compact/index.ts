/** compact: on Cloud Scheduler's tick (through Pub/Sub), dead letters and records become Parquet and one load job per table. */
import * as functions from '@google-cloud/functions-framework';
import { recordDeadLetters } from '../../shared/adapters/gcp/dead-letters.ts';
import { PubSubInboxSource } from '../../shared/adapters/gcp/pubsub-inbox.ts';
import { compact } from '../../shared/pipeline/compact.ts';
import type { MessagePublishedData } from '../../shared/pipeline/events.ts';
import { COMPACTION_SHARDS } from '../../shared/pipeline/layout.ts';
import { loadConfig } from '../config.ts';
import { log } from '../log.ts';
import { openStore, openSubscriber, openWarehouse } from '../runtime.ts';

/** The function's timeout is 540 s: no batch starts after 420 s, and a batch takes seconds, so the run ends in time. */
const RUN_BUDGET_MS = 420_000;
/** No run lives past the timeout, so an open batch older than it was killed, and any run may finish it. */
const RUN_TIMEOUT_MS = 540_000;

const config = loadConfig();
const [store, warehouse, subscriber] = await Promise.all([
  openStore(config),
  openWarehouse(config),
  config.deadLetterSubscription || config.recordsSubscription ? openSubscriber(config) : undefined,
]);

functions.cloudEvent('compact', async (event: functions.CloudEvent<MessagePublishedData>) => {
  const shard = tickShard(event.data);
  // Requests that exhausted their deliveries become failed records first, so this run loads them too (one shard's run drains them).
  const deadLetters =
    subscriber && config.deadLetterSubscription && (shard === undefined || shard === COMPACTION_SHARDS[0])
      ? await recordDeadLetters(subscriber, config.deadLetterSubscription, { store, outputBucket: config.outputBucket })
      : 0;
  // A source per run: what it pulled is acknowledged by this run or comes back.
  const records = subscriber && config.recordsSubscription ? [new PubSubInboxSource(subscriber, config.recordsSubscription)] : [];
  const result = await compact({
    store,
    warehouse,
    outputBucket: config.outputBucket,
    budgetMs: RUN_BUDGET_MS,
    openBatchAgeMs: RUN_TIMEOUT_MS,
    shards: shard === undefined ? undefined : [shard],
    sources: records,
  });
  log('INFO', 'compaction finished', { eventId: event.id, shard: shard ?? 'all', runIds: result.runIds, records: result.records, rows: result.rows, resumed: result.resumed, redelivered: result.redelivered, more: result.more, deadLetters });
});

/** The scheduler's tick names its shard (`{"shard":"3"}`); a tick without one, or with an unknown one, compacts every shard. */
function tickShard(data: MessagePublishedData | undefined): string | undefined {
  try {
    const { shard } = JSON.parse(Buffer.from(data?.message?.data ?? '', 'base64').toString('utf8') || '{}') as { shard?: unknown };
    return typeof shard === 'string' && COMPACTION_SHARDS.includes(shard) ? shard : undefined;
  } catch {
    return undefined;
  }
}
