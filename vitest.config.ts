import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Room for the global teardown to stop the shared runtime, by SIGKILL after 15 s if it must (the default,
    // 10 s, gave up first and left the runtime running).
    teardownTimeout: 60_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'recipeflow',
          include: ['test/{unit,integration,e2e,web}/**/*.test.ts'],
          globalSetup: ['test/global-setup.ts'],
          setupFiles: ['test/setup-env.ts'],
          sequence: { groupOrder: 1 },
        },
      },
      {
        // Reads the AWS calls the first group recorded: runs once it has finished.
        extends: true,
        test: {
          name: 'iam',
          include: ['test/iam/**/*.test.ts'],
          env: { RECIPEFLOW_RUNTIME: 'local' },
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
