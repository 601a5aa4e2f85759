import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILT_IN_CATALOG } from '../../server/src/catalog/catalog.js';
import { CatalogFileError, loadCatalogFile, parseCatalogFile } from '../../server/src/catalog/catalog-file.js';
import { ConfigError, loadConfig } from '../../server/src/config.js';

const parse = (json: unknown) => parseCatalogFile(json, 'catalog.json');
const errorOf = (json: unknown): string => {
  try {
    parse(json);
  } catch (err) {
    if (err instanceof CatalogFileError) return err.message;
    throw err;
  }
  throw new Error('expected a CatalogFileError');
};

describe('CATALOG_FILE merged over the built-in catalog', () => {
  it('adds a model to a built-in provider, resolvable as a bare id and by provider', () => {
    const catalog = parse({
      models: [{ provider: 'openai', id: 'gpt-6.3-sol', contextWindow: 1_000_000, maxOutputTokens: 100_000, inputPriceUsdPerMTok: '1.5', outputPriceUsdPerMTok: 9 }],
    });
    const added = catalog.findDefaultModel('GPT-6.3-SOL');
    expect(added).toMatchObject({ id: 'gpt-6.3-sol', provider: 'openai', displayName: 'gpt-6.3-sol', inputPriceUsdPerMTok: '1.5', outputPriceUsdPerMTok: '9' });
    expect(catalog.findModel('openai', 'gpt-6.3-sol')).toBe(added);
    expect(catalog.listModels('openai')).toContain(added);
    expect(catalog.suggestModel('gpt-6.3-so')).toBe('gpt-6.3-sol');
    // The built-ins are untouched and still there.
    expect(BUILT_IN_CATALOG.findDefaultModel('gpt-6.3-sol')).toBeUndefined();
    expect(catalog.findDefaultModel('gpt-4o')).toBe(BUILT_IN_CATALOG.findDefaultModel('gpt-4o'));
  });

  it('overrides only the named fields of a built-in model, matched case-insensitively', () => {
    const builtIn = BUILT_IN_CATALOG.findModel('openai', 'gpt-4o')!;
    const catalog = parse({ models: [{ provider: 'openai', id: 'GPT-4o', outputPriceUsdPerMTok: '12.00', maxOutputTokens: 8_000 }] });
    const model = catalog.findModel('openai', 'gpt-4o')!;
    expect(model).toMatchObject({ id: 'gpt-4o', outputPriceUsdPerMTok: '12.00', maxOutputTokens: 8_000 });
    expect(model.inputPriceUsdPerMTok).toBe(builtIn.inputPriceUsdPerMTok);
    expect(model.contextWindow).toBe(builtIn.contextWindow);
    expect(catalog.listModels('openai')).toHaveLength(BUILT_IN_CATALOG.listModels('openai').length);
  });

  it('makes a model unpriced with null prices', () => {
    const catalog = parse({ models: [{ provider: 'openai', id: 'gpt-4o', inputPriceUsdPerMTok: null, outputPriceUsdPerMTok: null }] });
    expect(catalog.findModel('openai', 'gpt-4o')).toMatchObject({ inputPriceUsdPerMTok: null, outputPriceUsdPerMTok: null });
  });

  it('sets a model’s image ceiling, and null returns it to the default', () => {
    const catalog = parse({
      models: [
        { provider: 'openai', id: 'gpt-4o', maxImageInputTokens: 2_000 },
        { provider: 'openai', id: 'gpt-4o-mini', maxImageInputTokens: null },
      ],
    });
    expect(catalog.findModel('openai', 'gpt-4o')?.maxImageInputTokens).toBe(2_000);
    expect(BUILT_IN_CATALOG.findModel('openai', 'gpt-4o-mini')?.maxImageInputTokens).toBe(48_169);
    expect(catalog.findModel('openai', 'gpt-4o-mini')?.maxImageInputTokens).toBeUndefined();
    expect(errorOf({ models: [{ provider: 'openai', id: 'gpt-4o', maxImageInputTokens: 0 }] })).toContain('maxImageInputTokens: must be positive');
  });

  it('sets and removes a long-context band, checking its prices', () => {
    const band = { aboveInputTokens: 128_000, inputPriceUsdPerMTok: '5.00', outputPriceUsdPerMTok: 20 };
    const catalog = parse({ models: [{ provider: 'openai', id: 'gpt-4o', longContextPrice: band }, { provider: 'google', id: 'gemini-2.5-pro', longContextPrice: null }] });
    expect(catalog.findModel('openai', 'gpt-4o')?.longContextPrice).toEqual({ aboveInputTokens: 128_000, inputPriceUsdPerMTok: '5.00', outputPriceUsdPerMTok: '20' });
    expect(BUILT_IN_CATALOG.findModel('google', 'gemini-2.5-pro')?.longContextPrice).toMatchObject({ aboveInputTokens: 200_000 });
    expect(catalog.findModel('google', 'gemini-2.5-pro')?.longContextPrice).toBeUndefined();
    expect(errorOf({ models: [{ provider: 'openai', id: 'gpt-4o', longContextPrice: { ...band, inputPriceUsdPerMTok: 'cheap' } }] })).toContain('longContextPrice.inputPriceUsdPerMTok');
  });

  it('sets and removes prompt-cache prices; a new input price without them bills cached input at that price', () => {
    const cache = { readUsdPerMTok: '0.25', writeUsdPerMTok: 3, write1hUsdPerMTok: '4.80' };
    const catalog = parse({
      models: [
        { provider: 'openai', id: 'gpt-4o', promptCachePrice: cache },
        { provider: 'openai', id: 'gpt-5', promptCachePrice: null },
        { provider: 'anthropic', id: 'claude-haiku-4-5', inputPriceUsdPerMTok: '0.50' },
        { provider: 'anthropic', id: 'claude-sonnet-4-5', longContextPrice: { aboveInputTokens: 100_000, inputPriceUsdPerMTok: '9', outputPriceUsdPerMTok: '30', promptCachePrice: { readUsdPerMTok: '0.9' } } },
      ],
    });
    expect(catalog.findModel('openai', 'gpt-4o')?.promptCachePrice).toEqual({ readUsdPerMTok: '0.25', writeUsdPerMTok: '3', write1hUsdPerMTok: '4.80' });
    expect(BUILT_IN_CATALOG.findModel('openai', 'gpt-5')?.promptCachePrice).toEqual({ readUsdPerMTok: '0.125' });
    expect(catalog.findModel('openai', 'gpt-5')?.promptCachePrice).toBeUndefined();
    expect(BUILT_IN_CATALOG.findModel('anthropic', 'claude-haiku-4-5')?.promptCachePrice).toBeDefined();
    expect(catalog.findModel('anthropic', 'claude-haiku-4-5')?.promptCachePrice).toBeUndefined();
    expect(catalog.findModel('anthropic', 'claude-sonnet-4-5')?.longContextPrice?.promptCachePrice).toEqual({ readUsdPerMTok: '0.9' });
    expect(errorOf({ models: [{ provider: 'openai', id: 'gpt-4o', promptCachePrice: { writeUsdPerMTok: '1' } }] })).toContain('promptCachePrice.readUsdPerMTok');
    expect(errorOf({ models: [{ provider: 'openai', id: 'gpt-4o', promptCachePrice: { readUsdPerMTok: '-1' } }] })).toContain('promptCachePrice.readUsdPerMTok');
  });

  it('resolves aliases to the model, which keeps its upstream id', () => {
    const catalog = parse({ models: [{ provider: 'anthropic', id: 'claude-opus-4-8', aliases: ['opus', 'Opus-Latest'] }] });
    expect(catalog.findDefaultModel('opus')?.id).toBe('claude-opus-4-8');
    expect(catalog.findModel('anthropic', 'opus-latest')?.id).toBe('claude-opus-4-8');
    expect(catalog.isCatalogModelId('opus')).toBe(true);
  });

  it('names the file and the entry for each problem', () => {
    expect(errorOf({ models: [{ provider: 'openai', id: 'x', contextWindow: 10 }] })).toBe(
      'CATALOG_FILE catalog.json: models[0] ("openai:x"): a new model needs contextWindow and maxOutputTokens',
    );
    expect(errorOf({ models: [{ provider: 'acme', id: 'm1', contextWindow: 1, maxOutputTokens: 1 }] })).toMatch(
      /^CATALOG_FILE catalog\.json: models\[0\] \("acme:m1"\)\.provider: must be a built-in provider id \(openai, anthropic/,
    );
    expect(errorOf({ models: [{ provider: 'openai', id: 'gpt-4o', inputPriceUsdPerMTok: '-1' }] })).toMatch(
      /models\[0\] \("openai:gpt-4o"\)\.inputPriceUsdPerMTok: must be a non-negative decimal/,
    );
    expect(errorOf({ models: [{ provider: 'openai', id: 'gpt-4o', inputPriceUsdPerMTok: 1e-10 }] })).toMatch(/inputPriceUsdPerMTok/);
    expect(errorOf({ models: [{ provider: 'openai', id: 'gpt-4o', contextWindow: 1.5 }] })).toMatch(/contextWindow: must be an integer/);
    expect(errorOf({ models: [{ provider: 'openai', id: 'gpt-4o', colour: 'red' }] })).toMatch(/models\[0\] \("openai:gpt-4o"\).*colour/);
    expect(errorOf({ model: [] })).toMatch(/^CATALOG_FILE catalog\.json: /);
    expect(errorOf({ models: [{ provider: 'openai', id: 'gpt-4o', aliases: ['gpt-4o-mini'] }] })).toBe(
      'CATALOG_FILE catalog.json: alias "gpt-4o-mini" of openai:gpt-4o already names openai:gpt-4o-mini',
    );
  });

  it('reports unreadable and malformed files with their path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'catalog-'));
    expect(() => loadCatalogFile(join(dir, 'missing.json'))).toThrow(/CATALOG_FILE .*missing\.json: cannot be read \(ENOENT\)/);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{ "models": [ ');
    expect(() => loadCatalogFile(bad)).toThrow(/CATALOG_FILE .*bad\.json: not valid JSON/);
  });

  it('is read by loadConfig at start-up, whose error names the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'catalog-'));
    const file = join(dir, 'catalog.json');
    writeFileSync(file, JSON.stringify({ models: [{ provider: 'groq', id: 'new-llama', contextWindow: 8192, maxOutputTokens: 1024 }] }));
    const config = loadConfig({ CATALOG_FILE: file });
    expect(config.catalog.findDefaultModel('new-llama')).toMatchObject({ provider: 'groq', inputPriceUsdPerMTok: null });
    expect(loadConfig({}).catalog).toBe(BUILT_IN_CATALOG);

    writeFileSync(file, JSON.stringify({ models: [{ provider: 'groq', id: 'new-llama' }] }));
    expect(() => loadConfig({ CATALOG_FILE: file })).toThrow(ConfigError);
    expect(() => loadConfig({ CATALOG_FILE: file })).toThrow(`CATALOG_FILE ${file}: models[0] ("groq:new-llama")`);
  });
});
