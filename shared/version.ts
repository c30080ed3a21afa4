import { readFileSync } from 'node:fs';

/** framesift's version, stamped on every record so rows from different releases can be told apart. */
export const ENGINE_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
