/**
 * Several inbox sources as one, so a compaction run loads one batch (one load
 * job per table) from its shard and the records subscription together: eight
 * runs every ten minutes then stay inside BigQuery's daily load jobs however
 * many sources there are. Ids are qualified by their source's id.
 */
import type { InboxItem, InboxSource } from './ports.ts';

export class MergedSource implements InboxSource {
  constructor(
    readonly id: string,
    private readonly sources: readonly InboxSource[],
  ) {}

  async take(max: number): Promise<InboxItem[]> {
    const items: InboxItem[] = [];
    for (const source of this.sources) {
      if (items.length >= max) break;
      for (const item of await source.take(max - items.length)) items.push({ ...item, id: `${source.id}:${item.id}` });
    }
    return items;
  }

  async settle(ids: readonly string[]): Promise<string[]> {
    const kept: string[] = [];
    for (const source of this.sources) {
      const prefix = `${source.id}:`;
      const own = ids.filter((id) => id.startsWith(prefix)).map((id) => id.slice(prefix.length));
      if (own.length > 0) kept.push(...(await source.settle(own)).map((id) => prefix + id));
    }
    return kept;
  }
}
