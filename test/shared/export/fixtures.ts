/** Rows of real PNGs for the export tests, and readers for what the export wrote. */
import { readFile } from 'node:fs/promises';
import { DuckDBInstance } from '@duckdb/node-api';
import sharp from 'sharp';
import tar from 'tar-stream';
import type { ExportRow } from '../../../shared/export/index.ts';
import { corpusPath } from '../../support/corpus.ts';

/** A flat colour, then a white square whose place moves with `seed`: frames differ, and a flip shows. */
export async function framePng(size: number, seed: number): Promise<Buffer> {
  const rgb = Buffer.alloc(size * size * 3);
  const square = Math.max(2, size >> 3);
  const left = (seed * 7) % (size - square);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 3;
      const inSquare = x >= left && x < left + square && y >= square && y < 2 * square;
      rgb[i] = inSquare ? 255 : (seed * 53) % 200;
      rgb[i + 1] = inSquare ? 255 : (seed * 97) % 200;
      rgb[i + 2] = inSquare ? 255 : (seed * 31) % 200;
    }
  }
  return sharp(rgb, { raw: { width: size, height: size, channels: 3 } }).png({ compressionLevel: 6, adaptiveFiltering: false }).toBuffer();
}

/** The first frame of a corpus GIF, letterboxed into S×S black as framesift normalises frames. */
export async function corpusFramePng(file: string, size: number): Promise<Buffer> {
  const gif = await readFile(corpusPath('gifs', file));
  return sharp(gif, { pages: 1 })
    .resize(size, size, { fit: 'contain', background: { r: 0, g: 0, b: 0 } })
    .removeAlpha()
    .png({ compressionLevel: 6, adaptiveFiltering: false })
    .toBuffer();
}

/** `count` rows with keys `clip-000`, `clip-001`, … and `frames` key frames each. */
export async function makeRows(count: number, options: { size?: number; frames?: number; first?: number; prefix?: string } = {}): Promise<ExportRow[]> {
  const { size = 32, frames = 3, first = 0, prefix = 'clip' } = options;
  const rows: ExportRow[] = [];
  for (let n = first; n < first + count; n++) {
    const keyFrames = [];
    for (let k = 0; k < frames; k++) keyFrames.push({ ordinal: k, frameIndex: k * 5, timeMs: k * 100, png: await framePng(size, n * 10 + k) });
    rows.push({
      key: `${prefix}-${String(n).padStart(3, '0')}`,
      gifId: `${prefix}-${String(n).padStart(3, '0')}.gif`,
      description: n % 4 === 3 ? null : `clip number ${n}`,
      sourceUri: `gs://ingest/${prefix}-${n}.gif`,
      selection: 'ssim',
      size,
      keyFrames,
      metrics: { motionScore: n / 10, energyMax: 1.5, energyMean: 0.5, isStatic: n % 2 === 0, diversityMin: null, diversityMean: 0.25, diversityMax: 0.75 },
    });
  }
  return rows;
}

export async function* streamOf(rows: readonly ExportRow[]): AsyncGenerator<ExportRow> {
  yield* rows;
}

/** Runs one query through DuckDB in memory. */
export async function duckdb(sql: string): Promise<Array<Record<string, unknown>>> {
  const db = await DuckDBInstance.create(':memory:');
  const connection = await db.connect();
  try {
    return (await connection.runAndReadAll(sql)).getRowObjectsJS() as Array<Record<string, unknown>>;
  } finally {
    connection.closeSync();
  }
}

export const sqlPath = (path: string) => `'${path.replaceAll("'", "''")}'`;

export interface TarMember {
  name: string;
  mode: number | undefined;
  uid: number | undefined;
  gid: number | undefined;
  mtime: number | undefined;
  data: Buffer;
}

/** The members of a tar, one by one, through tar-stream's extract. */
export async function tarMembers(bytes: Buffer): Promise<TarMember[]> {
  const extract = tar.extract();
  const members: TarMember[] = [];
  const done = (async () => {
    for await (const entry of extract) {
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      const { name, mode, uid, gid, mtime } = entry.header;
      members.push({ name, mode, uid, gid, mtime: mtime?.getTime(), data: Buffer.concat(chunks) });
    }
  })();
  extract.end(bytes);
  await done;
  return members;
}
