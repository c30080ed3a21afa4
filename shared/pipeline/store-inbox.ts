/**
 * The inbox as objects in the output bucket (layout.ts): the local default,
 * and in the cloud what fan-out leaves (manifest entries, rejected lines).
 * An object's name is its id, so any run can remove what an earlier one took.
 */
import { mapConcurrently } from './concurrently.ts';
import { inboxPrefix } from './layout.ts';
import type { InboxItem, InboxSource, ObjectStore, RecordInbox } from './ports.ts';

export class StoreRecordInbox implements RecordInbox {
  constructor(
    private readonly store: ObjectStore,
    private readonly bucket: string,
  ) {}

  async put(name: string, body: string): Promise<void> {
    await this.store.writeIfAbsent({ bucket: this.bucket, name }, body, 'application/json');
  }
}

/** One inbox shard as compaction takes it: listed in name order, read and deleted `concurrency` at a time. */
export class StoreInboxShard implements InboxSource {
  readonly #taken = new Set<string>();

  constructor(
    private readonly store: ObjectStore,
    private readonly bucket: string,
    readonly id: string,
    private readonly concurrency: number,
  ) {}

  async take(max: number): Promise<InboxItem[]> {
    const names: string[] = [];
    for await (const object of this.store.list(this.bucket, inboxPrefix(this.id))) {
      if (!object.name.endsWith('.json') || this.#taken.has(object.name)) continue;
      names.push(object.name);
      if (names.length >= max) break;
    }
    for (const name of names) this.#taken.add(name);
    return mapConcurrently(names, this.concurrency, async (name) => ({ id: name, name, body: (await this.store.read({ bucket: this.bucket, name })).toString('utf8') }));
  }

  async settle(ids: readonly string[]): Promise<string[]> {
    await mapConcurrently(ids, this.concurrency, (name) => this.store.delete({ bucket: this.bucket, name }));
    return [];
  }
}
