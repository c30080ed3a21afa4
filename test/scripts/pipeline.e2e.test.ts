import { copyFileSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { DuckDbWarehouse } from '../../shared/adapters/local/duckdb-warehouse.ts';
import { localPaths } from '../../local/layout.ts';
import { runLocalPipeline, type RunSummary } from '../../local/pipeline.ts';
import { failuresReport } from '../../scripts/cli/query.ts';
import { corpusPath } from '../support/corpus.ts';
import { tempDir } from '../support/tmp.ts';

const GOOD = [
  'gifs/Zulko__moviepy__circle.gif',
  'gifs/Zulko__moviepy__pigs_in_a_polka.gif',
  'gifs/bumptech__glide__transparent_disposal_background.gif',
  'gifs/bumptech__glide__interlaced_transparent_gif.gif',
  'gifs/Flipboard__FLAnimatedImage__rock.gif',
  'gifs/bumptech__glide__test.gif',
];
const BROKEN = 'broken/libgd__libgd__bad_lzw_code.gif';

describe('upload → fan-out → extract → compact → DuckDB, on one machine', () => {
  const input = tempDir('framesift-input-');
  const workDir = tempDir('framesift-work-');
  const idOf = (file: string) => basename(file, '.gif');
  let first: RunSummary;
  let warehouse: DuckDbWarehouse;
  const count = async (sql: string) => Number((await warehouse.query(sql))[0]!.n);

  beforeAll(async () => {
    for (const file of [...GOOD, BROKEN]) copyFileSync(corpusPath(file), join(input, basename(file)));
    const lines = [
      ...GOOD.map((f) => `${idOf(f)}: ${idOf(f).replaceAll('_', ' ')}`),
      `${idOf(BROKEN)}: a GIF with bad LZW data`,
      'bad/slash: an id with a slash',
      ': a line with no id',
      `${idOf(GOOD[0]!)}: the same id again`,
      'not_uploaded: a file that is not there',
    ];
    writeFileSync(join(input, 'manifest.txt'), `${lines.join('\n')}\n`);
    first = await runLocalPipeline({ inputs: [join(input, 'manifest.txt')], workDir, concurrency: 2 });
    const paths = localPaths(workDir);
    warehouse = new DuckDbWarehouse({ outputRoot: paths.output, databasePath: paths.database });
    await warehouse.refresh();
  });
  afterAll(() => warehouse.close());

  it('has one row per good file, a failed row for the broken one and a rejected row per bad line', async () => {
    expect(await count("SELECT count(*) n FROM gifs WHERE status = 'ok'")).toBe(GOOD.length);
    expect(await warehouse.query("SELECT gif_id, error_code FROM gifs WHERE status = 'failed'")).toEqual([{ gif_id: idOf(BROKEN), error_code: 'CORRUPT_INPUT' }]);
    const rejected = await warehouse.query("SELECT error_code, manifest_line FROM gifs WHERE status = 'rejected' ORDER BY manifest_line");
    expect(rejected).toEqual([
      { error_code: 'INVALID_ID', manifest_line: 8 },
      { error_code: 'MISSING_ID', manifest_line: 9 },
      { error_code: 'DUPLICATE_ID', manifest_line: 10 },
      { error_code: 'MISSING_FILE', manifest_line: 11 },
    ]);
    expect(await count('SELECT count(*) n FROM gifs')).toBe(GOOD.length + 1 + 4);
  });

  it('lists failures and rejections by code, with counts and examples, for operators', async () => {
    const rows = await failuresReport(workDir);
    expect(rows).toEqual(
      expect.arrayContaining([
        { status: 'failed', error_code: 'CORRUPT_INPUT', files: 1, examples: idOf(BROKEN) },
        { status: 'rejected', error_code: 'MISSING_FILE', files: 1, examples: 'not_uploaded' },
        { status: 'rejected', error_code: 'INVALID_ID', files: 1, examples: 'bad/slash' },
      ]),
    );
    expect(rows).toHaveLength(5);
  });

  it('keeps descriptions and key-frame rows that match the records', async () => {
    const circle = await warehouse.query(`SELECT description, frame_count, key_frame_count, key_frame_uris FROM gifs WHERE gif_id = '${idOf(GOOD[0]!)}' AND status = 'ok'`);
    expect(circle[0]).toMatchObject({ description: 'Zulko  moviepy  circle', frame_count: 30 });
    const perGif = await warehouse.query(
      "SELECT g.gif_id, g.key_frame_count AS expected, count(k.ordinal) AS actual FROM gifs g LEFT JOIN key_frames k USING (record_key) WHERE g.status = 'ok' GROUP BY ALL",
    );
    for (const row of perGif) expect(row.actual).toBe(row.expected);
    const members = readdirSync(join(localPaths(workDir).output, 'packs'), { recursive: true }).filter((f) => String(f).endsWith('.tar'));
    expect(members.length).toBe(await count("SELECT count(*) n FROM gifs WHERE status <> 'rejected'"));
    // Any one key frame is a byte range of its pack: a PNG of the frame size on its own.
    const [frame] = await warehouse.query('SELECT uri, byte_offset, byte_length FROM key_frames ORDER BY record_key, ordinal LIMIT 1');
    const pack = readFileSync(join(localPaths(workDir).output, String(frame!.uri).replace('gs://output/', '')));
    const png = pack.subarray(Number(frame!.byte_offset), Number(frame!.byte_offset) + Number(frame!.byte_length));
    expect(await sharp(png).metadata()).toMatchObject({ format: 'png', width: 256, height: 256 });
  });

  it('leaves the same rows, once each, when the same input runs again', async () => {
    const before = { gifs: await count('SELECT count(*) n FROM gifs_all'), frames: await count('SELECT count(*) n FROM key_frames_all') };
    const second = await runLocalPipeline({ inputs: [join(input, 'manifest.txt')], workDir, concurrency: 2 });
    expect(second.batches.map((b) => b.batchId)).toEqual(first.batches.map((b) => b.batchId));
    expect(second.results.every((r) => r.status === 'duplicate')).toBe(true);
    expect(second.compaction.records).toBe(0);
    await warehouse.refresh();
    expect(await count('SELECT count(*) n FROM gifs_all')).toBe(before.gifs);
    expect(await count('SELECT count(*) n FROM key_frames_all')).toBe(before.frames);
    expect(await count('SELECT count(*) - count(DISTINCT record_key) n FROM gifs_all')).toBe(0);
  });
});
