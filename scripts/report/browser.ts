/** Debian's Chromium, driven by playwright-core (which cannot download a browser of its own here). */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is missing: expected ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    // As root in a sandboxless container, with no network: the flags that keep Chromium quiet here.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Opens a page and saves a full-page screenshot. */
export async function screenshot(url: string, path: string, width = 1280): Promise<void> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    await page.goto(url, { waitUntil: 'load' });
    // Lazy images load only once in view: bring each visible one in, then wait for all of them.
    for (const image of await page.locator('img:visible').all()) await image.scrollIntoViewIfNeeded();
    await page.waitForFunction("Array.from(document.images).every((img) => img.complete)");
    await page.screenshot({ path, fullPage: true });
  } finally {
    await browser.close();
  }
}
