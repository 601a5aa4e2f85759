import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccessKey, createConfiguration, createProviderKey, startGatewayFixture, type GatewayFixture } from '../support/gateway-fixture.js';
import { gqlOk, signUpAccount } from '../support/graphql.js';
import { fundAccount, postV1 } from '../support/v1-client.js';

/**
 * The API never lets an access key reference another account's configuration (the mutations check
 * ownership), but the database has only a plain foreign key. These tests plant such a reference
 * directly and pin the second line of defence: every read of a key's configuration is scoped to the
 * key's own account, so GraphQL shows no configuration and /v1 refuses the key (fail closed: it
 * never runs without the restrictions a configuration would set) (review 2026-11-27, mutants M06
 * and M08).
 */
describe('a cross-account configuration reference planted in the database', () => {
  let f: GatewayFixture;
  let bob: { token: string; accountId: string };
  let bobConfigId: string;
  let planted: { id: string; token: string };

  const chat = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] };

  beforeAll(async () => {
    f = await startGatewayFixture();
    await fundAccount(f.baseUrl, f.account.token);
    await createProviderKey(f, 'openai', 'sk-alice-openai');

    bob = await signUpAccount(f.baseUrl, 'Bob');
    bobConfigId = (
      await gqlOk<{ createAccessKeyConfiguration: { id: string } }>(
        f.baseUrl,
        'mutation($input: AccessKeyConfigurationInput!) { createAccessKeyConfiguration(input: $input) { id } }',
        { input: { name: 'bob private config', allowedProviders: null, allowedModels: ['openai:gpt-4o'], routing: [] } },
        bob.token,
      )
    ).createAccessKeyConfiguration.id;

    // Alice's key, never used before the plant (so no access context is cached for it yet).
    planted = await createAccessKey(f, null, 'alice app');
    await f.server.services.orm.em
      .getConnection()
      .execute('update access_key set configuration_id = ? where id = ? and account_id = ?', [bobConfigId, planted.id, f.account.accountId]);
  });
  afterAll(async () => f?.stop());

  it('GraphQL: the key\'s configuration resolves to null for its owner, never to the other account\'s configuration (mutant M06)', async () => {
    const data = await gqlOk<{ accessKeys: { nodes: { id: string; configurationId: string | null; configuration: { id: string; name: string } | null }[] } }>(
      f.baseUrl,
      '{ accessKeys(first: 100) { nodes { id configurationId configuration { id name allowedModels } } } }',
      {},
      f.account.token,
    );
    const key = data.accessKeys.nodes.find((k) => k.id === planted.id);
    expect(key?.configurationId).toBe(bobConfigId); // the plant took effect
    expect(key?.configuration).toBeNull();
    expect(JSON.stringify(data)).not.toContain('bob private config');
  });

  it('/v1: the key is refused, neither run under the other account\'s configuration nor unrestricted (mutant M08)', async () => {
    // Control: the same restriction in Alice's own configuration does refuse this model.
    const own = await createConfiguration(f, { allowedProviders: null, allowedModels: ['openai:gpt-4o'], routing: [] });
    const restricted = await createAccessKey(f, own, 'alice restricted');
    const refused = await postV1(f, '/v1/chat/completions', chat, { token: restricted.token });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('x-gateway-error-code')).toBe('model_not_allowed');

    const res = await postV1(f, '/v1/chat/completions', chat, { token: planted.token });
    expect(res.status).toBe(401);
    expect(res.headers.get('x-gateway-error-code')).toBe('invalid_api_key');
  });
});
