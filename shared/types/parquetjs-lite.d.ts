declare module 'parquetjs-lite' {
  export interface FieldDefinition {
    type: string;
    optional?: boolean;
    repeated?: boolean;
    compression?: string;
    /** false leaves min/max out of the footer, which for an image column would copy images into it. */
    statistics?: boolean;
  }
  /** A nested group; `type: 'LIST'` marks the standard three-level list (`<name>.list.element`). */
  export interface GroupDefinition {
    type?: 'LIST' | 'MAP';
    optional?: boolean;
    repeated?: boolean;
    fields: Record<string, FieldDefinition | GroupDefinition>;
  }
  export interface WriterOptions {
    rowGroupSize?: number;
    useDataPageV2?: boolean;
  }
  export class ParquetSchema {
    constructor(fields: Record<string, FieldDefinition | GroupDefinition>);
  }
  export class ParquetWriter {
    static openFile(schema: ParquetSchema, path: string, options?: WriterOptions): Promise<ParquetWriter>;
    static openStream(schema: ParquetSchema, stream: NodeJS.WritableStream, options?: WriterOptions): Promise<ParquetWriter>;
    appendRow(row: Record<string, unknown>): Promise<void>;
    setMetadata(key: string, value: string): void;
    close(): Promise<void>;
  }
  export class ParquetReader {
    static openFile(path: string): Promise<ParquetReader>;
    static openBuffer(buffer: Buffer): Promise<ParquetReader>;
    getCursor(): { next(): Promise<Record<string, unknown> | null> };
    getRowCount(): number;
    getMetadata(): Record<string, string>;
    close(): Promise<void>;
  }
  const parquet: { ParquetSchema: typeof ParquetSchema; ParquetWriter: typeof ParquetWriter; ParquetReader: typeof ParquetReader };
  export default parquet;
}
