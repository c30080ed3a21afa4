/**
 * A Parquet shard built in memory with parquetjs-lite. Key frames are a
 * standard three-level list of `{bytes, path}` structs, the layout of Hugging
 * Face's Image feature, which DuckDB reads as `STRUCT(bytes BLOB, path VARCHAR)[]`;
 * the `huggingface` footer entry names the features so `datasets` decodes them
 * as images without being told.
 */
import { Writable } from 'node:stream';
import parquet, { type FieldDefinition, type GroupDefinition, type ParquetWriter } from 'parquetjs-lite';
import { SAMPLE_FIELDS, type FieldKind, type Sample } from './sample.ts';
import type { RowSettings } from './settings.ts';

/** Hugging Face's own row-group size for image datasets (datasets.config.PARQUET_ROW_GROUP_SIZE_FOR_IMAGE_DATASETS). */
const ROW_GROUP_SIZE = 100;
/**
 * A tensor row is 2 MB at 10×256×256×3, and parquetjs-lite holds a row group
 * in memory and copies it a few times on the way out: 10 rows keep that near 20 MB.
 */
const TENSOR_ROW_GROUP_SIZE = 10;

type Definition = FieldDefinition | GroupDefinition;

/** A standard LIST: parquetjs-lite takes it as `{list: [{element: value}, …]}`. */
function listOf(element: Definition): GroupDefinition {
  return { type: 'LIST', fields: { list: { repeated: true, fields: { element } } } };
}
const asList = (values: readonly unknown[]) => ({ list: values.map((element) => ({ element })) });

const PARQUET_FIELDS: Record<FieldKind, Definition> = {
  string: { type: 'UTF8' },
  'string?': { type: 'UTF8', optional: true },
  int64: { type: 'INT64' },
  'int64[]': listOf({ type: 'INT64' }),
  'float64?': { type: 'DOUBLE', optional: true },
  'bool?': { type: 'BOOLEAN', optional: true },
};
const value = (dtype: string) => ({ dtype, _type: 'Value' });
const FEATURES: Record<FieldKind, unknown> = {
  string: value('string'),
  'string?': value('string'),
  int64: value('int64'),
  // A list literal is how `datasets` writes a sequence in its features, in 2.x and 4.x alike.
  'int64[]': [value('int64')],
  'float64?': value('float64'),
  'bool?': value('bool'),
};

interface Column {
  name: string;
  field: Definition;
  feature: unknown;
  value(sample: Sample): unknown;
}

/** Every column of a shard written with these settings, in order: one list drives the schema, the features and the rows. */
export function parquetColumns(settings: Pick<RowSettings, 'tensor' | 'augment'>): Column[] {
  const columns: Column[] = SAMPLE_FIELDS.map((field) => ({
    name: field.name,
    field: PARQUET_FIELDS[field.kind],
    feature: FEATURES[field.kind],
    value: field.kind === 'int64[]' ? (s: Sample) => asList(field.value(s) as unknown[]) : field.value,
  }));
  columns.push({
    name: 'key_frames',
    // No min/max statistics: for this column they would copy two PNGs into the footer per row group.
    field: listOf({ fields: { bytes: { type: 'BYTE_ARRAY', statistics: false }, path: { type: 'UTF8' } } }),
    feature: [{ _type: 'Image' }],
    value: (s) => asList(s.frames.map((f) => ({ bytes: f.png, path: f.path }))),
  });
  if (settings.augment) {
    columns.push({
      name: 'augmentations',
      field: listOf({ type: 'UTF8' }),
      feature: [value('string')],
      value: (s) => asList(s.frames.map((f) => JSON.stringify(f.augmentation))),
    });
  }
  if (settings.tensor) {
    columns.push(
      { name: 'key_frames_tensor', field: { type: 'BYTE_ARRAY', statistics: false }, feature: value('binary'), value: (s) => s.tensor },
      { name: 'key_frames_shape', field: listOf({ type: 'INT64' }), feature: [value('int64')], value: (s) => asList([s.frames.length, s.row.size, s.row.size, 3]) },
    );
  }
  return columns;
}

/** The `huggingface` footer entry: the features of every column, as `datasets` writes them. */
export function huggingFaceMetadata(columns: readonly Column[]): string {
  return JSON.stringify({ info: { features: Object.fromEntries(columns.map((c) => [c.name, c.feature])) } });
}

export class ParquetShard {
  readonly #columns: Column[];
  readonly #chunks: Buffer[];
  readonly #writer: ParquetWriter;

  private constructor(columns: Column[], chunks: Buffer[], writer: ParquetWriter) {
    this.#columns = columns;
    this.#chunks = chunks;
    this.#writer = writer;
  }

  static async open(settings: RowSettings): Promise<ParquetShard> {
    const columns = parquetColumns(settings);
    const schema = new parquet.ParquetSchema(Object.fromEntries(columns.map((c) => [c.name, c.field])));
    const chunks: Buffer[] = [];
    const memory = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk);
        done();
      },
    });
    const writer = await parquet.ParquetWriter.openStream(schema, memory, { rowGroupSize: settings.tensor ? TENSOR_ROW_GROUP_SIZE : ROW_GROUP_SIZE });
    writer.setMetadata('huggingface', huggingFaceMetadata(columns));
    return new ParquetShard(columns, chunks, writer);
  }

  async add(sample: Sample): Promise<void> {
    const row: Record<string, unknown> = {};
    for (const column of this.#columns) {
      const v = column.value(sample);
      // parquetjs-lite wants an optional field absent rather than null.
      if (v !== null) row[column.name] = v;
    }
    await this.#writer.appendRow(row);
  }

  /** The whole file; only now does the footer exist. */
  async finish(): Promise<Buffer> {
    await this.#writer.close();
    return Buffer.concat(this.#chunks);
  }
}
