/** `framesift export`: the local tables and packs as a dataset of Parquet or WebDataset shards. */
import { DEFAULT_WORKDIR } from '../../local/layout.ts';
import { boolean, number, positiveInteger, text, type Setting } from '../../shared/settings.ts';
import { UsageError, optionalFlag, parseCommandArgs } from './flags.ts';

export const EXPORT_USAGE = `framesift export --out DIR|gs://BUCKET/PREFIX [--format parquet|webdataset] [--where SQL] [--selection ID] [options]

  Writes the ok rows of the gifs view, with their key frames as PNGs, as shards
  and an index.json (row counts and SHA-256 of every shard). Again into the same
  folder, it adds shards for new rows only and leaves the others as they are.
    --where SQL          a condition on the gifs view: "NOT is_static AND key_frame_count >= 3"
    --selection ID       one selection, when files were extracted with several (reselect)
    --split SPEC         train=0.9,val=0.05,test=0.05 by a stable hash of gif_id (default: all train)
    --max-rows N         rows per shard at most; --max-bytes N image bytes per shard (128 MiB)
    --pad N              exactly N key frames per row, the last repeated (as the notebook did)
    --tensor             Parquet: also the frames as one uint8 N×S×S×3 array
    --augment-seed N     flip and rotate each frame, reproducibly; --flip P (0.5), --rotate DEG (10)
    --workdir DIR        the local work folder (${DEFAULT_WORKDIR})
    --cloud              from the deployed stack instead: BigQuery's views and the output bucket's
                         packs (FRAMESIFT_DATASET, FRAMESIFT_OUTPUT_BUCKET, GOOGLE_CLOUD_PROJECT),
                         to --out gs://BUCKET/PREFIX`;


const EXPORT_SETTINGS = {
  workDir: { flag: 'workdir', env: 'FRAMESIFT_WORKDIR', default: DEFAULT_WORKDIR, parse: text } satisfies Setting<string>,
  out: optionalFlag('out', text),
  format: { flag: 'format', default: 'parquet', parse: text } satisfies Setting<string>,
  where: optionalFlag('where', text),
  selection: optionalFlag('selection', text),
  split: optionalFlag('split', text),
  maxRows: optionalFlag('max-rows', positiveInteger),
  maxBytes: optionalFlag('max-bytes', positiveInteger),
  pad: optionalFlag('pad', positiveInteger),
  tensor: { flag: 'tensor', switch: true, default: false, parse: boolean } satisfies Setting<boolean>,
  augmentSeed: optionalFlag('augment-seed', number),
  flip: optionalFlag('flip', number),
  rotate: optionalFlag('rotate', number),
  cloud: { flag: 'cloud', switch: true, default: false, parse: boolean } satisfies Setting<boolean>,
};

export async function runExport(argv: string[]): Promise<void> {
  const { values, positional } = parseCommandArgs(argv, EXPORT_SETTINGS);
  if (positional.length > 0) throw new UsageError(`Expected only flags but found ${positional.join(' ')}`);
  if (!values.out) throw new UsageError('Expected --out DIR, the folder the shards go to');
  const options = {
    format: values.format as 'parquet' | 'webdataset',
    where: values.where,
    selection: values.selection,
    splits: values.split,
    maxRows: values.maxRows,
    maxBytes: values.maxBytes,
    pad: values.pad,
    tensor: values.tensor,
    augment: values.augmentSeed === undefined ? undefined : { seed: values.augmentSeed, flipProbability: values.flip, maxRotationDegrees: values.rotate },
  };
  const { exportFromTables, FolderSink, StoreSink } = await import('../../shared/export/index.ts');
  let result: Awaited<ReturnType<typeof exportFromTables>>;
  if (values.cloud) {
    const { parseUri } = await import('../../shared/pipeline/ports.ts');
    const target = parseUri(values.out.endsWith('/') ? values.out : `${values.out}/`);
    if (!target) throw new UsageError(`Expected --out gs://BUCKET/PREFIX with --cloud but found ${values.out}`);
    const [{ loadConfig }, { openStore, openWarehouse }] = await Promise.all([import('../../functions/config.ts'), import('../../functions/runtime.ts')]);
    const config = loadConfig();
    const [store, warehouse] = await Promise.all([openStore(config), openWarehouse(config)]);
    const rows = warehouse as unknown as { query(sql: string): Promise<Array<Record<string, unknown>>> };
    result = await exportFromTables({ rows, store, sink: new StoreSink(store, target.bucket, target.name) }, options);
  } else {
    const [{ withLocalWarehouse }, { localStore }, { localPaths }] = await Promise.all([import('../../local/warehouse.ts'), import('../../local/adapters.ts'), import('../../local/layout.ts')]);
    result = await withLocalWarehouse(values.workDir, (warehouse) => exportFromTables({ rows: warehouse, store: localStore(localPaths(values.workDir)), sink: new FolderSink(values.out!) }, options));
  }
  for (const warning of result.warnings) console.error(`framesift: warning: ${warning}`);
  const total = result.index.shards.reduce((sum, shard) => sum + shard.rows, 0);
  console.log(
    `${result.rows} rows selected (${result.skipped} already exported); ${result.added.length} shards added; ` +
      `${values.out} holds ${result.index.shards.length} shards, ${total} rows${result.selection ? `, selection ${result.selection}` : ''}.`,
  );
}
