import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileKernels, KERNELS_MODULE, kernelsModuleText } from '../../../scripts/build-kernels.ts';
import { kernels, Layout, Workspace } from '../../../shared/kernels/index.ts';

describe('WebAssembly kernels', () => {
  it('are committed exactly as their sources compile (npm run build:kernels)', async () => {
    const binary = await compileKernels();
    expect(readFileSync(KERNELS_MODULE, 'utf8')).toBe(kernelsModuleText(binary));
  }, 60_000);

  it('grow their memory for a large call, and later calls see the grown memory', () => {
    const big = new Layout();
    const at = big.take(32 << 20);
    const memory = kernels().memory(big);
    expect(memory.length).toBeGreaterThanOrEqual(at + (32 << 20));
    memory.fill(7, at, at + 16);
    const again = kernels().memory(new Layout());
    expect(again[at]).toBe(7);
    expect(kernels().run.sumAbsoluteDifference(at, at + 16, 16)).toBe(16 * 7);
  });

  it('keep a workspace\'s regions through a call that grows its memory, apart from other workspaces', () => {
    const [workspace, other] = [new Workspace(), new Workspace()];
    const kept = workspace.keep(64);
    workspace.bytes().fill(9, kept, kept + 64);
    const elsewhere = other.keep(64);
    other.bytes().fill(1, elsewhere, elsewhere + 64);
    const scratch = workspace.scratch();
    const big = scratch.take(32 << 20);
    expect(big).toBeGreaterThanOrEqual(kept + 64);
    workspace.kernels.memory(scratch).fill(3, big, big + 16);
    expect(workspace.bytes()[kept + 63]).toBe(9);
    expect(workspace.kernels.run.sumAbsoluteDifference(kept, big, 16)).toBe(16 * 6);
    expect(other.bytes()[elsewhere]).toBe(1);
  });
});
