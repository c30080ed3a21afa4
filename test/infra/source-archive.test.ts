import { cpSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILT_MAIN, BuildError, deployedManifest, prunedLockfile } from '../../infra/function-build.ts';
import { packageSource } from '../../infra/source-archive.ts';
import { tempDir } from '../support/tmp.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const repositoryManifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const repositoryLock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8'));

describe('function source archive', () => {
  const dir = tempDir('framesift-archive-');

  it('holds exactly the built JavaScript, its package.json and its lockfile, with the same bytes when packaged twice', async () => {
    const first = await packageSource(ROOT);
    const second = await packageSource(ROOT);
    expect(second.bytes.equals(first.bytes)).toBe(true);
    expect(second.sha256).toBe(first.sha256);
    expect(first.files).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', BUILT_MAIN]));
    for (const file of first.files) expect(file).toMatch(/^(package\.json|package-lock\.json|dist\/[\w-]+\.js)$/);
  });

  it('ignores timestamps but changes with any code change', async () => {
    const copy = join(dir, 'copy');
    for (const entry of ['package.json', 'package-lock.json', 'shared', 'functions']) cpSync(join(ROOT, entry), join(copy, entry), { recursive: true });
    const original = await packageSource(copy);
    utimesSync(join(copy, 'shared/engine.ts'), new Date(2001, 1, 1), new Date(2001, 1, 1));
    expect((await packageSource(copy)).sha256).toBe(original.sha256);
    const engine = join(copy, 'shared/engine.ts');
    writeFileSync(engine, readFileSync(engine, 'utf8').replace('const RECORD_DECIMALS = 6;', 'const RECORD_DECIMALS = 5;'));
    expect((await packageSource(copy)).sha256).not.toBe(original.sha256);
  });
});

describe('the deployed package.json', () => {
  it('has a JavaScript main and lists the packages the built code imports, at the repository’s ranges', () => {
    const manifest = deployedManifest(repositoryManifest, ['sharp', '@google-cloud/storage']);
    expect(manifest).toMatchObject({ type: 'module', main: 'dist/index.js', engines: { node: '>=20.11' } });
    expect(manifest.dependencies).toEqual({
      '@google-cloud/functions-framework': repositoryManifest.dependencies['@google-cloud/functions-framework'],
      '@google-cloud/storage': repositoryManifest.dependencies['@google-cloud/storage'],
      sharp: repositoryManifest.dependencies.sharp,
    });
    expect(manifest.optionalDependencies).toEqual({ 'ffmpeg-static': repositoryManifest.optionalDependencies['ffmpeg-static'] });
  });

  it('refuses a build whose code imports a package that is only a devDependency', () => {
    expect(() => deployedManifest(repositoryManifest, ['yazl'])).toThrow(BuildError);
    expect(() => deployedManifest(repositoryManifest, ['yazl'])).toThrow(/import yazl, but package\.json lists it only in devDependencies/);
  });
});

describe('the deployed lockfile', () => {
  const manifest = deployedManifest(repositoryManifest, ['sharp', '@google-cloud/storage']);
  const lock = prunedLockfile(repositoryLock, manifest);

  it('keeps the repository’s resolved versions and drops everything the manifest does not need', () => {
    expect(lock.packages['node_modules/sharp']!.version).toBe(repositoryLock.packages['node_modules/sharp'].version);
    expect(lock.packages['node_modules/@google-cloud/storage']).toBeDefined();
    expect(lock.packages['node_modules/@duckdb/node-api']).toBeUndefined();
    expect(lock.packages['node_modules/vitest']).toBeUndefined();
    expect(Object.values(lock.packages).some((entry) => entry.dev || entry.devOptional)).toBe(false);
  });

  it('marks packages reached only through optional edges as optional, so npm ci skips other platforms’ builds', () => {
    const darwin = Object.keys(lock.packages).find((location) => location.includes('@img/sharp-darwin'));
    expect(darwin).toBeDefined();
    expect(lock.packages[darwin!]!.optional).toBe(true);
    expect(lock.packages['node_modules/sharp']!.optional).toBeUndefined();
  });
});
