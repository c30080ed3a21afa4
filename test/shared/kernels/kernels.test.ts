import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileKernels, KERNELS_MODULE, kernelsModuleText } from '../../../scripts/build-kernels.ts';
import { meanAbsoluteDifference, meanSquaredDifference, rgbToGray } from '../../../shared/analysis/pixels.ts';
import { ssimGray, ssimScratchBytes } from '../../../shared/analysis/ssim.ts';
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

  it('run on a workspace\'s kept regions where they lie, with the same results as on copies', () => {
    const workspace = new Workspace();
    const side = 128;
    const [rgbA, rgbB] = [workspace.keep(side * side * 3), workspace.keep(side * side * 3)];
    const [grayA, grayB] = [workspace.keep(side * side), workspace.keep(side * side)];
    workspace.reserve(ssimScratchBytes(side));
    const view = (at: number, bytes: number) => workspace.bytes().subarray(at, at + bytes);
    let seed = 3;
    const noise = () => (seed = (seed * 1103515245 + 12345) % 2147483648) >> 23;
    const a = view(rgbA, side * side * 3).map(() => noise());
    const b = view(rgbB, side * side * 3).map((_, i) => (a[i]! + (i % 7 === 0 ? noise() : 0)) & 255);
    view(rgbA, a.length).set(a);
    view(rgbB, b.length).set(b);
    const [inA, inB] = [view(rgbA, a.length), view(rgbB, b.length)];
    expect(Workspace.holding(inA, inB)).toBe(workspace);

    const [g1, g2] = [rgbToGray(inA, view(grayA, side * side)), rgbToGray(inB, view(grayB, side * side))];
    expect(Workspace.holding(g1, g2)).toBe(workspace);
    expect([...g1]).toEqual([...rgbToGray(a)]);
    expect(meanSquaredDifference(inA, inB)).toBe(meanSquaredDifference(a, b));
    expect(meanAbsoluteDifference(g1, g2)).toBe(meanAbsoluteDifference(rgbToGray(a), rgbToGray(b)));
    expect(ssimGray(g1, g2, side, side)).toBe(ssimGray(rgbToGray(a), rgbToGray(b), side, side));
    // Nothing grew: the views are still the memory's.
    expect(g1.buffer).toBe(workspace.kernels.run.memory.buffer);
  });

  it('copy arrays that are not all in one workspace\'s kept regions, and views that a growth ended', () => {
    const [workspace, other] = [new Workspace(), new Workspace()];
    const [at, atOther] = [workspace.keep(64), other.keep(64)];
    const mine = workspace.bytes().subarray(at, at + 64);
    const theirs = other.bytes().subarray(atOther, atOther + 64);
    expect(Workspace.holding(mine)).toBe(workspace);
    expect(Workspace.holding(mine, theirs)).toBeUndefined();
    expect(Workspace.holding(mine, new Uint8Array(64))).toBeUndefined();
    // Scratch after the kept regions is not held: a kernel's own scratch could land on it.
    const scratch = workspace.scratch().take(64);
    expect(Workspace.holding(workspace.bytes().subarray(scratch, scratch + 64))).toBeUndefined();
    const before = workspace.bytes().subarray(0, 64);
    workspace.keep(8 << 20);
    expect(Workspace.holding(before)).toBeUndefined();
  });
});
