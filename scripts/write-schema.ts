/** Regenerates schema.graphql from the resolvers: npm run schema (CI fails when it is stale). */
import { writeSchemaFile } from '../server/src/graphql/schema.js';

await writeSchemaFile('schema.graphql');
console.log('wrote schema.graphql');
