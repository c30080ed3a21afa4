import { describe, expect, it } from 'vitest';
import { TABLES, bigQuerySchemaOf, duckdbTypeOf, parquetSchemaOf } from '../../../shared/pipeline/tables.ts';

describe('one schema definition per table', () => {
  it.each(Object.values(TABLES))('$name: Parquet, BigQuery and DuckDB all derive the same columns', (table) => {
    const names = table.columns.map((c) => c.name);
    expect(Object.keys(parquetSchemaOf(table))).toEqual(names);
    expect(bigQuerySchemaOf(table).fields.map((f) => f.name)).toEqual(names);
    for (const c of table.columns) expect(duckdbTypeOf(c)).toMatch(/^(VARCHAR|BIGINT|DOUBLE|BOOLEAN|TIMESTAMP)(\[\])?$/);
    expect(table.columns.find((c) => c.name === table.partitionBy)?.type).toBe('TIMESTAMP');
  });

  it('maps modes and types the way each system expects', () => {
    const gifs = TABLES.gifs;
    expect(parquetSchemaOf(gifs).key_frame_indices).toEqual({ type: 'INT64', repeated: true });
    expect(parquetSchemaOf(gifs).error_code).toEqual({ type: 'UTF8', optional: true });
    expect(bigQuerySchemaOf(gifs).fields.find((f) => f.name === 'processed_at')).toMatchObject({ type: 'TIMESTAMP', mode: 'REQUIRED' });
    expect(duckdbTypeOf(gifs.columns.find((c) => c.name === 'key_frame_indices')!)).toBe('BIGINT[]');
  });
});
