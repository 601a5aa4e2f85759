import { defineConfig } from 'vitest/config';

// graphql 16 ships index.js and index.mjs; type-graphql loads the CJS copy, so app code must too
// ("Cannot use GraphQLObjectType from another module or realm" otherwise).
const graphqlAlias = { find: /^graphql$/, replacement: 'graphql/index.js' };

export default defineConfig({
  resolve: { alias: [graphqlAlias] },
  test: {
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
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
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
          fileParallelism: false,
        },
      },
    ],
  },
});
