import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError } from './flags.ts';
import { DEFAULT_WORKDIR } from '../../local/layout.ts';

export const REPORT_USAGE = `framesift report [--out report.html] [--serve] [--workdir DIR] [--limit N] [--screenshot FILE]    (npm run report -- …)

  A static HTML page of the local results, its images in <out>_files/: per file its key frames,
  every frame, the similarity curve and a frame map; a selector comparison; a corpus overview.
  --serve        also serve it on http://127.0.0.1:8080/ until interrupted
  --limit N      analyse at most N files (the overview still counts all)
  --screenshot   save a full-page screenshot, taken in Chromium`;

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.png': 'image/png', '.jpg': 'image/jpeg' };

export async function runReport(argv: string[]): Promise<void> {
  const value = (flag: string) => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : undefined);
  const out = resolve(value('--out') ?? 'report.html');
  const limit = value('--limit') === undefined ? undefined : Number(value('--limit'));
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw new UsageError('--limit takes a positive integer');
  const [{ buildReport }, { screenshot }] = await Promise.all([import('../report/build.ts'), import('../report/browser.ts')]);
  const { files } = await buildReport({ workDir: value('--workdir') ?? DEFAULT_WORKDIR, out, limit });
  console.log(`wrote ${out} (${files} files analysed); open it in a browser, no server needed`);
  const shot = value('--screenshot');
  if (shot) {
    await screenshot(pathToFileURL(out).href, resolve(shot));
    console.log(`screenshot: ${resolve(shot)}`);
  }
  if (argv.includes('--serve')) await serve(dirname(out), out);
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
