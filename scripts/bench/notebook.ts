/** The original notebook pipeline (../shared/bench/baseline_notebook.py), run in the same bench when its packages are here. */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { PINNED } from './processes.ts';

const exec = promisify(execFile);
const PYTHON = '/usr/bin/python3';
const NOTEBOOK = resolve(import.meta.dirname, '../../../shared/bench/baseline_notebook.py');
const MODULES = ['numpy', 'cv2', 'skimage', 'imageio', 'PIL', 'pandas'];
export const NOTEBOOK_INSTALL =
  'apt-get install -y python3-numpy python3-opencv python3-skimage python3-imageio python3-pil python3-pandas';

export interface NotebookRun {
  frames: number;
  framesPerSecond: number;
  peakRssMb: number;
  errors: number;
}

/** Why the notebook cannot run here, or null when it can. */
export async function notebookMissing(): Promise<string | null> {
  if (!existsSync(NOTEBOOK)) return `the notebook is missing: expected ${NOTEBOOK}`;
  if (!existsSync(PYTHON)) return `Debian's python3 is missing; install it and its packages with: ${NOTEBOOK_INSTALL}`;
  try {
    await exec(PYTHON, ['-c', `import ${MODULES.join(', ')}`]);
    return null;
  } catch {
    return `its Python packages are missing; install them with: ${NOTEBOOK_INSTALL}`;
  }
}

/** One process, pinned to one core like the engine rows; throughput excludes interpreter start-up. */
export async function runNotebook(folder: string, workDir: string): Promise<NotebookRun> {
  const report = join(workDir, 'notebook.json');
  const command = [PYTHON, NOTEBOOK, folder, '--json-report', report, '--quiet', '--cv-threads', '1'];
  const [file, ...args] = PINNED ? ['/usr/bin/taskset', '-c', '0', ...command] : command;
  await exec(file!, args, { maxBuffer: 64 * 1024 * 1024 });
  const { totals } = JSON.parse(readFileSync(report, 'utf8')) as {
    totals: { frames: number; frames_per_s: number; peak_rss_mb: number; errors: number };
  };
  return { frames: totals.frames, framesPerSecond: totals.frames_per_s, peakRssMb: totals.peak_rss_mb, errors: totals.errors };
}
