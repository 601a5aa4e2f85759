import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gqlErr, gqlOk, signUpAccount } from '../support/graphql.js';
import { startTestServer, type TestServer } from '../support/test-app.js';

const POLICY_FIELDS = 'id name mode onError rules { kind pattern piiTypes tools restoreInResponse }';
const CREATE = `mutation($input: FirewallPolicyInput!) { createFirewallPolicy(input: $input) { ${POLICY_FIELDS} } }`;
const UPDATE = `mutation($id: ID!, $input: FirewallPolicyInput!) { updateFirewallPolicy(id: $id, input: $input) { ${POLICY_FIELDS} } }`;
const DELETE = 'mutation($id: ID!) { deleteFirewallPolicy(id: $id) }';
const LIST = `query { firewallPolicies(first: 10) { nodes { ${POLICY_FIELDS} } pageInfo { hasNextPage } } }`;
const TEST = `query($input: FirewallPolicyInput!, $text: String!) {
  testFirewallPolicy(input: $input, text: $text) { blocked reason redactedText decisions { policyId rule action count } } }`;
const CREATE_CONFIG = `mutation($input: AccessKeyConfigurationInput!) {
  createAccessKeyConfiguration(input: $input) { id firewallPolicies { id name } } }`;
const UPDATE_CONFIG = `mutation($id: ID!, $input: AccessKeyConfigurationInput!) {
  updateAccessKeyConfiguration(id: $id, input: $input) { id firewallPolicies { id } } }`;

interface Policy {
  id: string;
  name: string;
  mode: string;
  onError: string;
  rules: { kind: string; pattern: string | null; piiTypes: string[] | null; tools: string[] | null; restoreInResponse: boolean | null }[];
}

const piiPolicy = {
  name: 'PII',
  mode: 'ENFORCE',
  onError: 'BLOCK',
  rules: [
    { kind: 'REDACT_PII', piiTypes: ['EMAIL', 'PHONE', 'EMAIL'], restoreInResponse: true },
    { kind: 'DENY_PATTERN', pattern: '(?i)project\\s+falcon', tools: ['ignored'] },
    { kind: 'DENY_TOOLS', tools: ['delete_repo'] },
  ],
};

describe('GraphQL firewall policies', () => {
  let server: TestServer;
  let url: string;
  let token: string;

  beforeAll(async () => {
    server = await startTestServer();
    url = server.url;
    ({ token } = await signUpAccount(url));
  });
  afterAll(() => server?.stop());

  it('creates a policy, keeping only the fields each rule kind uses', async () => {
    const { createFirewallPolicy: p } = await gqlOk<{ createFirewallPolicy: Policy }>(url, CREATE, { input: piiPolicy }, token);
    expect(p).toMatchObject({ name: 'PII', mode: 'ENFORCE', onError: 'BLOCK' });
    expect(p.rules).toEqual([
      { kind: 'REDACT_PII', pattern: null, piiTypes: ['EMAIL', 'PHONE'], tools: null, restoreInResponse: true },
      { kind: 'DENY_PATTERN', pattern: '(?i)project\\s+falcon', piiTypes: null, tools: null, restoreInResponse: null },
      { kind: 'DENY_TOOLS', pattern: null, piiTypes: null, tools: ['delete_repo'], restoreInResponse: null },
    ]);
    const listed = await gqlOk<{ firewallPolicies: { nodes: Policy[] } }>(url, LIST, {}, token);
    expect(listed.firewallPolicies.nodes.map((n) => n.id)).toContain(p.id);
  });

  it('refuses patterns RE2 cannot run in linear time, and rules missing their fields, with BAD_USER_INPUT', async () => {
    const bad = async (rules: unknown[]) => gqlErr(url, CREATE, { input: { ...piiPolicy, rules } }, token);
    const backref = await bad([{ kind: 'DENY_PATTERN', pattern: '(a)\\1' }]);
    expect(backref.code).toBe('BAD_USER_INPUT');
    expect(backref.message).toMatch(/rules\[0\]\.pattern: .*linear-time/);
    expect((await bad([{ kind: 'DENY_PATTERN', pattern: '(?=x)y' }])).code).toBe('BAD_USER_INPUT');
    expect((await bad([{ kind: 'DENY_PATTERN' }])).code).toBe('BAD_USER_INPUT');
    expect((await bad([{ kind: 'REDACT_PII', piiTypes: [] }])).message).toMatch(/at least one PII type/);
    expect((await bad([{ kind: 'DENY_TOOLS', tools: [] }])).message).toMatch(/at least one tool/);
    expect((await bad([])).message).toMatch(/at least one rule/);
  });

  it('attaches policies to configurations, refuses unknown or foreign ids, and refuses deleting an attached policy', async () => {
    const { createFirewallPolicy: p } = await gqlOk<{ createFirewallPolicy: Policy }>(url, CREATE, { input: { ...piiPolicy, name: 'attached' } }, token);
    const { createAccessKeyConfiguration: c } = await gqlOk<{ createAccessKeyConfiguration: { id: string; firewallPolicies: { id: string }[] } }>(
      url,
      CREATE_CONFIG,
      { input: { name: 'guarded', firewallPolicyIds: [p.id] } },
      token,
    );
    expect(c.firewallPolicies).toEqual([{ id: p.id, name: 'attached' }]);

    const other = await signUpAccount(url, 'Other');
    const foreign = await gqlErr(url, CREATE_CONFIG, { input: { name: 'steal', firewallPolicyIds: [p.id] } }, other.token);
    expect(foreign.code).toBe('BAD_USER_INPUT');
    expect(foreign.message).toMatch(/unknown firewall policy/);
    expect((await gqlErr(url, DELETE, { id: p.id }, other.token)).code).toBe('NOT_FOUND');

    const conflict = await gqlErr(url, DELETE, { id: p.id }, token);
    expect(conflict.code).toBe('CONFLICT');
    expect(conflict.message).toContain('"guarded"');
    await gqlOk(url, UPDATE_CONFIG, { id: c.id, input: { name: 'guarded', firewallPolicyIds: [] } }, token);
    expect(await gqlOk(url, DELETE, { id: p.id }, token)).toEqual({ deleteFirewallPolicy: true });
  });

  it('updates a policy in place and tells the data plane to reload', async () => {
    const { createFirewallPolicy: p } = await gqlOk<{ createFirewallPolicy: Policy }>(url, CREATE, { input: { ...piiPolicy, name: 'to update' } }, token);
    const events: string[] = [];
    const off = server.services.events.subscribe((e) => events.push(e.kind));
    const { updateFirewallPolicy: u } = await gqlOk<{ updateFirewallPolicy: Policy }>(
      url,
      UPDATE,
      { id: p.id, input: { name: 'renamed', mode: 'DRY_RUN', onError: 'CONTINUE', rules: [{ kind: 'ALLOW_TOOLS', tools: [] }] } },
      token,
    );
    off();
    expect(u).toMatchObject({ id: p.id, name: 'renamed', mode: 'DRY_RUN', onError: 'CONTINUE' });
    expect(u.rules).toEqual([{ kind: 'ALLOW_TOOLS', pattern: null, piiTypes: null, tools: [], restoreInResponse: null }]);
    expect(events).toContain('configuration');
  });

  it('tests an unsaved policy on sample text without storing it', async () => {
    const { testFirewallPolicy: r } = await gqlOk<{ testFirewallPolicy: { blocked: boolean; reason: string | null; redactedText: string; decisions: unknown[] } }>(
      url,
      TEST,
      { input: { ...piiPolicy, rules: [piiPolicy.rules[0]] }, text: 'Mail jane@example.com or call +1 415-555-0132 on 2024-05-17' },
      token,
    );
    expect(r).toEqual({
      blocked: false,
      reason: null,
      redactedText: 'Mail <EMAIL_1> or call <PHONE_1> on 2024-05-17',
      decisions: [{ policyId: 'test', rule: 'REDACT_PII', action: 'redacted', count: 2 }],
    });
    const blocked = await gqlOk<{ testFirewallPolicy: { blocked: boolean; reason: string } }>(url, TEST, { input: piiPolicy, text: 'about Project Falcon' }, token);
    expect(blocked.testFirewallPolicy.blocked).toBe(true);
    expect(blocked.testFirewallPolicy.reason).toMatch(/^DENY_PATTERN: /);
    expect(blocked.testFirewallPolicy.reason).not.toContain('Falcon');
  });
});
