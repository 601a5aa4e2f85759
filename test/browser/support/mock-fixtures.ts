import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, graphqlSync } from 'graphql';
import { REPO_ROOT } from './browser.js';
import { gqlError, type MockRequest, type MockResolver } from './mock-graphql.js';

/** Canned admin-API data for the SPA smoke tests, with a little state so mutations show up in lists. */
/** An access key without limits, as the API returns it. */
const NO_KEY_LIMITS = { __typename: 'AccessKeyLimits', budgetUsd: null, budgetPeriod: null, requestsPerMinute: null, tokensPerMinute: null, expiresAt: null } as const;

export const SESSION_TOKEN = 'session-token-123';
export const NEW_ACCESS_KEY_TOKEN = 'ng-test-4f9c2b7e1a0d4c8b9e6f3a2d1c0b9a8f';

const day = 86_400_000;
const iso = (offsetDays: number) => new Date(Date.now() - offsetDays * day).toISOString();

const page = (hasNextPage = false, endCursor: string | null = null) => ({ __typename: 'PageInfo', hasNextPage, endCursor });

let schemaCache: ReturnType<typeof buildSchema> | undefined;
function loadSchema() {
  schemaCache ??= buildSchema(readFileSync(join(REPO_ROOT, 'schema.graphql'), 'utf8'));
  return schemaCache;
}

export function createFixtures() {
  const account = {
    __typename: 'Account',
    id: 'acc_1',
    email: 'ada@example.com',
    name: 'Ada Lovelace',
    creditBalanceUsd: '42.180000000',
    nextCreditExpiry: { __typename: 'CreditExpiry', amountUsd: '12.400000000', expiresAt: new Date(Math.floor(Date.now() / day) * day + 20.5 * day).toISOString() } as { __typename: 'CreditExpiry'; amountUsd: string; expiresAt: string } | null,
    creditExpiringUsd: '20.000000000',
    settings: { __typename: 'AccountSettings', totalTimeoutMs: 120000, perAttemptTimeoutMs: 30000, maxInputTokens: null, maxOutputTokens: 4096 },
  };
  interface ConfigurationFixture {
    __typename: 'AccessKeyConfiguration';
    id: string;
    name: string;
    allowedProviders: string[] | null;
    allowedModels: string[] | null;
    routing: unknown[];
    cache: { __typename: 'ResponseCache'; enabled: boolean; ttlSeconds: number };
    firewallPolicies: { __typename: 'FirewallPolicy'; id: string; name: string }[];
  }
  const configurations: ConfigurationFixture[] = [
    {
      __typename: 'AccessKeyConfiguration',
      id: 'cfg_1',
      name: 'production',
      allowedProviders: ['openai', 'anthropic'],
      allowedModels: null,
      routing: [
        {
          __typename: 'ProviderRouting',
          provider: 'openai',
          useGatewayCredentials: true,
          strategy: 'ORDERED',
          weights: [1],
          providerKeyIds: ['pk_1'],
          providerKeys: [{ __typename: 'ProviderKey', id: 'pk_1', name: 'openai-main', provider: 'openai', keyRedacted: 'sk-…9f2a' }],
        },
      ],
      cache: { __typename: 'ResponseCache', enabled: false, ttlSeconds: 300 },
      firewallPolicies: [],
    },
  ];
  const providerKeys = [
    { __typename: 'ProviderKey', id: 'pk_1', provider: 'openai', name: 'openai-main', keyRedacted: 'sk-…9f2a', priority: 0, createdAt: iso(20), lastUsedAt: iso(0.1) },
    { __typename: 'ProviderKey', id: 'pk_2', provider: 'openai', name: 'openai-backup', keyRedacted: 'sk-…11bc', priority: 10, createdAt: iso(12), lastUsedAt: null },
    { __typename: 'ProviderKey', id: 'pk_3', provider: 'anthropic', name: 'claude-team', keyRedacted: 'sk-ant-…7d1e', priority: 0, createdAt: iso(8), lastUsedAt: iso(1) },
  ];
  interface AccessKeyFixture {
    __typename: 'AccessKey';
    id: string;
    name: string;
    description: string | null;
    keyRedacted: string;
    createdAt: string;
    lastUsedAt: string | null;
    configuration: { __typename: 'AccessKeyConfiguration'; id: string; name: string } | null;
    spentUsd: string;
    periodResetsAt: string | null;
    limits: typeof NO_KEY_LIMITS;
  }
  const spend = { spentUsd: '0.00', periodResetsAt: null, limits: NO_KEY_LIMITS };
  const accessKeys: AccessKeyFixture[] = [
    {
      __typename: 'AccessKey',
      id: 'ak_1',
      name: 'backend-prod',
      description: 'Main API server',
      keyRedacted: 'ng-…a41f',
      createdAt: iso(30),
      lastUsedAt: iso(0.02),
      configuration: { __typename: 'AccessKeyConfiguration', id: 'cfg_1', name: 'production' },
      ...spend,
    },
    { __typename: 'AccessKey', id: 'ak_2', name: 'notebook', description: null, keyRedacted: 'ng-…0c3d', createdAt: iso(3), lastUsedAt: null, configuration: null, ...spend },
  ];
  const model = (provider: string, id: string, displayName: string, ctx: number, out: number, inP: string, outP: string) => ({
    __typename: 'Model',
    id,
    provider,
    displayName,
    contextWindow: ctx,
    maxOutputTokens: out,
    inputPriceUsdPerMTok: inP,
    outputPriceUsdPerMTok: outP,
    cachedInputPriceUsdPerMTok: null,
    kind: 'CHAT',
  });
  const providers = [
    {
      __typename: 'Provider',
      id: 'openai',
      name: 'OpenAI',
      builtIn: true,
      apiFormat: 'OPENAI',
      baseUrl: 'https://api.openai.com/v1',
      needsProviderKey: false,
      gatewayCredentials: true,
      models: [model('openai', 'gpt-4o-mini', 'GPT-4o mini', 128000, 16384, '0.15', '0.60'), model('openai', 'gpt-4.1', 'GPT-4.1', 1047576, 32768, '2.00', '8.00')],
    },
    {
      __typename: 'Provider',
      id: 'anthropic',
      name: 'Anthropic',
      builtIn: true,
      apiFormat: 'ANTHROPIC',
      baseUrl: 'https://api.anthropic.com/v1',
      needsProviderKey: false,
      gatewayCredentials: true,
      models: [model('anthropic', 'claude-sonnet-4-5', 'Claude Sonnet 4.5', 200000, 64000, '3.00', '15.00')],
    },
    {
      __typename: 'Provider',
      id: 'groq',
      name: 'Groq',
      builtIn: true,
      apiFormat: 'OPENAI',
      baseUrl: 'https://api.groq.com/openai/v1',
      needsProviderKey: true,
      gatewayCredentials: false,
      models: [model('groq', 'llama-3.1-8b-instant', 'Llama 3.1 8B Instant', 131072, 8192, '0.05', '0.08')],
    },
    {
      __typename: 'Provider',
      id: 'my-vllm',
      name: 'My vLLM',
      builtIn: false,
      apiFormat: 'OPENAI',
      baseUrl: 'http://10.0.0.5:8000/v1',
      needsProviderKey: false,
      gatewayCredentials: false,
      models: [model('my-vllm', 'qwen2.5-coder-32b', 'qwen2.5-coder-32b', 32768, 8192, '0', '0')],
    },
  ];
  const bucket = (key: string, requests: number, errors: number, inputTokens: number, outputTokens: number, costUsd: string, label: string | null = null) => ({
    __typename: 'UsageBucket',
    key,
    label,
    requests,
    errors,
    inputTokens,
    outputTokens,
    costUsd,
    cacheHits: Math.floor(requests / 10),
  });
  const daily = Array.from({ length: 10 }, (_, i) => {
    const d = new Date(Date.now() - (9 - i) * day).toISOString().slice(0, 10);
    const requests = 40 + ((i * 37) % 60);
    return bucket(d, requests, i % 3 === 0 ? 3 : 1, requests * 900, requests * 310, `${(requests * 0.0021).toFixed(9)}`);
  });
  /**
   * What credits paid per UTC day (usageSummary DAY buckets, only days with spend), by days before today. The 7 full
   * days before today hold 8.40 (one of them nothing): at 1.20 a day the 42.18 balance lasts 35 days. Today's and
   * older spend must not move that average.
   */
  const creditSpendByDaysAgo: Record<number, string> = { 0: '0.75', 1: '1.00', 2: '1.50', 4: '2.00', 5: '1.30', 6: '1.10', 7: '1.50', 8: '5.00', 20: '3.25', 29: '0.40' };
  const creditSpend = Object.entries(creditSpendByDaysAgo).map(([ago, costUsd]) => ({
    __typename: 'UsageBucket',
    key: new Date(Date.now() - Number(ago) * day).toISOString().slice(0, 10),
    costUsd: `${costUsd}0000000`,
  }));
  const attempt = (provider: string, model: string, status: number | null, error: string | null, keySource = 'user') => ({
    __typename: 'UsageAttempt',
    provider,
    model,
    providerKeyId: keySource === 'user' ? 'pk_1' : null,
    keySource,
    status,
    error,
    latencyMs: 420,
  });
  /** The operator's settings the UI reads (USAGE_EVENTS, PAYMENTS). */
  const gateway: { usageEventStorage: 'ALL' | 'ERRORS' | 'OFF'; paymentMode: 'MANUAL' | 'STRIPE' } = { usageEventStorage: 'ALL', paymentMode: 'MANUAL' };
  const usageEvents = Array.from({ length: 30 }, (_, i) => ({
    __typename: 'UsageEvent',
    id: `ue_${i}`,
    requestId: `req_${String(1000 + i)}`,
    createdAt: iso(i * 0.05),
    accessKeyId: i % 3 === 0 ? 'ak_2' : 'ak_1',
    endpoint: i % 4 === 0 ? '/v1/messages' : '/v1/chat/completions',
    provider: i % 4 === 0 ? 'anthropic' : 'openai',
    model: i % 4 === 0 ? 'claude-sonnet-4-5' : 'gpt-4o-mini',
    status: i % 7 === 3 ? 502 : 200,
    streamed: i % 2 === 0,
    inputTokens: 800 + i * 13,
    outputTokens: 200 + i * 7,
    promptCacheReadTokens: i % 4 === 0 ? 600 : 0,
    promptCacheWriteTokens: i % 4 === 0 ? 1_200 : 0,
    webSearchCalls: i % 4 === 0 ? 3 : 0,
    tokensEstimated: i % 5 === 0,
    latencyMs: 380 + i * 11,
    keySource: i % 6 === 0 ? 'gateway' : 'user',
    providerKeyId: 'pk_1',
    feeUsd: '0.000050000',
    upstreamCostUsd: i % 6 === 0 ? '0.000420000' : '0',
    totalCostUsd: i % 6 === 0 ? '0.000470000' : '0.000050000',
    errorCode: i % 7 === 3 ? 'upstream_failed' : null,
    firewall: i % 5 === 1 ? [{ __typename: 'FirewallDecision', policyId: 'fw_1', rule: 'REDACT_PII', action: 'redacted', count: 2 }] : [],
    attempts:
      i % 7 === 3
        ? [attempt('openai', 'gpt-4o-mini', 429, 'rate_limit: Rate limit reached'), attempt('openai', 'gpt-4o-mini', 503, 'transient: upstream unavailable', 'gateway')]
        : [attempt('openai', 'gpt-4o-mini', 429, 'rate_limit: Rate limit reached'), attempt('anthropic', 'claude-sonnet-4-5', 200, null)],
  }));
  const firewallPolicies = [
    {
      __typename: 'FirewallPolicy',
      id: 'fw_1',
      name: 'Customer data',
      mode: 'ENFORCE',
      onError: 'BLOCK',
      rules: [
        { __typename: 'FirewallRule', kind: 'REDACT_PII', pattern: null, piiTypes: ['EMAIL', 'PHONE'], tools: null, restoreInResponse: true },
        { __typename: 'FirewallRule', kind: 'DENY_PATTERN', pattern: '(?i)internal only', piiTypes: null, tools: null, restoreInResponse: null },
      ],
    },
  ];
  const transactions = [
    { __typename: 'CreditTransaction', id: 'ct_1', kind: 'purchase', amountUsd: '50.000000000', createdAt: iso(40), expiresAt: new Date(Date.now() + 325 * day).toISOString() },
    { __typename: 'CreditTransaction', id: 'ct_2', kind: 'usage', amountUsd: '-7.820000000', createdAt: iso(1), expiresAt: null },
  ];
  const apiKeys = [{ __typename: 'ApiKey', id: 'api_1', name: 'terraform', keyRedacted: 'gw-…77aa', role: 'ADMIN', effectiveRole: 'ADMIN', createdAt: iso(60), lastUsedAt: iso(2) }];
  /** The signed-in member; tests may lower `viewer.role` to see the UI of another role. */
  const viewer = { __typename: 'Member', id: 'mem_1', email: 'ada@example.com', name: 'Ada Lovelace', role: 'OWNER' };
  const sessions = [
    { __typename: 'Session', id: 'ses_1', createdAt: iso(1), lastUsedAt: iso(0), ip: '127.0.0.1', userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0', current: true },
  ];

  const authed =
    (resolve: MockResolver): MockResolver =>
    (variables, request: MockRequest) =>
      request.authorization === `Bearer ${SESSION_TOKEN}` ? resolve(variables, request) : gqlError('UNAUTHENTICATED', 'Not signed in');

  const authPayload = () => ({ __typename: 'AuthPayload', token: SESSION_TOKEN, account });
  const paginate = <T>(items: T[], variables: Record<string, unknown>) => {
    const first = typeof variables.first === 'number' ? variables.first : 25;
    const start = typeof variables.after === 'string' ? Number(variables.after) : 0;
    const nodes = items.slice(start, start + first);
    const end = start + nodes.length;
    return { nodes, pageInfo: page(end < items.length, end < items.length ? String(end) : null) };
  };

  interface VirtualModelFixture {
    __typename: 'VirtualModel';
    id: string;
    name: string;
    description: string | null;
    strategy: 'ORDERED' | 'WEIGHTED';
    targets: { __typename: 'VirtualModelTarget'; model: string; weight: number }[];
  }
  const target = (model: string, weight = 1) => ({ __typename: 'VirtualModelTarget' as const, model, weight });
  const virtualModels: VirtualModelFixture[] = [
    { __typename: 'VirtualModel', id: 'vm_1', name: 'smart', description: 'Claude first, GPT as fallback', strategy: 'ORDERED', targets: [target('anthropic:claude-sonnet-4-5'), target('gpt-4o-mini')] },
  ];
  const virtualModelFrom = (id: string, input: { name: string; description?: string | null; strategy?: 'ORDERED' | 'WEIGHTED' | null; targets: { model: string; weight?: number | null }[] }): VirtualModelFixture => ({
    __typename: 'VirtualModel',
    id,
    name: input.name,
    description: input.description ?? null,
    strategy: input.strategy ?? 'ORDERED',
    targets: input.targets.map((t) => target(t.model, t.weight ?? 1)),
  });

  const resolvers: Record<string, MockResolver> = {
    LogIn: (v) => {
      const input = v.input as { email: string; password: string };
      return input.password === 'correct-horse' ? { data: { logIn: authPayload() } } : gqlError('UNAUTHENTICATED', 'Invalid email or password');
    },
    SignUp: () => ({ data: { signUp: authPayload() } }),
    // GraphiQL's schema fetch: introspection of the checked-in schema.graphql.
    IntrospectionQuery: authed((variables, request) => {
      const result = graphqlSync({ schema: loadSchema(), source: request.query, variableValues: variables });
      return { data: result.data };
    }),
    Overview: authed(() => ({ data: { me: account, accessKeys: { __typename: 'AccessKeyConnection', nodes: accessKeys } } })),
    LogOut: authed(() => ({ data: { logOut: true } })),
    LayoutMe: authed(() => ({ data: { me: account } })),
    AccessKeysPage: authed(() => ({
      data: { accessKeys: { __typename: 'AccessKeyConnection', nodes: accessKeys, pageInfo: page() }, accessKeyConfigurations: { __typename: 'AccessKeyConfigurationConnection', nodes: configurations } },
    })),
    CreateAccessKey: authed((v) => {
      const input = v.input as { name: string; description: string | null; configurationId: string | null };
      const key: AccessKeyFixture = {
        __typename: 'AccessKey',
        id: `ak_${accessKeys.length + 1}`,
        name: input.name,
        description: input.description,
        keyRedacted: `ng-…${NEW_ACCESS_KEY_TOKEN.slice(-4)}`,
        createdAt: new Date().toISOString(),
        lastUsedAt: null,
        configuration: null,
        ...spend,
      };
      accessKeys.push(key);
      return { data: { createAccessKey: { __typename: 'CreatedAccessKey', token: NEW_ACCESS_KEY_TOKEN, accessKey: key } } };
    }),
    ConfigurationsPage: authed(() => ({
      data: {
        accessKeyConfigurations: { __typename: 'AccessKeyConfigurationConnection', nodes: configurations },
        firewallPolicies: { __typename: 'FirewallPolicyConnection', nodes: firewallPolicies },
        providers,
        providerKeys: { __typename: 'ProviderKeyConnection', nodes: providerKeys },
      },
    })),
    CreateAccessKeyConfiguration: authed((v) => {
      const input = v.input as { name: string; allowedProviders: string[] | null; allowedModels: string[] | null; cache: { enabled: boolean; ttlSeconds: number } | null };
      const created: ConfigurationFixture = {
        __typename: 'AccessKeyConfiguration',
        id: `cfg_${configurations.length + 1}`,
        name: input.name,
        allowedProviders: input.allowedProviders,
        allowedModels: input.allowedModels,
        routing: [],
        cache: { __typename: 'ResponseCache', enabled: input.cache?.enabled ?? false, ttlSeconds: input.cache?.ttlSeconds ?? 300 },
        firewallPolicies: [],
      };
      configurations.push(created);
      return { data: { createAccessKeyConfiguration: created } };
    }),
    VirtualModelsPage: authed(() => ({ data: { virtualModels: { __typename: 'VirtualModelConnection', nodes: virtualModels, pageInfo: page() }, providers } })),
    CreateVirtualModel: authed((v) => {
      const input = v.input as Parameters<typeof virtualModelFrom>[1];
      if (virtualModels.some((vm) => vm.name === input.name)) return gqlError('CONFLICT', `A virtual model named "${input.name}" already exists.`);
      const created = virtualModelFrom(`vm_${virtualModels.length + 1}`, input);
      virtualModels.push(created);
      return { data: { createVirtualModel: created } };
    }),
    UpdateVirtualModel: authed((v) => {
      const index = virtualModels.findIndex((vm) => vm.id === v.id);
      if (index < 0) return gqlError('NOT_FOUND', 'Virtual model not found.');
      virtualModels[index] = virtualModelFrom(String(v.id), v.input as Parameters<typeof virtualModelFrom>[1]);
      return { data: { updateVirtualModel: virtualModels[index] } };
    }),
    DeleteVirtualModel: authed((v) => {
      const index = virtualModels.findIndex((vm) => vm.id === v.id);
      if (index >= 0) virtualModels.splice(index, 1);
      return { data: { deleteVirtualModel: index >= 0 } };
    }),
    ProviderKeysPage: authed(() => ({ data: { providerKeys: { __typename: 'ProviderKeyConnection', nodes: providerKeys, pageInfo: page() }, providers } })),
    DeleteProviderKey: authed(() => gqlError('CONFLICT', 'Provider key is still used by configuration "production"')),
    ProvidersPage: authed(() => ({ data: { providers } })),
    CreditsBalance: authed(() => ({ data: { me: account } })),
    // Like the server: only the buckets from `from` on.
    CreditSpend: authed((v) => ({ data: { me: account, creditSpend: creditSpend.filter((b) => b.key >= String(v.from).slice(0, 10)) } })),
    PaymentMode: () => ({ data: { gatewayPricing: { __typename: 'GatewayPricing', paymentMode: gateway.paymentMode } } }),
    CreditTransactions: authed((v) => ({ data: { creditTransactions: { __typename: 'CreditTransactionConnection', ...paginate(transactions, v) } } })),
    SettingsPage: authed(() => ({ data: { me: account } })),
    SettingsTokenCaps: authed(() => ({ data: { me: account } })),
    AlertSettingsCard: authed(() => ({
      data: { alertSettings: { __typename: 'AlertSettings', enabled: false, webhookUrl: null, webhookSecretSet: false, lowBalanceThresholdUsd: null } },
    })),
    AlertDeliveries: authed(() => ({ data: { alertDeliveries: { __typename: 'AlertDeliveryConnection', nodes: [] } } })),
    SettingsApiKeys: authed(() => ({ data: { apiKeys: { __typename: 'ApiKeyConnection', nodes: apiKeys } } })),
    Sessions: authed(() => ({ data: { sessions: { __typename: 'SessionConnection', nodes: sessions } } })),
    Viewer: authed(() => ({ data: { viewer } })),
    UsageLookups: authed(() => ({
      data: {
        accessKeys: { __typename: 'AccessKeyConnection', nodes: accessKeys },
        providerKeys: { __typename: 'ProviderKeyConnection', nodes: providerKeys },
        providers,
        usageEventStorage: gateway.usageEventStorage,
      },
    })),
    SetupState: authed(() => ({
      data: {
        me: account,
        gatewayPricing: { __typename: 'GatewayPricing', processingFeeUsdPerMTok: '0.05', minimumPurchaseUsd: '5.00' },
        providers,
        providerKeys: { __typename: 'ProviderKeyConnection', nodes: providerKeys.slice(0, 1) },
        accessKeys: { __typename: 'AccessKeyConnection', nodes: accessKeys.slice(0, 1) },
        usageEvents: { __typename: 'UsageEventConnection', nodes: usageEvents.slice(0, 1) },
      },
    })),
    UsageSummary: authed(() => ({
      data: {
        daily,
        byProvider: [bucket('openai', 420, 9, 380000, 130000, '0.712000000'), bucket('anthropic', 160, 3, 150000, 52000, '0.241000000')],
        byModel: [bucket('gpt-4o-mini', 420, 9, 380000, 130000, '0.712000000'), bucket('claude-sonnet-4-5', 160, 3, 150000, 52000, '0.241000000')],
        byAccessKey: [bucket('ak_1', 500, 10, 470000, 160000, '0.880000000', 'backend-prod'), bucket('ak_2', 80, 2, 60000, 22000, '0.073000000', 'notebook')],
      },
    })),
    FirewallPage: authed(() => ({ data: { firewallPolicies: { __typename: 'FirewallPolicyConnection', nodes: firewallPolicies } } })),
    UsageEvents: authed((v) => ({ data: { usageEvents: { __typename: 'UsageEventConnection', ...paginate(usageEvents, v) } } })),
  };
  return { resolvers, state: { account, viewer, accessKeys, providerKeys, configurations, providers, usageEvents, virtualModels, gateway, daily, creditSpend } };
}
