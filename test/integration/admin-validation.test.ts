/**
 * The admin API's validation and consistency fixes from the outside review (review-admin.md,
 * findings 3, 4, 6, 7, 8, 9, 10 and 15), over GraphQL and HTTP against a started gateway.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayFixture, type GatewayFixture } from '../support/gateway-fixture.js';
import { gql, gqlErr, gqlOk } from '../support/graphql.js';

const CREATE_KEY = `mutation($input: CreateAccessKeyInput!) { createAccessKey(input: $input) { accessKey { id limits { budgetUsd budgetPeriod expiresAt } } } }`;
const UPDATE_KEY = `mutation($id: ID!, $input: UpdateAccessKeyInput!) { updateAccessKey(id: $id, input: $input) { id limits { budgetUsd budgetPeriod expiresAt } } }`;
const CREATE_CONFIGURATION = `mutation($input: AccessKeyConfigurationInput!) { createAccessKeyConfiguration(input: $input) { id name } }`;
const UPDATE_CONFIGURATION = `mutation($id: ID!, $input: AccessKeyConfigurationInput!) { updateAccessKeyConfiguration(id: $id, input: $input) { id name } }`;
const CREATE_POLICY = `mutation($input: FirewallPolicyInput!) { createFirewallPolicy(input: $input) { id name } }`;
const UPDATE_POLICY = `mutation($id: ID!, $input: FirewallPolicyInput!) { updateFirewallPolicy(id: $id, input: $input) { id name } }`;
const CREATE_PROVIDER_KEY = `mutation($input: CreateProviderKeyInput!) { createProviderKey(input: $input) { id name keyRedacted } }`;
const UPDATE_PROVIDER_KEY = `mutation($id: ID!, $input: UpdateProviderKeyInput!) { updateProviderKey(id: $id, input: $input) { id name } }`;

interface KeyLimits {
  budgetUsd: string | null;
  budgetPeriod: string | null;
  expiresAt: string | null;
}

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

  it('#3: an expiresAt in the past is refused on create and update; an expired key keeps its unchanged expiry when edited', async () => {
    const past = new Date(clock - 60_000).toISOString();
    const created = await fails(CREATE_KEY, { input: { name: 'expired', limits: { expiresAt: past } } });
    expect(created).toMatchObject({ code: 'BAD_USER_INPUT', message: 'expiresAt: must be in the future; revoke the key to stop it now' });

    const expiresAt = new Date(Math.floor(clock / 60_000) * 60_000 + 3_600_000 + 17_000); // seconds the edit form does not show
    const key = (await as<{ createAccessKey: { accessKey: { id: string } } }>(CREATE_KEY, { input: { name: 'soon', limits: { expiresAt } } })).createAccessKey.accessKey;
    expect((await fails(UPDATE_KEY, { id: key.id, input: { limits: { expiresAt: past } } })).message).toBe(
      'expiresAt: must be in the future; revoke the key to stop it now',
    );

    clock += 2 * 3_600_000; // the key has expired
    // The edit form resends every field, the expiry to the minute.
    const formExpiry = new Date(Math.floor(expiresAt.getTime() / 60_000) * 60_000).toISOString();
    const edited = (await as<{ updateAccessKey: { limits: KeyLimits } }>(UPDATE_KEY, { id: key.id, input: { limits: { budgetUsd: '5', budgetPeriod: 'DAY', expiresAt: formExpiry } } }))
      .updateAccessKey;
    expect(edited.limits).toEqual({ budgetUsd: '5.00', budgetPeriod: 'DAY', expiresAt: expiresAt.toISOString() });
    const moved = await fails(UPDATE_KEY, { id: key.id, input: { limits: { expiresAt: new Date(clock - 60_000).toISOString() } } });
    expect(moved.code).toBe('BAD_USER_INPUT');
  });

  it('#4: configuration, firewall policy and per-provider key names are unique per account ignoring case (CONFLICT), also under concurrent creates', async () => {
    const first = (await as<{ createAccessKeyConfiguration: { id: string } }>(CREATE_CONFIGURATION, { input: { name: 'conf1' } })).createAccessKeyConfiguration;
    expect(await fails(CREATE_CONFIGURATION, { input: { name: 'CONF1' } })).toMatchObject({
      code: 'CONFLICT',
      message: 'A configuration named "CONF1" already exists (names are compared ignoring case).',
    });
    const second = (await as<{ createAccessKeyConfiguration: { id: string } }>(CREATE_CONFIGURATION, { input: { name: 'conf2' } })).createAccessKeyConfiguration;
    expect((await fails(UPDATE_CONFIGURATION, { id: second.id, input: { name: 'Conf1' } })).code).toBe('CONFLICT');
    expect((await as<{ updateAccessKeyConfiguration: { name: string } }>(UPDATE_CONFIGURATION, { id: first.id, input: { name: 'Conf1' } })).updateAccessKeyConfiguration.name).toBe('Conf1');

    const fw = (await as<{ createFirewallPolicy: { id: string } }>(CREATE_POLICY, { input: policy('fw1') })).createFirewallPolicy;
    expect(await fails(CREATE_POLICY, { input: policy('FW1') })).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('A firewall policy named "FW1" already exists') });
    const fw2 = (await as<{ createFirewallPolicy: { id: string } }>(CREATE_POLICY, { input: policy('fw2') })).createFirewallPolicy;
    expect((await fails(UPDATE_POLICY, { id: fw2.id, input: policy('fw1') })).code).toBe('CONFLICT');
    expect((await as<{ updateFirewallPolicy: { id: string } }>(UPDATE_POLICY, { id: fw.id, input: policy('fw1') })).updateFirewallPolicy.id).toBe(fw.id);

    const pk = { provider: 'openai', name: 'prod openai', key: 'sk-first-0123456789abcdef' };
    await as(CREATE_PROVIDER_KEY, { input: pk });
    expect(await fails(CREATE_PROVIDER_KEY, { input: { ...pk, name: 'Prod OpenAI', key: 'sk-second-0123456789abcdef' } })).toMatchObject({
      code: 'CONFLICT',
      message: 'A "openai" provider key named "Prod OpenAI" already exists (names are compared ignoring case).',
    });
    await as(CREATE_PROVIDER_KEY, { input: { ...pk, provider: 'anthropic' } }); // another provider's key may share the name
    const other = (await as<{ createProviderKey: { id: string } }>(CREATE_PROVIDER_KEY, { input: { ...pk, name: 'backup' } })).createProviderKey;
    expect((await fails(UPDATE_PROVIDER_KEY, { id: other.id, input: { name: 'PROD openai' } })).code).toBe('CONFLICT');

    // The unique index decides: of simultaneous creates with one name, exactly one succeeds.
    const racing = await Promise.all(Array.from({ length: 6 }, () => gql(f.baseUrl, CREATE_CONFIGURATION, { input: { name: 'raced' } }, f.account.token)));
    expect(racing.filter((r) => !r.errors).length).toBe(1);
    expect(racing.filter((r) => r.errors).map((r) => r.errors?.[0].extensions?.code)).toEqual(Array(5).fill('CONFLICT'));
    const racingPolicies = await Promise.all(Array.from({ length: 4 }, () => gql(f.baseUrl, CREATE_POLICY, { input: policy('raced') }, f.account.token)));
    expect(racingPolicies.filter((r) => !r.errors).length).toBe(1);
  });

  it('#6: amounts over the maximum say the maximum, not that the format is wrong', async () => {
    const purchase = await fails('mutation($a: String!) { purchaseCredits(amountUsd: $a) { id } }', { a: '99999999999' });
    expect(purchase).toMatchObject({ code: 'BAD_USER_INPUT', message: 'The maximum purchase is $10000.00.' });
    const budget = await fails(CREATE_KEY, { input: { name: 'rich', limits: { budgetUsd: '1000000000000' } } });
    expect(budget).toMatchObject({ code: 'BAD_USER_INPUT', message: 'budgetUsd: must be at most 1000000000.00 US dollars' });
    expect((await fails(CREATE_KEY, { input: { name: 'odd', limits: { budgetUsd: '1.5.0' } } })).message).toMatch(/budgetUsd: must be a positive decimal amount/);
  });

  it('#7: budgetPeriod without a budget is refused; clearing the budget with a period (as the edit form does) still works', async () => {
    const key = (await as<{ createAccessKey: { accessKey: { id: string } } }>(CREATE_KEY, { input: { name: 'period' } })).createAccessKey.accessKey;
    const refused = await fails(UPDATE_KEY, { id: key.id, input: { limits: { budgetPeriod: 'WEEK' } } });
    expect(refused).toMatchObject({ code: 'BAD_USER_INPUT', message: 'budgetPeriod: needs budgetUsd (a period without a budget limits nothing)' });
    expect((await fails(CREATE_KEY, { input: { name: 'p2', limits: { budgetPeriod: 'DAY' } } })).code).toBe('BAD_USER_INPUT');

    const set = await as<{ updateAccessKey: { limits: KeyLimits } }>(UPDATE_KEY, { id: key.id, input: { limits: { budgetUsd: '10', budgetPeriod: 'WEEK' } } });
    expect(set.updateAccessKey.limits).toMatchObject({ budgetUsd: '10.00', budgetPeriod: 'WEEK' });
    // The key has a budget now, so a period alone changes it.
    expect((await as<{ updateAccessKey: { limits: KeyLimits } }>(UPDATE_KEY, { id: key.id, input: { limits: { budgetPeriod: 'DAY' } } })).updateAccessKey.limits.budgetPeriod).toBe('DAY');
    const cleared = await as<{ updateAccessKey: { limits: KeyLimits } }>(UPDATE_KEY, { id: key.id, input: { limits: { budgetUsd: null, budgetPeriod: 'MONTH' } } });
    expect(cleared.updateAccessKey.limits).toMatchObject({ budgetUsd: null, budgetPeriod: null });
  });

  it('#8: a short provider key is redacted to at most a quarter of its characters; normal keys as before', async () => {
    const redacted = async (name: string, key: string) =>
      (await as<{ createProviderKey: { keyRedacted: string } }>(CREATE_PROVIDER_KEY, { input: { provider: 'groq', name, key } })).createProviderKey.keyRedacted;
    expect(await redacted('short3', 'abc')).toBe('…');
    expect(await redacted('short8', 'sk-12345')).toBe('…45');
    expect(await redacted('short10', 'abcdefghij')).toBe('…ij');
    expect(await redacted('normal', 'sk-proj-abcdefghijklmnopqrstuvwxyz0123456789')).toBe('sk-proj…6789');
  });

  it('#9: a malformed JSON body to /graphql gets a GraphQL-shaped JSON error with status 400', async () => {
    const res = await fetch(`${f.baseUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{bad json' });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await res.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0]).toMatchObject({ message: expect.stringContaining('not valid JSON'), extensions: { code: 'BAD_REQUEST' } });
    // A well-formed request still works.
    expect((await as<{ me: { id: string } }>('{ me { id } }')).me.id).toBe(f.account.accountId);
  });

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

  it('#15: /api/usage/export refuses an errorsOnly that is not true or false', async () => {
    const from = new Date(clock - 86_400_000).toISOString();
    const download = (query: string) => fetch(`${f.baseUrl}/api/usage/export?from=${from}&${query}`, { headers: { authorization: `Bearer ${f.account.token}` } });
    const res = await download('errorsOnly=maybe');
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: { code: 'BAD_USER_INPUT', message: '`errorsOnly` must be true or false.' } });
    expect((await download('errorsOnly=true')).status).toBe(200);
    expect((await download('errorsOnly=false')).status).toBe(200);
  });
});
