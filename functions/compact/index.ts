/** compact: on Cloud Scheduler's tick (through Pub/Sub), dead letters and records become Parquet and one load job per table. */
import * as functions from '@google-cloud/functions-framework';
import { recordDeadLetters } from '../../shared/adapters/gcp/dead-letters.ts';
import { compact } from '../../shared/pipeline/compact.ts';
import type { MessagePublishedData } from '../../shared/pipeline/events.ts';
import { COMPACTION_SHARDS } from '../../shared/pipeline/layout.ts';

/** The function's timeout is 540 s: no batch starts after 420 s, and a batch takes seconds, so the run ends in time. */
const RUN_BUDGET_MS = 420_000;
import { loadConfig } from '../config.ts';
import { log } from '../log.ts';
import { openStore, openSubscriber, openWarehouse } from '../runtime.ts';

const config = loadConfig();
const [store, warehouse, subscriber] = await Promise.all([
  openStore(config),
  openWarehouse(config),
  config.deadLetterSubscription ? openSubscriber(config) : undefined,
]);

functions.cloudEvent('compact', async (event: functions.CloudEvent<MessagePublishedData>) => {
  const shard = tickShard(event.data);
  // Requests that exhausted their deliveries become failed records first, so this run loads them too (one shard's run drains them).
  const deadLetters =
    subscriber && config.deadLetterSubscription && (shard === undefined || shard === COMPACTION_SHARDS[0])
      ? await recordDeadLetters(subscriber, config.deadLetterSubscription, { store, outputBucket: config.outputBucket })
      : 0;
  const result = await compact({ store, warehouse, outputBucket: config.outputBucket, budgetMs: RUN_BUDGET_MS, shards: shard === undefined ? undefined : [shard] });
  log('INFO', 'compaction finished', { eventId: event.id, shard: shard ?? 'all', runIds: result.runIds, records: result.records, rows: result.rows, resumed: result.resumed, more: result.more, deadLetters });
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
