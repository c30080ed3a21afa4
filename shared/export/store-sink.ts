/** An object-store prefix as a sink: where the cloud export writes (`gs://<output>/datasets/<name>/`). */
import type { ObjectStore } from '../pipeline/ports.ts';
import { checkSinkName, type ShardSink } from './sink.ts';

export class StoreSink implements ShardSink {
  readonly #store: ObjectStore;
  readonly #bucket: string;
  readonly #prefix: string;

  constructor(store: ObjectStore, bucket: string, prefix: string) {
    this.#store = store;
    this.#bucket = bucket;
    this.#prefix = prefix && !prefix.endsWith('/') ? `${prefix}/` : prefix;
  }

  #ref(name: string) {
    return { bucket: this.#bucket, name: `${this.#prefix}${checkSinkName(name)}` };
  }

  async exists(name: string): Promise<boolean> {
    return (await this.#store.stat(this.#ref(name))) !== null;
  }

  async read(name: string): Promise<Buffer | null> {
    const ref = this.#ref(name);
    return (await this.#store.stat(ref)) ? this.#store.read(ref) : null;
  }

  /** One upload per shard: Cloud Storage shows a reader the old object or the new one, never a part. */
  async write(name: string, data: Buffer): Promise<void> {
    await this.#store.replace(this.#ref(name), data, name.endsWith('.json') ? 'application/json' : name.endsWith('.tar') ? 'application/x-tar' : 'application/vnd.apache.parquet');
  }
}
