import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Decoding real media is slow next to unit code; a hang still fails, just later.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default', './test/support/plain-summary.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    // Nothing here runs on Google Compute Engine; without this, Google's clients probe its metadata server.
    env: { METADATA_SERVER_DETECTION: 'none' },
  },
});
