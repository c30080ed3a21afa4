/**
 * Rows in, shards and an index out. Rows come in ascending key order, each is
 * checked, given its split and made into a sample; samples fill one shard per
 * split, cut by rows or image bytes; a shard goes to the sink only when it is
 * complete, and the index last. Keys the index already lists are skipped, so
 * exporting again adds only new rows, in new shards, and a failed export
 * resumes where its last complete shard ended.
 */
import { createHash } from 'node:crypto';
import { ExportError, ExportErrorCode } from './errors.ts';
import { ParquetShard } from './parquet-shard.ts';
import { checkRow, KeyOrder, type ExportRow } from './rows.ts';
import { prepareSample, type Sample } from './sample.ts';
import { resolveExportSettings, rowSettingsOf, type ExportFormat, type ExportOptions, type RowSettings } from './settings.ts';
import { canonicalSettings, emptyIndex, INDEX_NAME, readIndex, sameSettings, serializeIndex, shardName, type ShardEntry, type ShardIndex } from './shard-index.ts';
import type { ShardSink } from './sink.ts';
import { TarShard } from './tar-shard.ts';

export interface ExportResult {
  /** The shards this export wrote. */
  added: ShardEntry[];
  /** Rows read, and how many of them were skipped because the index already held their key. */
  rows: number;
  skipped: number;
  /** The index as it now is in the sink. */
  index: ShardIndex;
  /** For the user: an empty input, nothing new to add, a leftover file replaced. */
  warnings: string[];
}

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

const byName = (a: ShardEntry, b: ShardEntry) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

function openBuilder(format: ExportFormat, settings: RowSettings): Promise<ShardBuilder> | ShardBuilder {
  return format === 'parquet' ? ParquetShard.open(settings) : new TarShard();
}

export async function exportDataset(rows: AsyncIterable<ExportRow> | Iterable<ExportRow>, sink: ShardSink, options: ExportOptions): Promise<ExportResult> {
  const settings = resolveExportSettings(options);
  const { format } = settings;
  const rowSettings = rowSettingsOf(settings);
  const found = await readIndex(sink);
  const before = found ?? emptyIndex();
  const recorded = before.formats[format];
  if (recorded && !sameSettings(recorded, rowSettings)) {
    throw new ExportError(
      ExportErrorCode.SETTINGS_CHANGED,
      `Expected the ${format} settings ${INDEX_NAME} holds, ${JSON.stringify(canonicalSettings(recorded))}, ` +
        `but this export has ${JSON.stringify(canonicalSettings(rowSettings))}; export into a fresh sink to change them`,
    );
  }
  const exported = new Set(before.shards.filter((s) => s.format === format).flatMap((s) => s.keys));
  const nextNumber = new Map<string, number>();
  for (const shard of before.shards) {
    if (shard.format === format) nextNumber.set(shard.split, Math.max(nextNumber.get(shard.split) ?? 0, shard.number + 1));
  }

  const added: ShardEntry[] = [];
  const warnings: string[] = [];
  const indexWith = (shards: ShardEntry[]): ShardIndex => ({
    version: before.version,
    formats: shards.length > 0 ? { ...before.formats, [format]: canonicalSettings(rowSettings) } : before.formats,
    shards: [...before.shards, ...shards].sort(byName),
  });

  const close = async (shard: OpenShard): Promise<void> => {
    const data = await shard.builder.finish();
    const number = nextNumber.get(shard.split) ?? 0;
    const name = shardName(shard.split, format, number);
    // Numbers follow the indexed shards, so a file already here was left by an export stopped between shard and index.
    if (await sink.exists(name)) warnings.push(`Replaced ${name}, left outside ${INDEX_NAME} by an export that stopped before writing it`);
    await sink.write(name, data);
    nextNumber.set(shard.split, number + 1);
    const sha256 = createHash('sha256').update(data).digest('hex');
    added.push({ name, split: shard.split, format, number, rows: shard.keys.length, bytes: data.length, sha256, keys: shard.keys });
  };

  const open = new Map<string, OpenShard>();
  const order = new KeyOrder();
  let count = 0;
  let skipped = 0;
  let lastKey: string | undefined;
  try {
    for await (const row of rows) {
      checkRow(row, { dotsInKey: format === 'parquet' });
      order.next(row.key);
      count++;
      lastKey = row.key;
      if (exported.has(row.key)) {
        skipped++;
        continue;
      }
      const sample = await prepareSample(row, rowSettings).catch((error: unknown) => {
        // Only the tensor and augmentation decode pixels; checkRow has vouched for everything else.
        throw new ExportError(ExportErrorCode.INVALID_ROW, `Row ${JSON.stringify(row.key)}: a key frame could not be decoded (${(error as Error).message})`, { cause: error });
      });
      let shard = open.get(sample.split);
      if (shard && (shard.keys.length + 1 > settings.maxRows || shard.imageBytes + sample.imageBytes > settings.maxBytes)) {
        open.delete(sample.split);
        await close(shard);
        shard = undefined;
      }
      if (!shard) {
        shard = { split: sample.split, builder: await openBuilder(format, rowSettings), keys: [], imageBytes: 0 };
        open.set(sample.split, shard);
      }
      await shard.builder.add(sample);
      shard.keys.push(row.key);
      shard.imageBytes += sample.imageBytes;
    }
    for (const split of [...open.keys()].sort()) await close(open.get(split)!);
  } catch (error) {
    if (added.length === 0) throw error;
    // The complete shards are in the sink: list them, so exporting again skips their keys and goes on from there.
    await sink.write(INDEX_NAME, serializeIndex(indexWith(added)));
    const where = lastKey === undefined ? 'before the first row' : `after row ${count} (${JSON.stringify(lastKey)})`;
    throw new ExportError(
      ExportErrorCode.INCOMPLETE_EXPORT,
      `The export stopped ${where}: ${(error as Error).message ?? String(error)}. ` +
        `${INDEX_NAME} lists the ${added.length} complete shard(s) written before it (${added.map((s) => s.name).join(', ')}); exporting again goes on from there`,
      { cause: error },
    );
  }

  if (count === 0) warnings.push('No rows to export: the dataset has no shards');
  else if (added.length === 0) warnings.push(`Nothing to add: all ${count} rows are already in ${INDEX_NAME}`);
  const index = indexWith(added);
  // An unchanged index is left as it is; a fresh sink gets one even when empty, so readers find a dataset of no shards.
  if (added.length > 0 || found === null) await sink.write(INDEX_NAME, serializeIndex(index));
  return { added, rows: count, skipped, index, warnings };
}
