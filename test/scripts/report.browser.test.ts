/** The report from the samples, opened in Debian's Chromium through playwright-core. */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLocalPipeline } from '../../local/pipeline.ts';
import { launchChromium } from '../../scripts/report/browser.ts';
import { buildReport } from '../../scripts/report/build.ts';
import { renderReport, type ReportView } from '../../scripts/report/html.ts';
import { writeFileSync } from 'node:fs';
import { generateSamples } from '../../scripts/samples.ts';
import { tempDir } from '../support/tmp.ts';

describe('the HTML report in Chromium', () => {
  const dir = tempDir('framesift-report-');
  const out = join(dir, 'report.html');
  let browser: Browser;
  let view: ReportView;

  beforeAll(async () => {
    const samples = generateSamples(join(dir, 'samples'));
    await runLocalPipeline({ inputs: [samples.manifest], workDir: join(dir, 'work'), concurrency: 2 });
    // Five files a page, so paging is exercised.
    ({ view } = await buildReport({ workDir: join(dir, 'work'), out, filesPerPage: 5 }));
    browser = await launchChromium();
  });
  afterAll(() => browser?.close());

  it('loads every image on every page, shows the maps and the comparison, and logs no errors', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
    page.on('pageerror', (error) => errors.push(String(error)));
    await page.goto(pathToFileURL(out).href, { waitUntil: 'load' });

    const pages = Number((await page.textContent('#page-label'))!.match(/of (\d+)/)![1]);
    expect(pages).toBe(3);
    let checked = 0;
    for (let p = 0; p < pages; p++) {
      // Lazy images load as they come into view.
      for (const image of await page.locator('section.file:not([hidden]) img').all()) await image.scrollIntoViewIfNeeded();
      // Evaluated in the page, where the DOM exists; the project's TypeScript has no DOM types.
      await page.waitForFunction("Array.from(document.querySelectorAll('section.file:not([hidden]) img')).every((img) => img.complete)");
      const widths = await page.$$eval('section.file:not([hidden]) img', (images) => images.map((img) => (img as unknown as { naturalWidth: number }).naturalWidth));
      expect(widths.length).toBeGreaterThan(0);
      for (const width of widths) expect(width).toBeGreaterThan(0);
      checked += widths.length;
      expect(await page.locator('section.file:not([hidden]) svg.frame-map').count()).toBeGreaterThan(0);
      if (p < pages - 1) await page.click('#next');
    }
    expect(checked).toBeGreaterThan(40);
    expect(await page.locator('#selector-comparison tbody tr').count()).toBe(6);
    expect(await page.textContent('#coreset-advantage')).toMatch(/coreset's least distance/);
    expect(await page.locator('#status-counts').textContent()).toContain('ok');
    expect(errors).toEqual([]);

    const shot = join(dir, 'report.png');
    await page.click('#prev');
    await page.screenshot({ path: shot, fullPage: true });
    expect(existsSync(shot) && statSync(shot).size).toBeGreaterThan(10_000);
  });

  it('stays usable with 1,000 files: 50 pages, and only the images of the shown page load', async () => {
    const files = Array.from({ length: 1000 }, (_, i) => ({ ...view.files[i % view.files.length]!, gifId: `file-${i}` }));
    const big = join(dir, 'report-1000.html');
    writeFileSync(big, renderReport({ ...view, files, filesPerPage: 20 }));
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const started = Date.now();
    await page.goto(pathToFileURL(big).href, { waitUntil: 'load' });
    console.log(`1,000-file report: ${(Date.now() - started).toString()} ms to load`);
    expect(await page.textContent('#page-label')).toBe('page 1 of 50');
    const requested = await page.evaluate(() => performance.getEntriesByType('resource').filter((e) => /\.(png|jpg)$/.test(e.name)).length);
    expect(requested).toBeLessThanOrEqual(20 * 12);
    expect(await page.locator('section.file:not([hidden])').count()).toBe(20);
  });
});
