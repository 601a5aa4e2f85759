import { describe, it, expect } from 'vitest';
import {
  BUILT_IN_CATALOG,
  BUILT_IN_MODELS,
  BUILT_IN_PROVIDERS,
  getBuiltInProvider,
  isBuiltInProviderId,
  isEmbeddingModel,
  modelServes,
  needsProviderKey,
} from '../../server/src/catalog/index.js';

const findModel = BUILT_IN_CATALOG.findModel.bind(BUILT_IN_CATALOG);
const findDefaultModel = BUILT_IN_CATALOG.findDefaultModel.bind(BUILT_IN_CATALOG);
const listBuiltInModels = BUILT_IN_CATALOG.listModels.bind(BUILT_IN_CATALOG);
const suggestModel = BUILT_IN_CATALOG.suggestModel.bind(BUILT_IN_CATALOG);

const CONTRACT_PROVIDER_IDS = [
  'openai',
  'anthropic',
  'google',
  'groq',
  'deepseek',
  'openrouter',
  'hyperbolic',
  'inceptionlabs',
  'inference-net',
];

const DECIMAL = /^\d+(\.\d+)?$/;

describe('BUILT_IN_PROVIDERS', () => {
  it('has exactly the contract provider ids, each once', () => {
    expect(BUILT_IN_PROVIDERS.map((p) => p.id).sort()).toEqual([...CONTRACT_PROVIDER_IDS].sort());
  });

  it('lists openai before openrouter so bare ids resolve to the vendor', () => {
    const ids = BUILT_IN_PROVIDERS.map((p) => p.id);
    expect(ids.indexOf('openai')).toBeLessThan(ids.indexOf('openrouter'));
    expect(ids.indexOf('anthropic')).toBeLessThan(ids.indexOf('openrouter'));
  });

  it('uses https base urls without a trailing slash', () => {
    for (const p of BUILT_IN_PROVIDERS) {
      expect(p.baseUrl, p.id).toMatch(/^https:\/\/[^/]+\/.+[^/]$/);
      expect(() => new URL(p.baseUrl)).not.toThrow();
    }
  });

  it('offers gateway credentials only for openai and anthropic', () => {
    const managed = BUILT_IN_PROVIDERS.filter((p) => p.gatewayCredentialEnv !== undefined).map((p) => p.id);
    expect(managed.sort()).toEqual(['anthropic', 'openai']);
    expect(getBuiltInProvider('openai')?.gatewayCredentialEnv).toBe('MANAGED_OPENAI_API_KEY');
    expect(getBuiltInProvider('anthropic')?.gatewayCredentialEnv).toBe('MANAGED_ANTHROPIC_API_KEY');
  });

  it('describes anthropic as an x-api-key messages provider with a pinned version', () => {
    const anthropic = getBuiltInProvider('anthropic');
    expect(anthropic).toMatchObject({
      baseUrl: 'https://api.anthropic.com/v1',
      apiFormat: 'anthropic',
      authStyle: 'x-api-key',
      fixedHeaders: { 'anthropic-version': '2023-06-01' },
      surfaces: ['messages'],
    });
  });

  it('serves chat from every openai-format provider', () => {
    for (const p of BUILT_IN_PROVIDERS.filter((x) => x.apiFormat === 'openai')) {
      expect(p.surfaces, p.id).toContain('chat');
      expect(p.authStyle, p.id).toBe('bearer');
    }
  });

  it('is frozen', () => {
    const openai = getBuiltInProvider('openai')!;
    expect(Object.isFrozen(BUILT_IN_PROVIDERS)).toBe(true);
    expect(Object.isFrozen(openai)).toBe(true);
    expect(Object.isFrozen(openai.stripParams)).toBe(true);
  });
});

describe('BUILT_IN_MODELS', () => {
  it('belong to built-in providers', () => {
    for (const m of BUILT_IN_MODELS) expect(isBuiltInProviderId(m.provider), `${m.provider}:${m.id}`).toBe(true);
  });

  it('give every provider some models', () => {
    for (const id of CONTRACT_PROVIDER_IDS) expect(listBuiltInModels(id).length, id).toBeGreaterThan(0);
  });

  it('have prices as non-negative decimal strings, or both null (unpriced)', () => {
    for (const m of BUILT_IN_MODELS) {
      if (m.inputPriceUsdPerMTok === null || m.outputPriceUsdPerMTok === null) {
        expect([m.inputPriceUsdPerMTok, m.outputPriceUsdPerMTok], `${m.provider}:${m.id}`).toEqual([null, null]);
        continue;
      }
      for (const price of [m.inputPriceUsdPerMTok, m.outputPriceUsdPerMTok]) {
        expect(price, `${m.provider}:${m.id}`).toMatch(DECIMAL);
        expect(Number(price)).toBeGreaterThanOrEqual(0);
      }
    }
  });

  it('include the default models of Claude Code and Codex', () => {
    expect(findDefaultModel('claude-opus-4-8')?.provider).toBe('anthropic');
    expect(findDefaultModel('gpt-6.2-sol')?.provider).toBe('openai');
  });

  it('have positive token limits and text in and out (embedding models: text in, nothing generated)', () => {
    for (const m of BUILT_IN_MODELS) {
      expect(Number.isInteger(m.contextWindow) && m.contextWindow > 0, m.id).toBe(true);
      if (isEmbeddingModel(m)) {
        expect(m, m.id).toMatchObject({ maxOutputTokens: 0, outputPriceUsdPerMTok: '0', modalities: { input: ['text'], output: [] } });
        continue;
      }
      expect(Number.isInteger(m.maxOutputTokens) && m.maxOutputTokens > 0, m.id).toBe(true);
      expect(m.maxOutputTokens, m.id).toBeLessThanOrEqual(m.contextWindow);
      expect(m.modalities.input, m.id).toContain('text');
      expect(m.modalities.output, m.id).toContain('text');
      expect(m.displayName.length, m.id).toBeGreaterThan(0);
    }
  });

  it('have ids unique per provider, case-insensitively', () => {
    const seen = new Set<string>();
    for (const m of BUILT_IN_MODELS) {
      const key = `${m.provider}\u0000${m.id.toLowerCase()}`;
      expect(seen.has(key), `${m.provider}:${m.id}`).toBe(false);
      seen.add(key);
    }
  });

  it('have ids without a colon, so provider:model splitting stays unambiguous', () => {
    for (const m of BUILT_IN_MODELS) expect(m.id, m.id).not.toContain(':');
  });
});

describe('catalog lookup', () => {
  it('finds providers by exact id only', () => {
    expect(getBuiltInProvider('inference-net')?.name).toBe('Inference.net');
    expect(getBuiltInProvider('OpenAI')).toBeUndefined();
    expect(isBuiltInProviderId('nope')).toBe(false);
  });

  it('lists all models without a provider and none for an unknown one', () => {
    expect(listBuiltInModels()).toBe(BUILT_IN_MODELS);
    expect(listBuiltInModels('nope')).toEqual([]);
    expect(listBuiltInModels('deepseek').every((m) => m.provider === 'deepseek')).toBe(true);
  });

  it('finds a model within a provider case-insensitively', () => {
    expect(findModel('hyperbolic', 'meta-llama/llama-3.3-70b-instruct')?.id).toBe('meta-llama/Llama-3.3-70B-Instruct');
    expect(findModel('openai', 'GPT-4o')?.id).toBe('gpt-4o');
    expect(findModel('anthropic', 'gpt-4o')).toBeUndefined();
    expect(findModel('nope', 'gpt-4o')).toBeUndefined();
  });

  it('resolves a bare id to its default provider', () => {
    expect(findDefaultModel('gpt-4o')?.provider).toBe('openai');
    expect(findDefaultModel('GPT-4O')).toMatchObject({ id: 'gpt-4o', provider: 'openai' });
    expect(findDefaultModel('claude-sonnet-4-5')?.provider).toBe('anthropic');
    expect(findDefaultModel('deepseek-chat')?.provider).toBe('deepseek');
  });

  it('resolves openrouter-only ids to openrouter', () => {
    expect(findDefaultModel('openai/gpt-4o')?.provider).toBe('openrouter');
    expect(findDefaultModel('anthropic/claude-sonnet-4.5')?.provider).toBe('openrouter');
  });

  it('does not resolve provider-prefixed strings or unknown ids', () => {
    expect(findDefaultModel('openai:gpt-4o')).toBeUndefined();
    expect(findDefaultModel('gpt-9000')).toBeUndefined();
  });

  it('needs a provider key exactly where there are no gateway credentials', () => {
    expect(needsProviderKey(getBuiltInProvider('openai')!)).toBe(false);
    expect(needsProviderKey(getBuiltInProvider('anthropic')!)).toBe(false);
    expect(needsProviderKey(getBuiltInProvider('groq')!)).toBe(true);
  });
});

describe('suggestModel', () => {
  it('suggests the closest id for a typo', () => {
    expect(suggestModel('gpt-4p')).toBe('gpt-4o');
    expect(suggestModel('claude-sonet-4-5')).toBe('claude-sonnet-4-5');
    expect(suggestModel('gemini-2.5-flsh')).toBe('gemini-2.5-flash');
  });

  it('ignores case and a provider: prefix', () => {
    expect(suggestModel('GPT-4P')).toBe('gpt-4o');
    expect(suggestModel('openai:gpt-4p')).toBe('gpt-4o');
    expect(suggestModel('groq:llama-3.3-70b-versatil')).toBe('llama-3.3-70b-versatile');
  });

  it('returns the id itself for an exact match', () => {
    expect(suggestModel('Deepseek-Chat')).toBe('deepseek-chat');
  });

  it('suggests nothing for garbage', () => {
    expect(suggestModel('')).toBeUndefined();
    expect(suggestModel('   ')).toBeUndefined();
    expect(suggestModel('zz')).toBeUndefined();
    expect(suggestModel('banana-split-supreme')).toBeUndefined();
    expect(suggestModel('qwertyuiop')).toBeUndefined();
    expect(suggestModel('custom:my-private-model')).toBeUndefined();
  });
});

describe('embedding models', () => {
  it('are served only by providers that offer the embeddings surface', () => {
    const embedding = BUILT_IN_MODELS.filter(isEmbeddingModel);
    expect(embedding.map((m) => `${m.provider}:${m.id}`)).toEqual(
      expect.arrayContaining(['openai:text-embedding-3-small', 'openai:text-embedding-3-large', 'google:gemini-embedding-001']),
    );
    for (const m of embedding) expect(getBuiltInProvider(m.provider)?.surfaces, m.id).toContain('embeddings');
    expect(getBuiltInProvider('anthropic')?.surfaces).not.toContain('embeddings');
  });

  it('resolve by bare id to their vendor and are priced per input token', () => {
    expect(findDefaultModel('TEXT-EMBEDDING-3-SMALL')).toMatchObject({ provider: 'openai', kind: 'embedding', inputPriceUsdPerMTok: '0.02' });
    expect(findModel('openrouter', 'openai/text-embedding-3-large')).toMatchObject({ kind: 'embedding', inputPriceUsdPerMTok: '0.13' });
  });

  it('modelServes: embedding models embeddings only, chat models every other surface', () => {
    const small = findModel('openai', 'text-embedding-3-small')!;
    const chat = findModel('openai', 'gpt-4o-mini')!;
    expect(['chat', 'responses', 'messages', 'embeddings'].map((s) => modelServes(small, s as never))).toEqual([false, false, false, true]);
    expect(['chat', 'responses', 'messages', 'embeddings'].map((s) => modelServes(chat, s as never))).toEqual([true, true, true, false]);
  });

  it('keep the catalog grouped by provider (each provider\'s embedding models after its chat models)', () => {
    const order = BUILT_IN_PROVIDERS.map((p) => p.id);
    const ranks = BUILT_IN_MODELS.map((m) => order.indexOf(m.provider));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
  });
});
