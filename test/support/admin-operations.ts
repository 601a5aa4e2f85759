import { gqlOk } from './graphql.js';
import { addMember, invite, logIn, uniqueEmail, type Organization, type RoleName } from './organization.js';

/**
 * Every operation of the admin GraphQL API: the minimum role the contract's role table gives it,
 * the audit action a successful mutation writes, and how to call it so that it succeeds for an
 * allowed caller (prerequisites are made by the OWNER). The role matrix and the audit
 * completeness tests enumerate the schema and fail for any operation missing here: when you add
 * an operation, add its line.
 */
export type Rule = 'PUBLIC' | RoleName;

export interface Invocation {
  query: string;
  variables?: Record<string, unknown>;
  /** Call with this token instead of the role's own session (operations that end sessions). */
  token?: string;
}

export interface OperationSpec {
  rule: Rule;
  /** The audit action of a successful call; null for a mutation that changes no state (e.g. a connection test). */
  audit?: string | null;
  invoke(org: Organization, role: RoleName): Promise<Invocation>;
}

let n = 0;
const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${n++}`;
const q = (query: string) => async (): Promise<Invocation> => ({ query });
const ownerToken = (org: Organization) => org.members.OWNER.token;

async function ownerDo<T>(org: Organization, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  return gqlOk<T>(org.url, query, variables, ownerToken(org));
}

const createConfiguration = async (org: Organization) =>
  (
    await ownerDo<{ createAccessKeyConfiguration: { id: string } }>(
      org,
      'mutation($input: AccessKeyConfigurationInput!) { createAccessKeyConfiguration(input: $input) { id } }',
      { input: { name: unique('config'), allowedProviders: ['openai'] } },
    )
  ).createAccessKeyConfiguration.id;

const createAccessKey = async (org: Organization) =>
  (
    await ownerDo<{ createAccessKey: { accessKey: { id: string } } }>(
      org,
      'mutation($input: CreateAccessKeyInput!) { createAccessKey(input: $input) { accessKey { id } } }',
      { input: { name: unique('key') } },
    )
  ).createAccessKey.accessKey.id;

const createProviderKey = async (org: Organization) =>
  (
    await ownerDo<{ createProviderKey: { id: string } }>(
      org,
      'mutation($input: CreateProviderKeyInput!) { createProviderKey(input: $input) { id } }',
      { input: { provider: 'openai', name: unique('pk'), key: 'sk-fixture-secret-value-1' } },
    )
  ).createProviderKey.id;

const customProviderInput = (providerId: string) => ({
  providerId,
  name: providerId,
  baseUrl: 'http://127.0.0.1:9/v1',
  apiFormat: 'OPENAI',
  models: ['m1'],
});

const createCustomProvider = async (org: Organization) => {
  const providerId = unique('cp');
  await ownerDo(org, 'mutation($input: CustomProviderInput!) { createCustomProvider(input: $input) { id } }', { input: customProviderInput(providerId) });
  return providerId;
};

/** The id of the session `token` belongs to. */
async function sessionIdOf(org: Organization, token: string): Promise<string> {
  const data = await gqlOk<{ sessions: { nodes: { id: string; current: boolean }[] } }>(org.url, '{ sessions(first: 100) { nodes { id current } } }', {}, token);
  const current = data.sessions.nodes.find((s) => s.current);
  if (!current) throw new Error('no current session');
  return current.id;
}

const firewallPolicyInput = () => ({ name: unique('fw'), mode: 'ENFORCE', onError: 'BLOCK', rules: [{ kind: 'REDACT_PII', piiTypes: ['EMAIL'] }] });

const createFirewallPolicy = async (org: Organization) =>
  (
    await ownerDo<{ createFirewallPolicy: { id: string } }>(org, 'mutation($input: FirewallPolicyInput!) { createFirewallPolicy(input: $input) { id } }', {
      input: firewallPolicyInput(),
    })
  ).createFirewallPolicy.id;

const createVirtualModel = async (org: Organization) =>
  (
    await ownerDo<{ createVirtualModel: { id: string } }>(org, 'mutation($input: VirtualModelInput!) { createVirtualModel(input: $input) { id } }', {
      input: { name: unique('vm'), targets: [{ model: 'gpt-4o-mini' }] },
    })
  ).createVirtualModel.id;

export const ADMIN_OPERATIONS: Record<string, OperationSpec> = {
  // ---- queries
  me: { rule: 'VIEWER', invoke: q('{ me { id email creditBalanceUsd } }') },
  viewer: { rule: 'VIEWER', invoke: q('{ viewer { id role } }') },
  accessKeys: { rule: 'VIEWER', invoke: q('{ accessKeys { nodes { id configuration { id } } } }') },
  accessKeyConfigurations: { rule: 'VIEWER', invoke: q('{ accessKeyConfigurations { nodes { id routing { provider } } } }') },
  providerKeys: { rule: 'VIEWER', invoke: q('{ providerKeys { nodes { id keyRedacted } } }') },
  providers: { rule: 'VIEWER', invoke: q('{ providers { id models { id } } }') },
  creditTransactions: { rule: 'VIEWER', invoke: q('{ creditTransactions { nodes { id } } }') },
  creditPurchases: { rule: 'VIEWER', invoke: q('{ creditPurchases { nodes { id } } }') },
  usageEvents: { rule: 'VIEWER', invoke: q('{ usageEvents { nodes { id } } }') },
  usageRequest: { rule: 'VIEWER', invoke: q('{ usageRequest(requestId: "req_unknown") { id } }') },
  usageEventStorage: { rule: 'VIEWER', invoke: q('{ usageEventStorage }') },
  firewallPolicies: { rule: 'VIEWER', invoke: q('{ firewallPolicies { nodes { id name } } }') },
  testFirewallPolicy: {
    rule: 'VIEWER',
    invoke: async () => ({
      query: 'query($input: FirewallPolicyInput!) { testFirewallPolicy(input: $input, text: "mail me at a@example.com") { blocked redactedText } }',
      variables: { input: firewallPolicyInput() },
    }),
  },
  usageSummary: { rule: 'VIEWER', invoke: q('{ usageSummary(from: "2026-01-01T00:00:00Z", groupBy: DAY) { key } }') },
  sessions: { rule: 'VIEWER', invoke: q('{ sessions { nodes { id current } } }') },
  apiKeys: { rule: 'DEVELOPER', invoke: q('{ apiKeys { nodes { id role } } }') },
  members: { rule: 'DEVELOPER', invoke: q('{ members { nodes { id role } } }') },
  invitations: { rule: 'DEVELOPER', invoke: q('{ invitations { nodes { id role } } }') },
  auditEvents: { rule: 'ADMIN', invoke: q('{ auditEvents { nodes { id action } } }') },
  virtualModels: { rule: 'VIEWER', invoke: q('{ virtualModels { nodes { id targets { model } } } }') },
  gatewayPricing: { rule: 'PUBLIC', invoke: q('{ gatewayPricing { processingFeeUsdPerMTok minimumPurchaseUsd paymentMode } }') },
  invitationPreview: {
    rule: 'PUBLIC',
    invoke: async (org) => ({
      query: 'query($token: String!) { invitationPreview(token: $token) { organization role state } }',
      variables: { token: (await invite(org.url, ownerToken(org), 'VIEWER')).token },
    }),
  },

  // ---- sign-in, sessions
  signUp: {
    rule: 'PUBLIC',
    audit: 'organization.create',
    invoke: async () => ({
      query: 'mutation($input: SignUpInput!) { signUp(input: $input) { token } }',
      variables: { input: { email: uniqueEmail('signup'), password: 'correct horse battery' } },
    }),
  },
  logIn: {
    rule: 'PUBLIC',
    audit: 'session.logIn',
    invoke: async (org) => ({
      query: 'mutation($input: LogInInput!) { logIn(input: $input) { token } }',
      variables: { input: { email: org.members.VIEWER.email, password: 'correct horse battery' } },
    }),
  },
  acceptInvitation: {
    rule: 'PUBLIC',
    audit: 'invitation.accept',
    invoke: async (org) => ({
      query: 'mutation($token: String!, $input: AcceptInvitationInput!) { acceptInvitation(token: $token, input: $input) { token } }',
      variables: { token: (await invite(org.url, ownerToken(org), 'VIEWER')).token, input: { password: 'correct horse battery' } },
    }),
  },
  logOut: {
    rule: 'VIEWER',
    audit: 'session.logOut',
    invoke: async (org, role) => ({ query: 'mutation { logOut }', token: await logIn(org.url, org.members[role].email) }),
  },
  revokeSession: {
    rule: 'VIEWER',
    audit: 'session.revoke',
    invoke: async (org, role) => ({
      query: 'mutation($id: ID!) { revokeSession(id: $id) }',
      variables: { id: await sessionIdOf(org, await logIn(org.url, org.members[role].email)) },
    }),
  },
  changePassword: {
    rule: 'VIEWER',
    audit: 'member.changePassword',
    // Ends the member's other sessions: use a throwaway member of that role.
    invoke: async (org, role) => ({
      query: 'mutation($input: ChangePasswordInput!) { changePassword(input: $input) }',
      variables: { input: { currentPassword: 'correct horse battery', newPassword: 'a quite different passphrase' } },
      token: (await addMember(org.url, ownerToken(org), role)).token,
    }),
  },
  logOutEverywhere: {
    rule: 'VIEWER',
    audit: 'session.revokeAll',
    // Ends every session of the member: use a throwaway member of that role.
    invoke: async (org, role) => ({ query: 'mutation { logOutEverywhere }', token: (await addMember(org.url, ownerToken(org), role)).token }),
  },

  // ---- organization
  updateAccountSettings: {
    rule: 'ADMIN',
    audit: 'settings.update',
    invoke: q('mutation { updateAccountSettings(input: { totalTimeoutMs: 90000 }) { id } }'),
  },
  alertSettings: { rule: 'DEVELOPER', invoke: q('{ alertSettings { enabled webhookUrl webhookSecretSet lowBalanceThresholdUsd } }') },
  alertDeliveries: { rule: 'DEVELOPER', invoke: q('{ alertDeliveries(first: 5) { nodes { id status } } }') },
  updateAlertSettings: {
    rule: 'ADMIN',
    audit: 'alertWebhook.update',
    invoke: q('mutation { updateAlertSettings(input: { webhookUrl: "https://hooks.example.com/gateway", lowBalanceThresholdUsd: "10.00" }) { webhookUrl } }'),
  },
  rotateAlertWebhookSecret: {
    rule: 'ADMIN',
    audit: 'alertWebhook.rotateSecret',
    invoke: q('mutation { rotateAlertWebhookSecret { secret settings { webhookSecretSet } } }'),
  },
  sendTestWebhook: {
    rule: 'ADMIN',
    audit: 'alertWebhook.test',
    invoke: async (org) => {
      // Prerequisites: a URL (nothing listens there; the delivery just fails) and a secret.
      await ownerDo(org, 'mutation { updateAlertSettings(input: { webhookUrl: "http://127.0.0.1:9/hook", webhookSecret: "whsec_fixture_secret_123" }) { enabled } }');
      return { query: 'mutation { sendTestWebhook { id status } }' };
    },
  },
  purchaseCredits: { rule: 'ADMIN', audit: 'credits.purchase', invoke: q('mutation { purchaseCredits(amountUsd: "5.00") { id status } }') },
  createApiKey: { rule: 'ADMIN', audit: 'apiKey.create', invoke: q('mutation { createApiKey(input: { name: "automation" }) { token apiKey { id role } } }') },
  revokeApiKey: {
    rule: 'ADMIN',
    audit: 'apiKey.revoke',
    // An ADMIN's key: an OWNER's key only an OWNER may revoke (graphql-api-keys.test.ts).
    invoke: async (org) => ({
      query: 'mutation($id: ID!) { revokeApiKey(id: $id) }',
      variables: {
        id: (
          await gqlOk<{ createApiKey: { apiKey: { id: string } } }>(
            org.url,
            'mutation { createApiKey(input: { name: "k" }) { apiKey { id } } }',
            {},
            org.members.ADMIN.token,
          )
        ).createApiKey.apiKey.id,
      },
    }),
  },

  // ---- members
  inviteMember: {
    rule: 'ADMIN',
    audit: 'member.invite',
    invoke: async () => ({
      query: 'mutation($input: InviteMemberInput!) { inviteMember(input: $input) { token invitation { id } } }',
      variables: { input: { email: uniqueEmail('inv'), role: 'DEVELOPER' } },
    }),
  },
  revokeInvitation: {
    rule: 'ADMIN',
    audit: 'invitation.revoke',
    invoke: async (org) => ({ query: 'mutation($id: ID!) { revokeInvitation(id: $id) }', variables: { id: (await invite(org.url, ownerToken(org), 'VIEWER')).id } }),
  },
  updateMemberRole: {
    rule: 'ADMIN',
    audit: 'member.updateRole',
    invoke: async (org) => ({
      query: 'mutation($id: ID!) { updateMemberRole(id: $id, role: DEVELOPER) { id role } }',
      variables: { id: (await addMember(org.url, ownerToken(org), 'VIEWER')).memberId },
    }),
  },
  removeMember: {
    rule: 'ADMIN',
    audit: 'member.remove',
    invoke: async (org) => ({
      query: 'mutation($id: ID!) { removeMember(id: $id) }',
      variables: { id: (await addMember(org.url, ownerToken(org), 'VIEWER')).memberId },
    }),
  },

  // ---- access keys (DEVELOPER may manage them, attaching existing configurations)
  createAccessKey: {
    rule: 'DEVELOPER',
    audit: 'accessKey.create',
    invoke: async (org) => ({
      query: 'mutation($input: CreateAccessKeyInput!) { createAccessKey(input: $input) { token accessKey { id } } }',
      variables: { input: { name: unique('key'), configurationId: await createConfiguration(org) } },
    }),
  },
  updateAccessKey: {
    rule: 'DEVELOPER',
    audit: 'accessKey.update',
    invoke: async (org) => ({
      query: 'mutation($id: ID!, $input: UpdateAccessKeyInput!) { updateAccessKey(id: $id, input: $input) { id } }',
      variables: { id: await createAccessKey(org), input: { name: unique('renamed'), configurationId: await createConfiguration(org) } },
    }),
  },
  revokeAccessKey: {
    rule: 'DEVELOPER',
    audit: 'accessKey.revoke',
    invoke: async (org) => ({ query: 'mutation($id: ID!) { revokeAccessKey(id: $id) }', variables: { id: await createAccessKey(org) } }),
  },

  // ---- configurations, provider keys, custom providers
  createAccessKeyConfiguration: {
    rule: 'ADMIN',
    audit: 'configuration.create',
    invoke: async () => ({
      query: 'mutation($input: AccessKeyConfigurationInput!) { createAccessKeyConfiguration(input: $input) { id } }',
      variables: { input: { name: unique('config') } },
    }),
  },
  updateAccessKeyConfiguration: {
    rule: 'ADMIN',
    audit: 'configuration.update',
    invoke: async (org) => ({
      query: 'mutation($id: ID!, $input: AccessKeyConfigurationInput!) { updateAccessKeyConfiguration(id: $id, input: $input) { id } }',
      variables: { id: await createConfiguration(org), input: { name: unique('config'), allowedProviders: ['anthropic'] } },
    }),
  },
  deleteAccessKeyConfiguration: {
    rule: 'ADMIN',
    audit: 'configuration.delete',
    invoke: async (org) => ({ query: 'mutation($id: ID!) { deleteAccessKeyConfiguration(id: $id) }', variables: { id: await createConfiguration(org) } }),
  },
  createProviderKey: {
    rule: 'ADMIN',
    audit: 'providerKey.create',
    invoke: async () => ({
      query: 'mutation($input: CreateProviderKeyInput!) { createProviderKey(input: $input) { id } }',
      variables: { input: { provider: 'anthropic', name: unique('pk'), key: 'sk-ant-fixture-secret-2' } },
    }),
  },
  rotateProviderKey: {
    rule: 'ADMIN',
    audit: 'providerKey.rotate',
    invoke: async (org) => ({
      query: 'mutation($id: ID!, $key: String!) { rotateProviderKey(id: $id, key: $key) { id } }',
      variables: { id: await createProviderKey(org), key: 'sk-rotated-fixture-secret-3' },
    }),
  },
  updateProviderKey: {
    rule: 'ADMIN',
    audit: 'providerKey.update',
    invoke: async (org) => ({
      query: 'mutation($id: ID!, $input: UpdateProviderKeyInput!) { updateProviderKey(id: $id, input: $input) { id } }',
      variables: { id: await createProviderKey(org), input: { priority: 3 } },
    }),
  },
  deleteProviderKey: {
    rule: 'ADMIN',
    audit: 'providerKey.delete',
    invoke: async (org) => ({ query: 'mutation($id: ID!) { deleteProviderKey(id: $id) }', variables: { id: await createProviderKey(org) } }),
  },
  createCustomProvider: {
    rule: 'ADMIN',
    audit: 'customProvider.create',
    invoke: async () => ({
      query: 'mutation($input: CustomProviderInput!) { createCustomProvider(input: $input) { id } }',
      variables: { input: customProviderInput(unique('cp')) },
    }),
  },
  updateCustomProvider: {
    rule: 'ADMIN',
    audit: 'customProvider.update',
    invoke: async (org) => {
      const id = await createCustomProvider(org);
      return {
        query: 'mutation($id: ID!, $input: CustomProviderInput!) { updateCustomProvider(id: $id, input: $input) { id } }',
        variables: { id, input: { ...customProviderInput(id), models: ['m1', 'm2'] } },
      };
    },
  },
  deleteCustomProvider: {
    rule: 'ADMIN',
    audit: 'customProvider.delete',
    invoke: async (org) => ({ query: 'mutation($id: ID!) { deleteCustomProvider(id: $id) }', variables: { id: await createCustomProvider(org) } }),
  },

  // ---- virtual models
  createVirtualModel: {
    rule: 'ADMIN',
    audit: 'virtualModel.create',
    invoke: async () => ({
      query: 'mutation($input: VirtualModelInput!) { createVirtualModel(input: $input) { id } }',
      variables: { input: { name: unique('vm'), targets: [{ model: 'gpt-4o-mini' }, { model: 'claude-sonnet-4-5' }] } },
    }),
  },
  updateVirtualModel: {
    rule: 'ADMIN',
    audit: 'virtualModel.update',
    invoke: async (org) => ({
      query: 'mutation($id: ID!, $input: VirtualModelInput!) { updateVirtualModel(id: $id, input: $input) { id } }',
      variables: { id: await createVirtualModel(org), input: { name: unique('vm'), strategy: 'WEIGHTED', targets: [{ model: 'gpt-4o-mini', weight: 3 }] } },
    }),
  },
  deleteVirtualModel: {
    rule: 'ADMIN',
    audit: 'virtualModel.delete',
    invoke: async (org) => ({ query: 'mutation($id: ID!) { deleteVirtualModel(id: $id) }', variables: { id: await createVirtualModel(org) } }),
  },

  // ---- firewall policies
  createFirewallPolicy: {
    rule: 'ADMIN',
    audit: 'firewallPolicy.create',
    invoke: async () => ({ query: 'mutation($input: FirewallPolicyInput!) { createFirewallPolicy(input: $input) { id } }', variables: { input: firewallPolicyInput() } }),
  },
  updateFirewallPolicy: {
    rule: 'ADMIN',
    audit: 'firewallPolicy.update',
    invoke: async (org) => ({
      query: 'mutation($id: ID!, $input: FirewallPolicyInput!) { updateFirewallPolicy(id: $id, input: $input) { id } }',
      variables: { id: await createFirewallPolicy(org), input: { ...firewallPolicyInput(), mode: 'DRY_RUN' } },
    }),
  },
  deleteFirewallPolicy: {
    rule: 'ADMIN',
    audit: 'firewallPolicy.delete',
    invoke: async (org) => ({ query: 'mutation($id: ID!) { deleteFirewallPolicy(id: $id) }', variables: { id: await createFirewallPolicy(org) } }),
  },

  // ---- connection tests: outbound calls, no state change (the test servers point providers at a closed local port)
  testProviderKey: {
    rule: 'ADMIN',
    audit: null,
    invoke: async (org) => ({ query: 'mutation($id: ID!) { testProviderKey(id: $id) { ok message } }', variables: { id: await createProviderKey(org) } }),
  },
  testCustomProvider: {
    rule: 'ADMIN',
    audit: null,
    invoke: async (org) => ({ query: 'mutation($id: String!) { testCustomProvider(providerId: $id) { ok message } }', variables: { id: await createCustomProvider(org) } }),
  },
};

/** Environment for servers the operations above run against: no call leaves the machine. */
export const OPERATIONS_ENV = { AUTH_RATE_LIMIT_PER_MINUTE: '100000', INVITATIONS_PER_HOUR: '100000', PROVIDER_BASE_URL_OPENAI: 'http://127.0.0.1:9/v1' };
