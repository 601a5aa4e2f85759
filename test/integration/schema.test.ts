import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildGatewaySchema, printGatewaySchema } from '../../server/src/graphql/schema.js';

const SCHEMA_FILE = fileURLToPath(new URL('../../schema.graphql', import.meta.url));

describe('schema.graphql', () => {
  it('matches the schema generated from the resolvers (run `npm run schema` after changing them)', async () => {
    const committed = readFileSync(SCHEMA_FILE, 'utf8');
    expect(committed).toBe(printGatewaySchema(await buildGatewaySchema()));
  });

  it('contains every operation of the contract implemented so far', async () => {
    const schema = await buildGatewaySchema();
    const queries = Object.keys(schema.getQueryType()?.getFields() ?? {});
    const mutations = Object.keys(schema.getMutationType()?.getFields() ?? {});
    expect(queries).toEqual(expect.arrayContaining(['me', 'accessKeys', 'accessKeyConfigurations', 'providerKeys', 'providers', 'apiKeys']));
    expect(mutations).toEqual(
      expect.arrayContaining([
        'signUp',
        'logIn',
        'createApiKey',
        'revokeApiKey',
        'createAccessKey',
        'updateAccessKey',
        'revokeAccessKey',
        'createAccessKeyConfiguration',
        'updateAccessKeyConfiguration',
        'deleteAccessKeyConfiguration',
        'createProviderKey',
        'rotateProviderKey',
        'deleteProviderKey',
        'createCustomProvider',
        'updateCustomProvider',
        'deleteCustomProvider',
        'updateAccountSettings',
      ]),
    );
  });
});
