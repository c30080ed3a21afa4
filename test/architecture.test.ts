/**
 * The folder layout is the architecture, and imports only run down it:
 * `shared/` (the core) imports nothing of ours outside itself; `local/` and
 * `functions/` are the two deployments over it, and `infra/` provisions the
 * cloud one; `scripts/` (the command line, benchmarks, tools) may use any of
 * them; only `test/` imports `test/`.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const LAYERS = ['shared', 'local', 'functions', 'infra', 'scripts', 'test'] as const;
type Layer = (typeof LAYERS)[number];

/** Which layers each layer may import from. */
const ALLOWED: Record<Layer, Layer[]> = {
  shared: ['shared'],
  local: ['shared', 'local'],
  // Only the functions' local backend reaches into local/, and the deployed build leaves it out.
  functions: ['shared', 'functions', 'local'],
  infra: ['shared', 'infra'],
  scripts: ['shared', 'local', 'functions', 'infra', 'scripts'],
  test: [...LAYERS],
};

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : sources(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from\s+|import\s*\(\s*)'(\.[^']+)'/g)].map((m) => m[1]!);
}

describe('the folder map', () => {
  it.each(LAYERS.filter((l) => l !== 'test'))('%s imports only from the layers below it', (layer) => {
    const wrong: string[] = [];
    for (const file of sources(join(ROOT, layer))) {
      for (const specifier of importsOf(file)) {
        const target = relative(ROOT, resolve(dirname(file), specifier)).split('/')[0] as Layer;
        if (!LAYERS.includes(target) || !ALLOWED[layer].includes(target)) wrong.push(`${relative(ROOT, file)} imports ${specifier}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('reaches from functions/ into local/ only through the local backend', () => {
    const crossing = sources(join(ROOT, 'functions')).filter((file) => importsOf(file).some((s) => relative(ROOT, resolve(dirname(file), s)).startsWith('local/')));
    expect(crossing.map((f) => relative(ROOT, f))).toEqual(['functions/backends/local.ts']);
  });
});
