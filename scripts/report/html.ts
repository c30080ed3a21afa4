/** The report as one static HTML page: inline CSS, inline SVG plots, and a few lines of script for paging. */
import type { Distribution } from '../../shared/analysis/stats.ts';
import { RANDOM_PICK, THUMB, type FrameAnalysis } from './analyse.ts';

export interface FileView {
  gifId: string;
  description: string | null;
  metrics: Record<string, string | number | boolean | null>;
  selector: string;
  /** The per-frame metric the selector declares for its curve, and its threshold when it has one. */
  curve: { key: string; threshold: number | null };
  keyFrames: Array<{ src: string; timeMs: number; frameIndex: number; score: number | null }>;
  stripSrc: string;
  analysis: FrameAnalysis;
  chosen: number[];
}

export interface ReportView {
  title: string;
  statusCounts: Array<{ status: string; files: number }>;
  failures: Array<Record<string, unknown>>;
  motionScores: number[];
  staticCount: number;
  comparison: Array<{ selector: string; files: number; picked: number; min: number | null; mean: number | null; p10: number | null; p90: number | null }>;
  files: FileView[];
  filesPerPage: number;
}

const escape = (text: unknown) => String(text ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const fixed = (value: number | null | undefined, digits = 3) => (value === null || value === undefined ? '–' : value.toFixed(digits));

function table(rows: Array<Record<string, unknown>>, id?: string): string {
  if (rows.length === 0) return '<p class="empty">None.</p>';
  const keys = Object.keys(rows[0]!);
  return `<table${id ? ` id="${id}"` : ''}><thead><tr>${keys.map((k) => `<th>${escape(k)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${keys.map((k) => `<td>${escape(r[k])}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

function histogram(values: number[], bins = 10, width = 360, height = 120): string {
  if (values.length === 0) return '<p class="empty">No scores.</p>';
  const max = Math.max(...values, 1e-9);
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) counts[Math.min(bins - 1, Math.floor((v / max) * bins))]!++;
  const top = Math.max(...counts);
  const bar = width / bins;
  return `<svg class="histogram" width="${width}" height="${height + 20}" role="img" aria-label="motion score histogram">${counts
    .map((c, i) => `<rect x="${i * bar + 1}" y="${height - (c / top) * height}" width="${bar - 2}" height="${(c / top) * height}"><title>${c} files, motion ${fixed((i * max) / bins)}–${fixed(((i + 1) * max) / bins)}</title></rect>`)
    .join('')}<text x="0" y="${height + 15}">0</text><text x="${width - 40}" y="${height + 15}">${fixed(max)}</text></svg>`;
}

function similarityPlot(file: FileView, width = 420, height = 110): string {
  const { key, threshold: limit } = file.curve;
  const values = file.analysis.stats.map((s) => s[key]);
  const defined = values.filter((v): v is number => typeof v === 'number');
  if (defined.length < 2) return `<p class="empty">No ${escape(key)} curve for a single frame.</p>`;
  const lo = Math.min(...defined, limit ?? Infinity);
  const hi = Math.max(...defined, limit ?? -Infinity);
  const y = (v: number) => height - ((v - lo) / (hi - lo || 1)) * (height - 10) - 5;
  const x = (i: number) => (i / Math.max(1, values.length - 1)) * width;
  const points = values.map((v, i) => (typeof v === 'number' ? `${x(i).toFixed(1)},${y(v).toFixed(1)}` : '')).filter(Boolean).join(' ');
  const chosen = file.chosen.map((i) => `<line class="chosen" x1="${x(i)}" x2="${x(i)}" y1="0" y2="${height}"/>`).join('');
  const threshold = limit === null ? '' : `<line class="threshold" x1="0" x2="${width}" y1="${y(limit)}" y2="${y(limit)}"><title>threshold ${limit}</title></line>`;
  return `<svg class="curve" width="${width}" height="${height}" role="img" aria-label="${escape(key)} per frame">${chosen}${threshold}<polyline points="${points}"/></svg><div class="legend">${escape(key)} per frame${limit === null ? '' : `, threshold ${limit}`}; key frames marked</div>`;
}

function frameMap(file: FileView, size = 220): string {
  const points = file.analysis.map;
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const px = (v: number) => 10 + ((v - x0) / (x1 - x0 || 1)) * (size - 20);
  const py = (v: number) => 10 + ((v - y0) / (y1 - y0 || 1)) * (size - 20);
  const chosen = new Set(file.chosen);
  const n = Math.max(1, points.length - 1);
  const dots = points
    .map(([x, y], i) => `<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="${chosen.has(i) ? 6 : 3}" fill="hsl(${Math.round((240 * i) / n)},80%,50%)"${chosen.has(i) ? ' class="chosen"' : ''}><title>frame ${i}, ${file.analysis.timesMs[i]} ms</title></circle>`)
    .join('');
  return `<svg class="frame-map" width="${size}" height="${size}" role="img" aria-label="frame map">${dots}</svg><div class="legend">UMAP of all frames, blue → red over time; key frames large</div>`;
}

function fileSection(file: FileView, index: number, perPage: number): string {
  const a = file.analysis;
  const markers = a.stripFrames
    .map((frame, k) => (file.chosen.includes(frame) ? `<span class="mark" style="left:${k * THUMB}px" title="key frame ${frame}"></span>` : ''))
    .join('');
  return `<section class="file" data-page="${Math.floor(index / perPage)}" id="file-${escape(file.gifId)}">
<h2>${escape(file.gifId)}</h2>
<p class="description">${escape(file.description ?? '(no description)')}</p>
<p class="metrics">${Object.entries(file.metrics).map(([k, v]) => `<span><b>${escape(k)}</b> ${escape(typeof v === 'number' ? Number(v.toFixed(4)) : v)}</span>`).join(' ')}</p>
<div class="filmstrip">${file.keyFrames
    .map((k) => `<figure><img loading="lazy" src="${escape(k.src)}" width="128" height="128" alt="key frame ${k.frameIndex}"><figcaption>#${k.frameIndex} · ${k.timeMs} ms${k.score === null ? '' : ` · ${fixed(k.score)}`}</figcaption></figure>`)
    .join('')}</div>
<div class="strip"><img loading="lazy" src="${escape(file.stripSrc)}" height="${THUMB}" width="${a.stripFrames.length * THUMB}" alt="all frames">${markers}</div>
<div class="plots"><div>${similarityPlot(file)}</div><div>${frameMap(file)}</div></div>
</section>`;
}

export function renderReport(view: ReportView): string {
  const best = (key: 'min' | 'mean' | 'p10' | 'p90') => Math.max(...view.comparison.map((r) => r[key] ?? -Infinity));
  const comparisonRows = view.comparison.map((r) => ({
    selector: r.selector,
    'frames picked': r.picked,
    ...Object.fromEntries((['min', 'mean', 'p10', 'p90'] as const).map((k) => [k, `${fixed(r[k])}${r[k] !== null && r[k] === best(k) ? ' ★' : ''}`])),
  }));
  const pages = Math.max(1, Math.ceil(view.files.length / view.filesPerPage));
  const coreset = view.comparison.find((r) => r.selector === 'coreset');
  const random = view.comparison.find((r) => r.selector === RANDOM_PICK);
  const advantage =
    coreset?.min && random?.min
      ? `<p id="coreset-advantage">At the same number of frames (${coreset.picked}), coreset's least distance between chosen frames is <b>${(coreset.min / random.min).toFixed(1)}×</b> the random pick's, and its 10th percentile ${((coreset.p10 ?? 0) / (random.p10 || 1)).toFixed(1)}×: it spends its budget on frames that differ.</p>`
      : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(view.title)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:1200px}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}th{background:#f3f3f3}
.overview{display:flex;gap:32px;flex-wrap:wrap}.histogram rect{fill:#4a7ab8}
section.file{border-top:2px solid #ddd;padding-top:8px;margin-top:16px}.description{font-style:italic}
.metrics span{margin-right:12px}.filmstrip{display:flex;gap:6px;overflow-x:auto}figure{margin:0}figcaption{font-size:11px;color:#555}
.strip{position:relative;overflow-x:auto;white-space:nowrap;margin:8px 0;height:${THUMB + 4}px}.strip img{display:block}
.mark{position:absolute;top:0;width:${THUMB - 4}px;height:${THUMB - 4}px;border:2px solid #e33;pointer-events:none}
.plots{display:flex;gap:24px;flex-wrap:wrap}.curve polyline{fill:none;stroke:#2b5;stroke-width:1.5}.curve .threshold{stroke:#e33;stroke-dasharray:4 3}
.curve .chosen{stroke:#bbb}.frame-map{background:#fafafa;border:1px solid #eee}.frame-map .chosen{stroke:#000;stroke-width:2}
.legend{font-size:11px;color:#555}.pager{margin:12px 0}.pager button{margin-right:8px}.empty{color:#888}
</style></head><body>
<h1>${escape(view.title)}</h1>
<h2>Corpus</h2>
<div class="overview">
<div><h3>Files by status</h3>${table(view.statusCounts, 'status-counts')}</div>
<div><h3>Failures and rejections by code</h3>${table(view.failures, 'failures')}</div>
<div><h3>Motion score</h3>${histogram(view.motionScores)}<p>${view.staticCount} of ${view.motionScores.length} clips are static.</p></div>
</div>
<h2>Selectors on the same files</h2>
<p>Each selector with its default options, and a seeded random pick as large as coreset's, on the ${view.comparison[0]?.files ?? 0} files (of ${view.files.length}) where every one of them chose at least two frames. Distances are between the chosen frames' descriptors (RMS over 16×16 RGB means), averaged over those files; ★ marks the largest. Selectors that pick fewer frames (one per shot, say) naturally keep them farther apart.</p>
${table(comparisonRows, 'selector-comparison')}
${advantage}
<h2>Files</h2>
<div class="pager"><button id="prev">← previous</button><button id="next">next →</button><span id="page-label"></span></div>
${view.files.map((f, i) => fileSection(f, i, view.filesPerPage)).join('\n')}
<script>
const sections = Array.from(document.querySelectorAll('section.file'));
const label = document.getElementById('page-label');
let page = 0;
function show(p) {
  page = Math.max(0, Math.min(${pages - 1}, p));
  for (const s of sections) s.hidden = Number(s.dataset.page) !== page;
  label.textContent = 'page ' + (page + 1) + ' of ${pages}';
}
document.getElementById('prev').addEventListener('click', () => show(page - 1));
document.getElementById('next').addEventListener('click', () => show(page + 1));
show(0);
</script>
</body></html>
`;
}

export type { Distribution };
export { RANDOM_PICK };
