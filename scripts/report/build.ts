/** Builds the report from the local tables and outputs: `report.html` with its images in `report_files/`. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { SELECTORS, SELECTOR_NAMES, isSelectorName } from '../../shared/selectors/index.ts';
import { localStore } from '../../local/adapters.ts';
import { localPaths } from '../../local/layout.ts';
import { withLocalWarehouse } from '../../local/warehouse.ts';
import { refOf } from '../../shared/pipeline/ports.ts';
import { parseFrameUri } from '../../shared/pipeline/pack.ts';
import { FAILURES_SQL } from '../../shared/pipeline/queries.ts';
import { RANDOM_PICK, analyseFile } from './analyse.ts';
import { renderReport, type FileView, type ReportView } from './html.ts';

export const FILES_PER_PAGE = 20;

/** The curve for a selector that declares none: frame-to-frame SSIM, which the report always computes. */
const FALLBACK_CURVE = SELECTORS.ssim.curve!;

interface GifRow {
  record_key: string;
  gif_id: string;
  description: string | null;
  source_uri: string;
  frame_count: number;
  duration_ms: number;
  mean_fps: number | null;
  energy_mean: number;
  motion_score: number;
  is_static: boolean;
  selector: string;
  selector_options: string;
  key_frame_indices: number[];
  key_frame_times_ms: number[];
  key_frame_uris: string[];
}

export interface ReportOptions {
  workDir: string;
  out: string;
  /** Analyse at most this many files (the overview always counts all). */
  limit?: number;
  filesPerPage?: number;
}

export async function buildReport(options: ReportOptions): Promise<{ path: string; files: number; view: ReportView }> {
  const paths = localPaths(options.workDir);
  const store = localStore(paths);
  const assets = join(dirname(options.out), `${basename(options.out, '.html')}_files`);
  mkdirSync(assets, { recursive: true });
  return withLocalWarehouse(options.workDir, async (warehouse) => {
    const statusCounts = (await warehouse.query('SELECT status, count(*) AS files FROM gifs GROUP BY status ORDER BY status')) as ReportView['statusCounts'];
    const failures = await warehouse.query(FAILURES_SQL);
    const scores = (await warehouse.query("SELECT motion_score, is_static FROM gifs WHERE status = 'ok'")) as Array<{ motion_score: number; is_static: boolean }>;
    const rows = (await warehouse.query(`SELECT * FROM gifs WHERE status = 'ok' ORDER BY gif_id LIMIT ${options.limit ?? 1_000_000}`)) as unknown as GifRow[];

    const files: FileView[] = [];
    for (const [index, row] of rows.entries()) {
      const folder = join(assets, String(index));
      mkdirSync(folder, { recursive: true });
      const analysis = await analyseFile(store.pathOf(refOf(row.source_uri)), index + 1);
      writeFileSync(join(folder, 'frames.jpg'), analysis.strip);
      const packs = new Map<string, Buffer>();
      const keyFrames = row.key_frame_uris.map((uri, k) => {
        const { packUri, range } = parseFrameUri(uri);
        if (!packs.has(packUri)) packs.set(packUri, readFileSync(store.pathOf(refOf(packUri))));
        writeFileSync(join(folder, `${k}.png`), packs.get(packUri)!.subarray(range.offset, range.offset + range.length));
        return { src: `${basename(assets)}/${index}/${k}.png`, timeMs: row.key_frame_times_ms[k]!, frameIndex: row.key_frame_indices[k]!, score: null };
      });
      const declared = isSelectorName(row.selector) ? SELECTORS[row.selector].curve : undefined;
      const curve = declared ?? { metric: FALLBACK_CURVE.metric };
      const selectorOptions = JSON.parse(row.selector_options) as Record<string, unknown>;
      const value = curve.threshold === undefined ? undefined : selectorOptions[curve.threshold];
      const fileCurve = { key: curve.metric, threshold: typeof value === 'number' ? value : null };
      files.push({
        gifId: row.gif_id,
        description: row.description,
        selector: row.selector,
        curve: fileCurve,
        metrics: { frames: row.frame_count, 'duration ms': row.duration_ms, fps: row.mean_fps, 'energy mean': row.energy_mean, motion: row.motion_score, static: row.is_static, selector: row.selector },
        keyFrames,
        stripSrc: `${basename(assets)}/${index}/frames.jpg`,
        analysis,
        chosen: row.key_frame_indices,
      });
    }

    // Only files on which every selector chose at least two frames, so each row averages the same files.
    const rowsOf = [...SELECTOR_NAMES, RANDOM_PICK] as Array<keyof FileView['analysis']['picks']>;
    const common = files.filter((f) => rowsOf.every((selector) => f.analysis.diversity[selector] !== null));
    const comparison = rowsOf.map((selector) => {
      const stats = common.map((f) => f.analysis.diversity[selector]!);
      const mean = (key: 'min' | 'mean' | 'p10' | 'p90') => (stats.length ? stats.reduce((sum, d) => sum + d[key], 0) / stats.length : null);
      return {
        selector,
        files: stats.length,
        picked: common.reduce((n, f) => n + f.analysis.picks[selector].length, 0),
        min: mean('min'),
        mean: mean('mean'),
        p10: mean('p10'),
        p90: mean('p90'),
      };
    });

    const view: ReportView = {
      title: 'framesift report',
      statusCounts,
      failures,
      motionScores: scores.map((s) => s.motion_score),
      staticCount: scores.filter((s) => s.is_static).length,
      comparison,
      files,
      filesPerPage: options.filesPerPage ?? FILES_PER_PAGE,
    };
    writeFileSync(options.out, renderReport(view));
    return { path: options.out, files: files.length, view };
  });
}
