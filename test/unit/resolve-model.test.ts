import { describe, expect, it } from 'vitest';
import type { AccessContext, CustomProviderInfo } from '../../server/src/gateway/access-context.js';
import { parseCatalogFile } from '../../server/src/catalog/catalog-file.js';
import { ProviderDirectory } from '../../server/src/gateway/provider-directory.js';
import { resolveAttempts } from '../../server/src/gateway/resolve-model.js';
import { AppError } from '../../server/src/errors/app-error.js';
import { SmoothWeightedPicker } from '../../server/src/gateway/weighted-pick.js';

const directory = new ProviderDirectory({
  providerBaseUrlOverrides: {},
  managedKeys: { MANAGED_OPENAI_API_KEY: 'sk-managed-openai', MANAGED_ANTHROPIC_API_KEY: undefined },
});

function context(over: Partial<AccessContext> = {}): AccessContext {
  const providerKeys = new Map([
    ['openai', [{ id: 'oa-1', secret: 'sk-oa-1' }, { id: 'oa-2', secret: 'sk-oa-2' }]],
    ['anthropic', [{ id: 'an-1', secret: 'sk-an-1' }]],
  ]);
  const byId = new Map<string, { id: string; secret: string; provider: string }>();
  for (const [provider, keys] of providerKeys) for (const k of keys) byId.set(k.id, { ...k, provider });
  const local: CustomProviderInfo = {
    providerId: 'local',
    name: 'Local',
    baseUrl: 'http://10.0.0.5:8000/v1',
    apiFormat: 'openai',
    models: new Map([['tiny-llm', 'Tiny-LLM']]),
  };
  return {
    accessKeyId: 'ak',
    accountId: 'acc',
    budgetPeriod: null,
    requestsPerMinute: null,
    tokensPerMinute: null,
    expiresAt: null,
    maxInputTokens: null,
    maxOutputTokens: null,
    totalTimeoutMs: 1000,
    perAttemptTimeoutMs: 500,
    allowedProviders: null,
    allowedModels: null,
    routing: new Map(),
    providerKeys,
    providerKeysById: byId,
    customProviders: new Map([['local', local]]),
    firewallPolicies: [],
    virtualModels: new Map(),
    responseCache: null,
    ...over,
  };
}

const codeOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err.code;
    throw err;
  }
  throw new Error('expected an error');
};

describe('resolveAttempts', () => {
  it('expands a catalog id into own keys by priority, then gateway credentials', () => {
    const r = resolveAttempts('chat', 'GPT-4o-mini', [], context(), directory);
    expect(r.attempts.map((a) => [a.provider, a.model, a.credential.keySource, a.credential.providerKeyId])).toEqual([
      ['openai', 'gpt-4o-mini', 'user', 'oa-1'],
      ['openai', 'gpt-4o-mini', 'user', 'oa-2'],
      ['openai', 'gpt-4o-mini', 'gateway', null],
    ]);
  });

  it('follows the configuration routing order and can turn gateway credentials off', () => {
    const routing = new Map([['openai', { providerKeyIds: ['oa-2', 'an-1', 'oa-1'], useGatewayCredentials: false }]]);
    const r = resolveAttempts('chat', 'gpt-4o', [], context({ routing }), directory);
    // A key routed under the wrong provider is ignored.
    expect(r.attempts.map((a) => a.credential.providerKeyId)).toEqual(['oa-2', 'oa-1']);
  });

  it('never repeats a model+credential pair and mixes formats in fallbacks', () => {
    const r = resolveAttempts('chat', 'gpt-4o', ['openai:gpt-4o', 'claude-haiku-4-5', 'gpt-4o'], context(), directory);
    expect(r.attempts.map((a) => `${a.provider}:${a.model}:${a.credential.providerKeyId ?? a.credential.keySource}`)).toEqual([
      'openai:gpt-4o:oa-1',
      'openai:gpt-4o:oa-2',
      'openai:gpt-4o:gateway',
      'anthropic:claude-haiku-4-5:an-1',
    ]);
  });

  it('passes uncatalogued models through only with the account\'s own key', () => {
    const r = resolveAttempts('chat', 'openai:gpt-future', [], context(), directory);
    expect(r.attempts.every((a) => a.credential.keySource === 'user' && a.spec === undefined)).toBe(true);
    const noKeys = context({ providerKeys: new Map(), providerKeysById: new Map() });
    expect(codeOf(() => resolveAttempts('chat', 'openai:gpt-future', [], noKeys, directory))).toBe('model_unknown');
  });

  it('sends a dated snapshot id unchanged to its catalog model provider, priced as that model', () => {
    for (const [input, provider, base] of [
      ['claude-sonnet-4-5-20250929', 'anthropic', 'claude-sonnet-4-5'],
      ['gpt-4o-mini-2024-07-18', 'openai', 'gpt-4o-mini'],
      ['GPT-4o-mini-20240718', 'openai', 'gpt-4o-mini'],
      ['openai:gpt-4o-mini-2024-07-18', 'openai', 'gpt-4o-mini'],
    ] as const) {
      const r = resolveAttempts('chat', input, [], context(), directory);
      const model = input.includes(':') ? input.slice(input.indexOf(':') + 1) : input;
      expect(r.attempts.map((a) => [a.provider, a.model, a.spec?.id])).toContainEqual([provider, model, base]);
    }
    // Catalogued, so gateway credentials may serve it (billed at the catalog price).
    expect(resolveAttempts('chat', 'gpt-4o-mini-2024-07-18', [], context(), directory).attempts.at(-1)?.credential.keySource).toBe('gateway');
    // Allowed where its catalog model is.
    const allowedModels = new Set(['anthropic:claude-sonnet-4-5']);
    expect(resolveAttempts('chat', 'claude-sonnet-4-5-20250929', [], context({ allowedModels }), directory).attempts).toHaveLength(1);
    expect(codeOf(() => resolveAttempts('chat', 'claude-haiku-4-5-20251001', [], context({ allowedModels }), directory))).toBe('model_not_allowed');
  });

  it('resolves the operator catalog (CATALOG_FILE): added models, aliases, and no gateway credentials for unpriced ones', () => {
    const catalog = parseCatalogFile(
      {
        models: [
          { provider: 'openai', id: 'gpt-7-preview', contextWindow: 100_000, maxOutputTokens: 10_000, inputPriceUsdPerMTok: '1', outputPriceUsdPerMTok: '2' },
          { provider: 'openai', id: 'gpt-7-unpriced', contextWindow: 100_000, maxOutputTokens: 10_000 },
          { provider: 'openai', id: 'gpt-4o', aliases: ['house-default'] },
        ],
      },
      'test',
    );
    const operator = new ProviderDirectory({
      providerBaseUrlOverrides: {},
      managedKeys: { MANAGED_OPENAI_API_KEY: 'sk-managed-openai', MANAGED_ANTHROPIC_API_KEY: undefined },
      catalog,
    });
    const keys = (input: string, dir = operator) =>
      resolveAttempts('chat', input, [], context(), dir).attempts.map((a) => `${a.provider}:${a.model}:${a.credential.keySource}`);
    expect(keys('gpt-7-preview')).toEqual(['openai:gpt-7-preview:user', 'openai:gpt-7-preview:user', 'openai:gpt-7-preview:gateway']);
    expect(keys('gpt-7-unpriced')).toEqual(['openai:gpt-7-unpriced:user', 'openai:gpt-7-unpriced:user']);
    expect(keys('house-default')).toEqual(['openai:gpt-4o:user', 'openai:gpt-4o:user', 'openai:gpt-4o:gateway']);
    expect(codeOf(() => keys('gpt-7-preview', directory))).toBe('model_unknown');
    // Without an own key an unpriced model has nothing to serve it: never free inference on gateway credentials.
    const noKeys = context({ providerKeys: new Map(), providerKeysById: new Map() });
    expect(codeOf(() => resolveAttempts('chat', 'gpt-7-unpriced', [], noKeys, operator))).toBe('model_unknown');
  });

  it('keeps typos and non-date suffixes unknown, with a suggestion', () => {
    for (const input of ['gpt-4o-mnii', 'gpt-4o-mnii-2024-07-18', 'gpt-4o-mini-202407', 'gpt-4o-mini-latest', 'claude-sonnet-4-5-2025-0929']) {
      expect(codeOf(() => resolveAttempts('chat', input, [], context(), directory)), input).toBe('model_unknown');
    }
    let message = '';
    try {
      resolveAttempts('chat', 'gpt-4o-mnii', [], context(), directory);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('"gpt-4o-mini"');
  });

  it('resolves declared custom models case-insensitively and refuses undeclared ones', () => {
    const r = resolveAttempts('chat', 'local:tiny-llm', [], context(), directory);
    expect(r.attempts).toHaveLength(1);
    expect(r.attempts[0]).toMatchObject({ provider: 'local', model: 'Tiny-LLM', credential: { keySource: 'none' } });
    expect(r.attempts[0].target.egress).toBe('guarded');
    expect(codeOf(() => resolveAttempts('chat', 'local:other', [], context(), directory))).toBe('model_unknown');
  });

  it('suggests the closest catalog id for unknown models', () => {
    try {
      resolveAttempts('chat', 'gpt-4p', [], context(), directory);
      throw new Error('expected model_unknown');
    } catch (err) {
      expect((err as AppError).code).toBe('model_unknown');
      expect((err as AppError).message).toContain('gpt-4o');
    }
  });

  it('refuses a primary the policy forbids and skips such fallbacks', () => {
    const ctx = context({ allowedProviders: new Set(['openai']) });
    expect(codeOf(() => resolveAttempts('chat', 'claude-haiku-4-5', [], ctx, directory))).toBe('provider_not_allowed');
    const r = resolveAttempts('chat', 'gpt-4o', ['claude-haiku-4-5'], ctx, directory);
    expect(r.rejectedModels).toEqual(['claude-haiku-4-5']);
    const models = context({ allowedModels: new Set(['openai:gpt-4o']) });
    expect(codeOf(() => resolveAttempts('chat', 'gpt-4o-mini', [], models, directory))).toBe('model_not_allowed');
  });

  it('names fallbacks nothing can serve, and answers 424 when even the primary has no credential', () => {
    const onlyOpenAi = context({
      providerKeys: new Map([['openai', [{ id: 'oa-1', secret: 'k' }]]]),
      providerKeysById: new Map([['oa-1', { id: 'oa-1', secret: 'k', provider: 'openai' }]]),
    });
    const r = resolveAttempts('chat', 'gpt-4o', ['deepseek-chat'], onlyOpenAi, directory);
    expect(r.rejectedModels).toEqual(['deepseek-chat']);
    expect(codeOf(() => resolveAttempts('chat', 'deepseek-chat', [], onlyOpenAi, directory))).toBe('provider_credentials_missing');
  });

  it('serves the Responses API from every provider (translated where it is not native)', () => {
    const r = resolveAttempts('responses', 'gpt-4o', ['claude-haiku-4-5'], context(), directory);
    expect(r.rejectedModels).toEqual([]);
    expect([...new Set(r.attempts.map((a) => a.provider))]).toEqual(['openai', 'anthropic']);
  });

  describe('embeddings', () => {
    it('serves embedding models from providers offering embeddings, pass-through and custom OpenAI-format models too', () => {
      const r = resolveAttempts('embeddings', 'text-embedding-3-small', ['openai:text-embedding-4-preview', 'local:tiny-llm'], context(), directory);
      expect(r.rejectedModels).toEqual([]);
      expect(r.attempts.map((a) => `${a.provider}:${a.model}:${a.credential.keySource}`)).toEqual([
        'openai:text-embedding-3-small:user',
        'openai:text-embedding-3-small:user',
        'openai:text-embedding-3-small:gateway',
        'openai:text-embedding-4-preview:user',
        'openai:text-embedding-4-preview:user',
        'local:Tiny-LLM:none',
      ]);
    });

    it('refuses chat models, providers without embeddings and embedding models elsewhere (model_not_supported); skips such fallbacks', () => {
      expect(codeOf(() => resolveAttempts('embeddings', 'gpt-4o', [], context(), directory))).toBe('model_not_supported');
      expect(codeOf(() => resolveAttempts('embeddings', 'anthropic:some-embedder', [], context(), directory))).toBe('model_not_supported');
      for (const surface of ['chat', 'responses', 'messages'] as const) {
        expect(codeOf(() => resolveAttempts(surface, 'text-embedding-3-large', [], context(), directory))).toBe('model_not_supported');
      }
      const r = resolveAttempts('embeddings', 'text-embedding-3-small', ['claude-haiku-4-5', 'gpt-4o-mini'], context(), directory);
      expect(r.rejectedModels).toEqual(['claude-haiku-4-5', 'gpt-4o-mini']);
      const chat = resolveAttempts('chat', 'gpt-4o', ['text-embedding-3-small'], context(), directory);
      expect(chat.rejectedModels).toEqual(['text-embedding-3-small']);
    });
  });

  describe('virtual models', () => {
    const vm = (strategy: 'ORDERED' | 'WEIGHTED', targets: { model: string; weight: number }[]) =>
      new Map([
        [
          'fast',
          {
            name: 'fast',
            strategy,
            targets,
            picker: strategy === 'WEIGHTED' ? new SmoothWeightedPicker(targets.map((t) => t.weight)) : undefined,
          },
        ],
      ]);

    it('expands an ORDERED virtual model into its targets, in order, naming it on every attempt', () => {
      const ctx = context({ virtualModels: vm('ORDERED', [{ model: 'anthropic:claude-sonnet-4-5', weight: 1 }, { model: 'gpt-4o', weight: 1 }]) });
      const r = resolveAttempts('chat', 'FAST', [], ctx, directory);
      expect(r.attempts.map((a) => [a.provider, a.credential.providerKeyId, a.virtualModel])).toEqual([
        ['anthropic', 'an-1', 'fast'],
        ['openai', 'oa-1', 'fast'],
        ['openai', 'oa-2', 'fast'],
        ['openai', null, 'fast'],
      ]);
    });

    it('expands a virtual model given in `models` after the primary model', () => {
      const ctx = context({ virtualModels: vm('ORDERED', [{ model: 'anthropic:claude-sonnet-4-5', weight: 1 }]) });
      const r = resolveAttempts('chat', 'gpt-4o', ['fast'], ctx, directory);
      expect(r.attempts.at(-1)).toMatchObject({ provider: 'anthropic', virtualModel: 'fast' });
      expect(r.attempts[0].virtualModel).toBeNull();
    });

    it('skips targets the key may not use and names them, even when the virtual model is the primary model', () => {
      const ctx = context({
        allowedProviders: new Set(['openai']),
        virtualModels: vm('ORDERED', [{ model: 'anthropic:claude-sonnet-4-5', weight: 1 }, { model: 'gpt-4o', weight: 1 }]),
      });
      const r = resolveAttempts('chat', 'fast', [], ctx, directory);
      expect(r.rejectedModels).toEqual(['anthropic:claude-sonnet-4-5']);
      expect(new Set(r.attempts.map((a) => a.provider))).toEqual(new Set(['openai']));
    });

    it('fails with the first target\'s problem when no target is allowed', () => {
      const ctx = context({
        allowedProviders: new Set(['google']),
        virtualModels: vm('ORDERED', [{ model: 'anthropic:claude-sonnet-4-5', weight: 1 }]),
      });
      expect(codeOf(() => resolveAttempts('chat', 'fast', [], ctx, directory))).toBe('provider_not_allowed');
    });

    it('WEIGHTED picks the first target by weight, then the others in order', () => {
      const ctx = context({
        virtualModels: vm('WEIGHTED', [
          { model: 'anthropic:claude-sonnet-4-5', weight: 1 },
          { model: 'gpt-4o', weight: 3 },
        ]),
      });
      const firsts = Array.from({ length: 8 }, () => resolveAttempts('chat', 'fast', [], ctx, directory).attempts[0].provider);
      expect(firsts.filter((p) => p === 'openai')).toHaveLength(6);
      const r = resolveAttempts('chat', 'fast', [], ctx, directory);
      // Every target is still tried: the picked one first, the rest after it.
      expect(new Set(r.attempts.map((a) => a.provider))).toEqual(new Set(['openai', 'anthropic']));
    });
  });

  it('WEIGHTED routing picks the first provider key by weight, then the others in order, then gateway credentials', () => {
    const ctx = context({
      routing: new Map([
        ['openai', { providerKeyIds: ['oa-1', 'oa-2'], useGatewayCredentials: true, picker: new SmoothWeightedPicker([1, 1]) }],
      ]),
    });
    const orders = Array.from({ length: 4 }, () =>
      resolveAttempts('chat', 'gpt-4o', [], ctx, directory).attempts.map((a) => a.credential.providerKeyId),
    );
    expect(orders).toEqual([
      ['oa-1', 'oa-2', null],
      ['oa-2', 'oa-1', null],
      ['oa-1', 'oa-2', null],
      ['oa-2', 'oa-1', null],
    ]);
  });
});
