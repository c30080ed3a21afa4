import parquet, { type ParquetWriter } from 'parquetjs-lite';
import { parquetSchemaOf, type Row, type TableDefinition } from './tables.ts';

/** Rows per row group: a few MB of these rows, small enough to stream and large enough to compress. */
const ROW_GROUP_SIZE = 4096;

/** Writes one Parquet file for a table, its schema derived from the table's single definition. */
export class ParquetFile {
  readonly path: string;
  rows = 0;
  readonly #writer: ParquetWriter;

  private constructor(path: string, writer: ParquetWriter) {
    this.path = path;
    this.#writer = writer;
  }

  static async create(table: TableDefinition, path: string): Promise<ParquetFile> {
    const schema = new parquet.ParquetSchema(parquetSchemaOf(table));
    return new ParquetFile(path, await parquet.ParquetWriter.openFile(schema, path, { rowGroupSize: ROW_GROUP_SIZE }));
  }

  async append(row: Row): Promise<void> {
    // parquetjs-lite wants repeated fields present and optional ones absent rather than null.
    const clean = Object.fromEntries(Object.entries(row).filter(([, v]) => v !== null));
    await this.#writer.appendRow(clean);
    this.rows++;
  }

  close(): Promise<void> {
    return this.#writer.close();
  }
}
