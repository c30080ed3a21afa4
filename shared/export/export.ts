/**
 * Rows in, shards and an index out. Rows come in ascending key order; each is
 * checked, given its split and made into a sample, and samples fill one shard
 * per split. Keys the index already lists are skipped, so exporting again adds
 * only new rows, in new shards, and a failed export goes on from its last
 * complete shard: the shards come out as one uninterrupted export's would.
 */
import { ExportError, ExportErrorCode } from './errors.ts';
import { checkRow, KeyOrder, type ExportRow } from './rows.ts';
import { prepareSample } from './sample.ts';
import { resolveExportSettings, rowSettingsOf, type ExportOptions } from './settings.ts';
import { canonicalSettings, emptyIndex, INDEX_NAME, readIndex, sameSettings, serializeIndex, type ShardEntry, type ShardIndex } from './shard-index.ts';
import { ShardWriter } from './shard-writer.ts';
import type { ShardSink } from './sink.ts';

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

const byName = (a: ShardEntry, b: ShardEntry) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

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
  const ofFormat = before.shards.filter((s) => s.format === format);
  const exported = new Set(ofFormat.flatMap((s) => s.keys));
  const nextNumber = new Map<string, number>();
  for (const shard of ofFormat) nextNumber.set(shard.split, Math.max(nextNumber.get(shard.split) ?? 0, shard.number + 1));
  const writer = new ShardWriter(sink, settings, rowSettings, nextNumber);
  const indexWith = (added: ShardEntry[]): ShardIndex => ({
    version: before.version,
    formats: added.length > 0 ? { ...before.formats, [format]: canonicalSettings(rowSettings) } : before.formats,
    shards: [...before.shards, ...added].sort(byName),
  });

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
        throw new ExportError(ExportErrorCode.INVALID_ROW, `Row ${JSON.stringify(row.key)}: a key frame could not be decoded (${messageOf(error)})`, { cause: error });
      });
      await writer.add(sample);
    }
    await writer.finish();
  } catch (error) {
    if (writer.written.length === 0) throw error;
    const where = lastKey === undefined ? 'before the first row' : `after row ${count} (${JSON.stringify(lastKey)})`;
    const names = writer.written.map((s) => s.name).join(', ');
    try {
      // The complete shards are in the sink: list them, so exporting again skips their keys and goes on from there.
      await sink.write(INDEX_NAME, serializeIndex(indexWith(writer.written)));
    } catch (indexError) {
      throw new ExportError(
        ExportErrorCode.INCOMPLETE_EXPORT,
        `The export stopped ${where}: ${messageOf(error)}, and ${INDEX_NAME} could not be updated (${messageOf(indexError)}); ` +
          `the shards written (${names}) are outside it, and the next export into this sink writes them again`,
        { cause: error },
      );
    }
    throw new ExportError(
      ExportErrorCode.INCOMPLETE_EXPORT,
      `The export stopped ${where}: ${messageOf(error)}. ${INDEX_NAME} lists the ${writer.written.length} complete shard(s) ` +
        `written before it (${names}); exporting again goes on from there`,
      { cause: error },
    );
  }

  const added = writer.written;
  const warnings = [...writer.warnings];
  if (count === 0) warnings.push('No rows to export: the dataset has no shards');
  else if (added.length === 0) warnings.push(`Nothing to add: all ${count} rows are already in ${INDEX_NAME}`);
  const index = indexWith(added);
  // An unchanged index is left as it is; a fresh sink gets one even when empty, so readers find a dataset of no shards.
  if (added.length > 0 || found === null) await sink.write(INDEX_NAME, serializeIndex(index));
  return { added, rows: count, skipped, index, warnings };
}

/** parquetjs-lite throws strings, not Errors. */
function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
