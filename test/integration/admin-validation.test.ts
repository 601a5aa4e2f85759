/**
 * The admin API's validation and consistency fixes from the outside review (review-admin.md,
 * findings 3, 4, 6, 7, 8, 9, 10 and 15), over GraphQL and HTTP against a started gateway.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayFixture, type GatewayFixture } from '../support/gateway-fixture.js';
import { gqlErr, gqlOk } from '../support/graphql.js';

const CREATE_POLICY = `mutation($input: FirewallPolicyInput!) { createFirewallPolicy(input: $input) { id name } }`;
const CREATE_PROVIDER_KEY = `mutation($input: CreateProviderKeyInput!) { createProviderKey(input: $input) { id name keyRedacted } }`;


describe('admin API validation (review-admin findings)', () => {
  let f: GatewayFixture;
  let clock = Date.now();
  const as = <T>(query: string, variables: Record<string, unknown> = {}) => gqlOk<T>(f.baseUrl, query, variables, f.account.token);
  const fails = (query: string, variables: Record<string, unknown> = {}) => gqlErr(f.baseUrl, query, variables, f.account.token);
  const policy = (name: string) => ({ name, mode: 'ENFORCE', onError: 'BLOCK', rules: [{ kind: 'REDACT_PII', piiTypes: ['EMAIL'] }] });

  beforeAll(async () => {
    f = await startGatewayFixture({}, { credits: { now: () => clock } });
  });
  afterAll(async () => f?.stop());

  it('#10: validation messages are "<field>: <plain reason>", one per field, with human paths', async () => {
    const settings = await fails('mutation($input: AccountSettingsInput!) { updateAccountSettings(input: $input) { id } }', { input: { totalTimeoutMs: -1 } });
    expect(settings).toMatchObject({ code: 'BAD_USER_INPUT', message: 'totalTimeoutMs: must be at least 1000' });
    const rule = await fails(CREATE_POLICY, { input: { ...policy('no pattern'), rules: [{ kind: 'REDACT_PII', piiTypes: ['EMAIL'] }, { kind: 'DENY_PATTERN' }] } });
    expect(rule.message).toBe('rules[1].pattern: is required for DENY_PATTERN');
    expect((await fails('mutation { createApiKey(input: { name: "   " }) { token } }')).message).toBe('name: must not be empty');
    expect((await fails('mutation($n: String!) { createApiKey(input: { name: $n }) { token } }', { n: 'x'.repeat(100_000) })).message).toBe(
      'name: must be at most 200 characters',
    );
    expect((await fails(CREATE_PROVIDER_KEY, { input: { provider: 'openai', name: 'empty', key: '' } })).message).toBe('key: must not be empty');
    const vm = await fails('mutation($input: VirtualModelInput!) { createVirtualModel(input: $input) { id } }', {
      input: { name: 'smart', targets: [{ model: 'gpt-4o-mini' }, { model: 'gpt-4o-mnii' }] },
    });
    expect(vm.message).toMatch(/^targets\[1\]\.model: "gpt-4o-mnii" is not a catalog model id/);
    for (const e of [settings, rule, vm]) expect(e.message).not.toMatch(/Too small|Invalid input|expected \w+|\.\d+[.:]/);
  });
});
