import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { boolean, positiveInteger, text, type Setting } from '../../shared/settings.ts';
import { parseCommandArgs } from './flags.ts';
import { DEFAULT_WORKDIR } from '../../local/layout.ts';

export const REPORT_USAGE = `framesift report [--out report.html] [--serve] [--workdir DIR] [--limit N] [--screenshot FILE]    (npm run report -- …)

  A static HTML page of the local results, its images in <out>_files/: per file its key frames,
  every frame, the similarity curve and a frame map; a selector comparison; a corpus overview.
  --serve        also serve it on http://127.0.0.1:8080/ until interrupted
  --limit N      analyse at most N files (the overview still counts all)
  --screenshot   save a full-page screenshot, taken in Chromium`;

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.png': 'image/png', '.jpg': 'image/jpeg' };

const REPORT_SETTINGS = {
  out: { flag: 'out', default: 'report.html', parse: text } satisfies Setting<string>,
  workDir: { flag: 'workdir', env: 'FRAMESIFT_WORKDIR', default: DEFAULT_WORKDIR, parse: text } satisfies Setting<string>,
  limit: { flag: 'limit', default: undefined, parse: positiveInteger as (raw: unknown, name: string) => number | undefined } satisfies Setting<number | undefined>,
  screenshot: { flag: 'screenshot', default: undefined, parse: text as (raw: unknown, name: string) => string | undefined } satisfies Setting<string | undefined>,
  serve: { flag: 'serve', switch: true, default: false, parse: boolean } satisfies Setting<boolean>,
};

export async function runReport(argv: string[]): Promise<void> {
  const { values } = parseCommandArgs(argv, REPORT_SETTINGS);
  const out = resolve(values.out);
  const [{ buildReport }, { screenshot }] = await Promise.all([import('../report/build.ts'), import('../report/browser.ts')]);
  const { files } = await buildReport({ workDir: values.workDir, out, limit: values.limit });
  console.log(`wrote ${out} (${files} files analysed); open it in a browser, no server needed`);
  if (values.screenshot) {
    await screenshot(pathToFileURL(out).href, resolve(values.screenshot));
    console.log(`screenshot: ${resolve(values.screenshot)}`);
  }
  if (values.serve) await serve(dirname(out), out);
}

function serve(root: string, page: string): Promise<void> {
  const server = createServer((req, res) => {
    const path = resolve(join(root, decodeURIComponent(new URL(req.url!, 'http://x').pathname)));
    const file = path === resolve(root) ? page : path;
    if (!file.startsWith(resolve(root) + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolveServe) => {
    server.listen(8080, '127.0.0.1', () => console.log('serving on http://127.0.0.1:8080/ (Ctrl-C to stop)'));
    process.once('SIGINT', () => server.close(() => resolveServe()));
  });
}
