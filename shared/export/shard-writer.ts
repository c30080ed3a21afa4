/**
 * One open shard per split, filled in key order and cut by rows or image
 * bytes. A shard goes to the sink only once it is complete, under the next
 * number of its split, so no sink ever holds a part of one.
 */
import { createHash } from 'node:crypto';
import { ParquetShard } from './parquet-shard.ts';
import type { Sample } from './sample.ts';
import type { ExportSettings, RowSettings } from './settings.ts';
import { INDEX_NAME, shardName, type ShardEntry } from './shard-index.ts';
import type { ShardSink } from './sink.ts';
import { TarShard } from './tar-shard.ts';

interface ShardBuilder {
  add(sample: Sample): Promise<void>;
  finish(): Promise<Buffer>;
}

interface OpenShard {
  split: string;
  builder: ShardBuilder;
  keys: string[];
  imageBytes: number;
}

export class ShardWriter {
  /** The shards written so far, in the order they were written. */
  readonly written: ShardEntry[] = [];
  readonly warnings: string[] = [];
  readonly #sink: ShardSink;
  readonly #settings: ExportSettings;
  readonly #rowSettings: RowSettings;
  readonly #nextNumber: Map<string, number>;
  readonly #open = new Map<string, OpenShard>();

  /** `nextNumber`: per split, the number after the last indexed shard of this format. */
  constructor(sink: ShardSink, settings: ExportSettings, rowSettings: RowSettings, nextNumber: ReadonlyMap<string, number>) {
    this.#sink = sink;
    this.#settings = settings;
    this.#rowSettings = rowSettings;
    this.#nextNumber = new Map(nextNumber);
  }

  async add(sample: Sample): Promise<void> {
    const { maxRows, maxBytes } = this.#settings;
    let shard = this.#open.get(sample.split);
    // A shard closes before the row that would take it over a bound; a row alone over maxBytes still gets a shard.
    if (shard && (shard.keys.length + 1 > maxRows || shard.imageBytes + sample.imageBytes > maxBytes)) {
      this.#open.delete(sample.split);
      await this.#write(shard);
      shard = undefined;
    }
    if (!shard) {
      const builder = this.#settings.format === 'parquet' ? await ParquetShard.open(this.#rowSettings) : new TarShard();
      shard = { split: sample.split, builder, keys: [], imageBytes: 0 };
      this.#open.set(sample.split, shard);
    }
    await shard.builder.add(sample);
    shard.keys.push(sample.row.key);
    shard.imageBytes += sample.imageBytes;
  }

  /** Writes the shards still open, split by split. */
  async finish(): Promise<void> {
    for (const split of [...this.#open.keys()].sort()) {
      await this.#write(this.#open.get(split)!);
      this.#open.delete(split);
    }
  }

  async #write(shard: OpenShard): Promise<void> {
    const data = await shard.builder.finish();
    const { format } = this.#settings;
    const number = this.#nextNumber.get(shard.split) ?? 0;
    const name = shardName(shard.split, format, number);
    // Numbers follow the indexed shards, so a file already here was left by an export that stopped before its index.
    if (await this.#sink.exists(name)) this.warnings.push(`Replaced ${name}, left outside ${INDEX_NAME} by an export that stopped before writing it`);
    await this.#sink.write(name, data);
    this.#nextNumber.set(shard.split, number + 1);
    const sha256 = createHash('sha256').update(data).digest('hex');
    this.written.push({ name, split: shard.split, format, number, rows: shard.keys.length, bytes: data.length, sha256, keys: shard.keys });
  }
}
