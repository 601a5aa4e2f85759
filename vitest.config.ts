import { defineConfig } from 'vitest/config';

// graphql 16 ships index.js and index.mjs; type-graphql loads the CJS copy, so app code must too
// ("Cannot use GraphQLObjectType from another module or realm" otherwise).
const graphqlAlias = { find: /^graphql$/, replacement: 'graphql/index.js' };

/**
 * Integration tests that check process-wide state, which another file's work in the same process
 * would change. v1-no-promise-hooks asserts that no async_hooks promise hook is left installed: a
 * file that loads MikroORM before db/orm-async-context.ts (authorization-matrix does, through the
 * GraphQL schema it imports; the server warns about it) leaves them on for the rest of its process.
 */
const OWN_PROCESS = ['test/integration/v1-no-promise-hooks.test.ts'];

/** What both integration projects share: real servers and databases, so longer timeouts. */
const INTEGRATION = { environment: 'node', testTimeout: 30_000, hookTimeout: 60_000 } as const;

export default defineConfig({
  resolve: { alias: [graphqlAlias] },
  test: {
    // Vitest 4 runs `availableParallelism() - 1` workers by default: one on CI's two cores, which
    // ran every file one after another (the integration files wait on their servers and databases
    // much of the time, so two share the cores well). e2e and browser files still run one at a time.
    maxWorkers: 2,
    projects: [
      {
        resolve: { alias: [graphqlAlias] },
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], environment: 'node' },
      },
      {
        resolve: { alias: [graphqlAlias] },
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          exclude: OWN_PROCESS,
          ...INTEGRATION,
          // Each file starts its own servers on its own database, so files can share a worker's
          // module graph: loading the server's dependencies once per worker instead of once per
          // file took this project from ~225 to ~100 s (two workers).
          isolate: false,
        },
      },
      {
        resolve: { alias: [graphqlAlias] },
        test: { name: 'integration-own-process', include: OWN_PROCESS, ...INTEGRATION },
      },
      {
        resolve: { alias: [graphqlAlias] },
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        resolve: { alias: [graphqlAlias] },
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // One file at a time (Chromium and the servers it drives fill both cores), in one worker
          // that loads the server's modules once for every file (`isolate: false`, as integration):
          // importing them again per file took about a minute of this project's time on CI.
          fileParallelism: false,
          isolate: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
