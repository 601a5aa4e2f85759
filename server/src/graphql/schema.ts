import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { printSchema, type GraphQLSchema } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { buildSchema } from 'type-graphql';
import { authChecker, operationsWithoutRule } from './auth-checker.js';
import { RESOLVERS } from './resolvers/index.js';

export async function buildGatewaySchema(): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: RESOLVERS,
    authChecker,
    scalarsMap: [{ type: Date, scalar: DateTimeResolver }],
    validate: false,
    emitSchemaFile: false,
  });
  const missing = operationsWithoutRule();
  if (missing.length) throw new Error(`No authorization rule on ${missing.join(', ')}: add @Authorized(Rule.…) (see graphql/auth-checker.ts).`);
  return schema;
}

export function printGatewaySchema(schema: GraphQLSchema): string {
  return '# Generated from the resolvers by `npm run schema`. Do not edit.\n\n' + printSchema(schema) + '\n';
}

export async function writeSchemaFile(path: string): Promise<void> {
  writeFileSync(path, printGatewaySchema(await buildGatewaySchema()));
}
