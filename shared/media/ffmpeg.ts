import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * The ffmpeg binary: `FFMPEG_PATH` if set, else ffmpeg-static's download when it
 * installed (it is optional: its install step fetches a binary and may fail),
 * else `ffmpeg` on PATH.
 */
export function ffmpegPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FFMPEG_PATH) return env.FFMPEG_PATH;
  const bundled = bundledFfmpeg();
  return bundled && existsSync(bundled) ? bundled : 'ffmpeg';
}

function bundledFfmpeg(): string | null {
  try {
    const require = createRequire(import.meta.url);
    const found: unknown = require('ffmpeg-static');
    return typeof found === 'string' ? found : null;
  } catch {
    return null;
  }
}

/** The one sentence every missing-ffmpeg message starts with: what was looked for and how to install it. */
export const FFMPEG_MISSING =
  'No ffmpeg was found (FFMPEG_PATH, the optional ffmpeg-static package, or ffmpeg on PATH): install it with `apt-get install ffmpeg` (Debian, Ubuntu) or `brew install ffmpeg` (macOS), or set FFMPEG_PATH.';

export interface FfmpegProbe {
  path: string;
  /** ffmpeg's own first line, e.g. "ffmpeg version 5.1.8-0+deb12u1 …". */
  version: string;
}

/** Runs `ffmpeg -version` on the resolved binary: what would decode video here, or null. */
export function probeFfmpeg(env: NodeJS.ProcessEnv = process.env): Promise<FfmpegProbe | null> {
  const path = ffmpegPath(env);
  return new Promise((resolve) => {
    execFile(path, ['-hide_banner', '-version'], { encoding: 'utf8', timeout: 10_000 }, (error, stdout) =>
      resolve(error ? null : { path, version: stdout.split('\n')[0]!.trim() }),
    );
  });
}
