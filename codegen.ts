import type { CodegenConfig } from '@graphql-codegen/cli';

// Typed GraphQL documents for the admin SPA (web/), from the server-generated schema.graphql.
// Run: npx graphql-codegen --config codegen.ts   (the output in web/src/gql/ is generated and committed)
const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['web/src/**/*.{ts,tsx}', '!web/src/gql/**'],
  generates: {
    'web/src/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { DateTime: 'string' },
      },
    },
  },
};

export default config;
