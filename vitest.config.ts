import { defineConfig } from 'vitest/config';

// Two projects: fast colocated unit tests, and the integration / end-to-end suites under test/
// that share one set of real member control planes (started once in globalSetup) and so run
// their files one after another.
export default defineConfig({
  test: {
    teardownTimeout: 120_000,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['hub/**/*.test.ts', 'agent/**/*.test.ts', 'shared/**/*.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/**/*.test.ts'],
          globalSetup: ['test/harness/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
