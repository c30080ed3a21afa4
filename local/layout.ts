/**
 * The local deployment's layout, defined here only: under one work folder, a
 * folder per bucket and the DuckDB file, the same names whichever command or
 * function runs on it.
 */
import { join, resolve } from 'node:path';

export const DEFAULT_WORKDIR = '.framesift';
export const INGEST_BUCKET = 'ingest';
export const OUTPUT_BUCKET = 'output';

export interface LocalPaths {
  workDir: string;
  /** One folder per bucket, named after it. */
  buckets: string;
  output: string;
  database: string;
}

export function localPaths(workDir: string = DEFAULT_WORKDIR): LocalPaths {
  const root = resolve(workDir);
  return { workDir: root, buckets: join(root, 'buckets'), output: join(root, 'buckets', OUTPUT_BUCKET), database: join(root, 'warehouse.duckdb') };
}
