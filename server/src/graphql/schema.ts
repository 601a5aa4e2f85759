import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { printSchema, type GraphQLSchema } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { buildSchema } from 'type-graphql';
import { authChecker } from './auth-checker.js';
import { RESOLVERS } from './resolvers/index.js';

export async function buildGatewaySchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: RESOLVERS,
    authChecker,
    scalarsMap: [{ type: Date, scalar: DateTimeResolver }],
    validate: false,
    emitSchemaFile: false,
  });
}

export function printGatewaySchema(schema: GraphQLSchema): string {
  return '# Generated from the resolvers by `npm run schema`. Do not edit.\n\n' + printSchema(schema) + '\n';
}

export async function writeSchemaFile(path: string): Promise<void> {
  writeFileSync(path, printGatewaySchema(await buildGatewaySchema()));
}
