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
