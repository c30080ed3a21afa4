import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The shared corpus lives beside the repository and is never copied into it. */
export const CORPUS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/corpus');

export function corpusPath(...parts: string[]): string {
  if (!existsSync(CORPUS_DIR)) {
    throw new Error(`The shared corpus is missing: expected it at ${CORPUS_DIR} (../shared/corpus beside the repository)`);
  }
  return join(CORPUS_DIR, ...parts);
}

export function corpusFiles(folder: 'gifs' | 'broken' | 'videos'): string[] {
  return readdirSync(corpusPath(folder)).sort().map((name) => join(CORPUS_DIR, folder, name));
}

export interface ManifestRow {
  file: string;
  bytes: number;
  frames: number | null;
  width: number | null;
  height: number | null;
}

export function corpusManifest(): Map<string, ManifestRow> {
  const [header, ...lines] = readFileSync(corpusPath('MANIFEST.tsv'), 'utf8').trim().split('\n');
  const columns = header!.split('\t');
  const at = (cells: string[], name: string) => cells[columns.indexOf(name)] ?? '';
  const rows = lines.map((line) => {
    const cells = line.split('\t');
    const [w, h] = at(cells, 'width_x_height').split('x').map(Number);
    const frames = Number(at(cells, 'frames'));
    return {
      file: at(cells, 'file'),
      bytes: Number(at(cells, 'bytes')),
      frames: Number.isFinite(frames) ? frames : null,
      width: Number.isFinite(w) ? w! : null,
      height: Number.isFinite(h) ? h! : null,
    };
  });
  return new Map(rows.map((row) => [row.file, row]));
}
