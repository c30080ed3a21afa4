/** Inputs for fault and kill runs, and the audit that counts what the tables hold afterwards. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeScene } from '../synthetic/clips.ts';
import { encodeGif } from '../synthetic/gif.ts';
import { localWarehouse } from '../../local/adapters.ts';
import { localPaths } from '../../local/layout.ts';

/** `count` small, different GIFs and a manifest naming them all; returns the manifest's path. */
export function writeFaultInputs(dir: string, count: number): string {
  mkdirSync(dir, { recursive: true });
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const scene = makeScene(10_000 + i, { width: 32, height: 24, speed: 2 });
    const frames = Array.from({ length: 4 }, (_, t) => {
      const rgba = new Uint8Array(32 * 24 * 4);
      scene.render(t, rgba);
      return { rgba, delayMs: 100 };
    });
    const id = `clip-${String(i).padStart(5, '0')}`;
    writeFileSync(join(dir, `${id}.gif`), encodeGif(32, 24, frames));
    lines.push(`${id}: generated clip ${i}`);
  }
  const manifest = join(dir, 'manifest.txt');
  writeFileSync(manifest, `${lines.join('\n')}\n`);
  return manifest;
}

export interface Audit {
  inTables: number;
  ok: number;
  failed: number;
  lost: number;
  doubled: number;
  failedCodes: Array<{ code: string; files: number }>;
}

/** Counts, for `expected` clips, how many have a row, how many have none, and how many have more than one. */
export async function auditRun(workDir: string, expected: number): Promise<Audit> {
  const paths = localPaths(workDir);
  // A database of its own, so the audit never touches the run's.
  const warehouse = localWarehouse({ ...paths, database: join(workDir, 'audit.duckdb') });
  try {
    await warehouse.refresh();
    const [counts] = await warehouse.query(
      `SELECT count(DISTINCT gif_id) AS in_tables, count(*) FILTER (WHERE status = 'ok') AS ok, count(*) FILTER (WHERE status = 'failed') AS failed,
              count(*) - count(DISTINCT gif_id) AS doubled_rows FROM gifs WHERE gif_id LIKE 'clip-%'`,
    );
    // Doubled also counts a gif that reached the raw table twice under different keys.
    const [raw] = await warehouse.query(`SELECT count(*) - count(DISTINCT record_key) AS doubled_raw FROM (SELECT DISTINCT record_key, gif_id FROM gifs_all WHERE gif_id LIKE 'clip-%') GROUP BY ALL`);
    const failedCodes = (await warehouse.query(`SELECT error_code AS code, count(*) AS files FROM gifs WHERE status = 'failed' GROUP BY 1 ORDER BY 2 DESC`)) as Array<{ code: string; files: number }>;
    const c = counts as { in_tables: number; ok: number; failed: number; doubled_rows: number };
    return { inTables: c.in_tables, ok: c.ok, failed: c.failed, lost: expected - c.in_tables, doubled: c.doubled_rows + Number((raw as { doubled_raw?: number } | undefined)?.doubled_raw ?? 0), failedCodes };
  } finally {
    await warehouse.close();
  }
}
