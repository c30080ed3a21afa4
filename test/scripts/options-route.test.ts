/**
 * A selector option follows one route wherever it enters: `framesift run
 * --threshold`, FRAMESIFT_SELECTOR_OPTIONS in a function, or the stack's
 * `selectorOptions`. Each is parsed once where it enters, resolved with its
 * defaults, carried in the request, and reaches the ssim selector as given.
 * A bad value fails with the same sentence on every route.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadSelector } from '../../functions/config.ts';
import { FolderStore } from '../../shared/adapters/local/folder-store.ts';
import { LocalQueue } from '../../shared/adapters/local/local-queue.ts';
import type { SelectorChoice } from '../../shared/pipeline/events.ts';
import { extractStep } from '../../shared/pipeline/extract.ts';
import { fanOut } from '../../shared/pipeline/fan-out.ts';
import { corpusPath } from '../support/corpus.ts';
import { declareStack } from '../support/stack.ts';
import { tempDir } from '../support/tmp.ts';
import { INBOX_FILE_RECORD } from '../../shared/pipeline/layout.ts';

const run = promisify(execFile);
const dir = tempDir('framesift-route-');
const BAD = 'Expected number between -1 and 1 for ssim.threshold but received 7 of type number';
const GIF = 'Zulko__moviepy__circle.gif';

/** Fan-out with a choice, then extract: the threshold the selector ran with, as its record says. */
async function thresholdReachingSsim(selector: SelectorChoice, name: string): Promise<unknown> {
  const store = new FolderStore(join(dir, name));
  const upload = await store.upload(corpusPath('gifs', GIF), { bucket: 'ingest', name: GIF });
  const queue = new LocalQueue();
  await fanOut({ bucket: 'ingest', name: GIF, generation: upload.generation }, { store, publisher: queue, outputBucket: 'output', selector });
  const thresholds: unknown[] = [];
  await queue.drain(
    async (event) => {
      const result = await extractStep(event, { store, outputBucket: 'output' });
      expect(result, JSON.stringify(result)).toMatchObject({ status: 'ok' });
      for await (const object of store.list('output', 'inbox/')) {
        if (!INBOX_FILE_RECORD.test(object.name)) continue;
        thresholds.push(JSON.parse((await store.read(object)).toString()).extraction.selector.options.threshold);
      }
    },
    { concurrency: 1, deadLetter: async (_, error) => expect.fail(String(error)) },
  );
  expect(thresholds).toHaveLength(1);
  return thresholds[0];
}

describe('threshold on every route', () => {
  it('from framesift run --threshold', async () => {
    const workDir = join(dir, 'cli');
    await run(process.execPath, ['--import', 'tsx', 'scripts/framesift.ts', 'run', corpusPath('gifs', GIF), '--threshold', '0.9', '--concurrency', '1', '--workdir', workDir]);
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/framesift.ts', 'query', "SELECT json_extract(selector_options, '$.threshold') AS t FROM gifs", '--workdir', workDir]);
    expect(stdout).toMatch(/\|\s*0\.9\s*\|/);
    const failed = await run(process.execPath, ['--import', 'tsx', 'scripts/framesift.ts', 'run', '--threshold', '7', '--workdir', workDir]).catch((e: { code: number; stderr: string }) => e);
    expect(failed).toMatchObject({ code: 1, stderr: expect.stringContaining(BAD) });
  });

  it('from FRAMESIFT_SELECTOR_OPTIONS in fan-out', async () => {
    const choice = (await loadSelector({ FRAMESIFT_SELECTOR: 'ssim', FRAMESIFT_SELECTOR_OPTIONS: '{"threshold":0.9}' }))!;
    expect(await thresholdReachingSsim(choice, 'env')).toBe(0.9);
    await expect(loadSelector({ FRAMESIFT_SELECTOR: 'ssim', FRAMESIFT_SELECTOR_OPTIONS: '{"threshold":7}' })).rejects.toThrow(BAD);
  });

  it('from the stack’s selectorOptions, at preview, and on into the functions’ environment', async () => {
    await expect(declareStack({ 'framesift:selector': 'ssim', 'framesift:selectorOptions': '{"threshold":7}' })).rejects.toThrow(BAD);
    const { resources } = await declareStack({ 'framesift:selector': 'ssim', 'framesift:selectorOptions': '{"threshold":0.9}' });
    const fanout = resources.find((r) => r.name === 'fanout')!.inputs as { serviceConfig: { environmentVariables: Record<string, string> } };
    const choice = (await loadSelector(fanout.serviceConfig.environmentVariables))!;
    expect(await thresholdReachingSsim(choice, 'stack')).toBe(0.9);
  });
});
