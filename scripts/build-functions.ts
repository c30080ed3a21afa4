/**
 * `npm run build:functions [-- DIR]`: the archive `pulumi up` uploads, written
 * as a zip and unpacked beside it for inspection. The Pulumi program builds the
 * same thing itself; nothing needs to run this before a deploy.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { functionSourceFiles, zipFiles } from '../infra/source-archive.ts';

const root = resolve(import.meta.dirname, '..');
const out = resolve(process.argv[2] ?? join(root, 'dist', 'functions'));
const files = await functionSourceFiles(root);
rmSync(out, { recursive: true, force: true });
for (const file of files) {
  mkdirSync(dirname(join(out, file.path)), { recursive: true });
  writeFileSync(join(out, file.path), file.bytes);
}
const archive = await zipFiles(files);
writeFileSync(`${out}.zip`, archive.bytes);
console.log(`${files.length} files in ${out}; archive ${out}.zip, ${archive.bytes.length} bytes, sha256 ${archive.sha256}`);
