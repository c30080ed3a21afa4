/**
 * The functions as Google's Node.js buildpack wants them: JavaScript, with a
 * package.json whose `main` is that JavaScript, and a lockfile for `npm ci`.
 *
 * esbuild bundles our TypeScript into ES modules and leaves every npm package
 * external. Packages stay external because three of them cannot be bundled
 * safely: sharp is native, google-gax loads its protos from files beside its
 * own code, and functions-framework must be the same instance that its CLI
 * uses, or the functions register in a registry the server never reads. Code
 * splitting turns each function's dynamic import into its own chunk, so an
 * instance loads only the function it serves.
 *
 * The manifest lists exactly the packages the bundle imports, at the ranges
 * the repository declares, and the lockfile is the repository's own pruned to
 * what those packages need, so the cloud installs the versions tested here.
 */
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { build, type Metafile, type Plugin } from 'esbuild';

/** What the archive's `main` is, relative to its root. Built files sit one folder down, as the source does. */
export const BUILT_MAIN = 'dist/index.js';
/** The buildpack needs the framework as a declared dependency, to run `node_modules/.bin/functions-framework`. */
const FRAMEWORK = '@google-cloud/functions-framework';
/** Installed when they can be: ffmpeg-static's install step downloads a binary, which may fail. */
const OPTIONAL_PACKAGES = ['ffmpeg-static'];
/** `import.meta.dirname` and `import.meta.filename` appeared in Node 20.11. */
export const NODE_ENGINE = '>=20.11';

export interface BuiltFile {
  path: string;
  bytes: Buffer;
}

export interface FunctionBuild {
  files: BuiltFile[];
  /** npm packages the built code imports, by name. */
  packages: string[];
}

interface PackageJson {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

interface LockEntry {
  version?: string;
  name?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  dev?: boolean;
  optional?: boolean;
  devOptional?: boolean;
  peer?: boolean;
  [key: string]: unknown;
}

interface Lockfile {
  name: string;
  version: string;
  lockfileVersion: number;
  requires?: boolean;
  packages: Record<string, LockEntry>;
}

export class BuildError extends Error {
  override readonly name = 'BuildError';
}

/**
 * The deployed functions serve the cloud backend only. The local backend runs
 * them from the source tree; in the build its module is replaced by one that
 * says so, which keeps DuckDB and the local adapters out of the install.
 */
const cloudOnly: Plugin = {
  name: 'framesift-cloud-only',
  setup(build) {
    build.onResolve({ filter: /\/backends\/local\.ts$/ }, (args) => ({ path: args.path, namespace: 'cloud-only' }));
    build.onLoad({ filter: /.*/, namespace: 'cloud-only' }, () => ({
      loader: 'js',
      contents: `throw new Error('FRAMESIFT_BACKEND=local runs from the source tree; the deployed functions serve the gcp backend only');`,
    }));
  },
};

/** Bundles `functions/index.ts` and everything it reaches into `dist/`. */
export async function bundleFunctions(root: string): Promise<FunctionBuild> {
  const result = await build({
    absWorkingDir: root,
    entryPoints: { index: join(root, 'functions/index.ts') },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    outdir: join(root, 'dist'),
    entryNames: '[name]',
    chunkNames: '[name]-[hash]',
    write: false,
    metafile: true,
    legalComments: 'none',
    plugins: [cloudOnly],
    logLevel: 'silent',
  });
  const files = result.outputFiles
    .map((file) => ({ path: `dist/${file.path.slice(join(root, 'dist').length + 1)}`, bytes: Buffer.from(file.contents) }))
    .sort((a, b) => a.path.localeCompare(b.path));
  return { files, packages: importedPackages(result.metafile) };
}

function importedPackages(metafile: Metafile): string[] {
  const builtins = new Set(builtinModules);
  const names = new Set<string>();
  for (const output of Object.values(metafile.outputs)) {
    for (const { path, external } of output.imports) {
      if (!external || path.startsWith('node:') || builtins.has(path) || path.startsWith('.')) continue;
      const parts = path.split('/');
      names.add(path.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!);
    }
  }
  return [...names].sort();
}

/** The archive's package.json: the built `main`, and exactly the packages the built code imports. */
export function deployedManifest(repository: PackageJson, packages: readonly string[]): PackageJson & Record<string, unknown> {
  const declared = repository.dependencies ?? {};
  const dependencies: Record<string, string> = {};
  const optionalDependencies: Record<string, string> = {};
  for (const name of new Set([...packages, FRAMEWORK])) {
    const optional = repository.optionalDependencies?.[name];
    if (optional) {
      optionalDependencies[name] = optional;
      continue;
    }
    const range = declared[name];
    if (!range) {
      const where = repository.devDependencies?.[name] ? 'only in devDependencies' : 'in no dependencies at all';
      throw new BuildError(`The functions import ${name}, but package.json lists it ${where}: the cloud installs production dependencies only. Move it to dependencies.`);
    }
    dependencies[name] = range;
  }
  for (const name of OPTIONAL_PACKAGES) {
    const range = repository.optionalDependencies?.[name];
    if (range) optionalDependencies[name] = range;
  }
  return {
    name: `${repository.name}-functions`,
    version: repository.version,
    private: true,
    description: 'framesift Cloud Functions, built from the repository (infra/function-build.ts). Not edited by hand.',
    type: 'module',
    main: BUILT_MAIN,
    engines: { node: NODE_ENGINE },
    dependencies: sorted(dependencies),
    optionalDependencies: sorted(optionalDependencies),
  };
}

/**
 * The repository's lockfile cut down to the manifest's dependencies and what
 * they need, with npm's optional flags worked out again for the smaller tree:
 * a package is optional when every path to it passes an optional edge, which
 * is what lets `npm ci` skip platform-specific builds it cannot install.
 */
export function prunedLockfile(lock: Lockfile, manifest: PackageJson): Lockfile {
  const entries = lock.packages;
  const requiredVia = new Map<string, boolean>();
  const visit = (from: string, name: string, optional: boolean, peerOptional = false) => {
    const location = resolveInLock(entries, from, name);
    if (!location) {
      if (optional || peerOptional) return;
      throw new BuildError(`The lockfile has no ${name} reachable from ${from || 'the root'}: run npm install to bring it in sync`);
    }
    const before = requiredVia.get(location);
    if (before === false || (before === true && optional)) return;
    requiredVia.set(location, optional);
    const entry = entries[location]!;
    for (const dependency of Object.keys(entry.dependencies ?? {})) visit(location, dependency, optional);
    for (const dependency of Object.keys(entry.optionalDependencies ?? {})) visit(location, dependency, true);
    for (const dependency of Object.keys(entry.peerDependencies ?? {})) {
      const peerIsOptional = entry.peerDependenciesMeta?.[dependency]?.optional === true;
      if (!peerIsOptional) visit(location, dependency, optional);
    }
  };
  for (const name of Object.keys(manifest.dependencies ?? {})) visit('', name, false);
  for (const name of Object.keys(manifest.optionalDependencies ?? {})) visit('', name, true);

  const packages: Record<string, LockEntry> = {
    '': {
      name: manifest.name,
      version: manifest.version,
      dependencies: manifest.dependencies,
      optionalDependencies: manifest.optionalDependencies,
      engines: { node: NODE_ENGINE },
    },
  };
  for (const location of [...requiredVia.keys()].sort()) {
    const { dev: _dev, optional: _optional, devOptional: _devOptional, peer: _peer, ...entry } = entries[location]!;
    packages[location] = requiredVia.get(location) ? { ...entry, optional: true } : entry;
  }
  return { name: manifest.name, version: manifest.version, lockfileVersion: lock.lockfileVersion, requires: true, packages };
}

/** Node's lookup: the nearest `node_modules/<name>` walking up from the requiring package. */
function resolveInLock(entries: Record<string, LockEntry>, from: string, name: string): string | undefined {
  let base = from;
  for (;;) {
    const candidate = base ? `${base}/node_modules/${name}` : `node_modules/${name}`;
    if (entries[candidate]) return candidate;
    if (!base) return undefined;
    const index = base.lastIndexOf('/node_modules/');
    base = index === -1 ? '' : base.slice(0, index);
  }
}

function sorted(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}
