import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { BUILT_IN_CATALOG, Catalog } from './catalog.js';
import { BUILT_IN_PROVIDERS } from './providers.js';
import type { Modality, ModelSpec } from './types.js';

/**
 * The operator's catalog file (CATALOG_FILE): JSON merged over the built-in catalog at start-up,
 * so new models, prices, limits and aliases need no release.
 *
 * ```json
 * { "models": [
 *   { "provider": "openai", "id": "gpt-6.3-sol", "contextWindow": 1050000, "maxOutputTokens": 128000,
 *     "inputPriceUsdPerMTok": "2.00", "outputPriceUsdPerMTok": "10.00" },
 *   { "provider": "anthropic", "id": "claude-opus-4-8", "aliases": ["opus"] }
 * ] }
 * ```
 *
 * An entry whose (provider, id) matches a built-in model (case-insensitively) overrides the fields
 * it names; any other entry adds a model and must give its limits. A price of null makes a model
 * unpriced. Providers are the built-in ones (custom providers are per account, in the admin API).
 */

const PROVIDER_IDS = BUILT_IN_PROVIDERS.map((p) => p.id) as [string, ...string[]];
const MODALITIES = ['text', 'image', 'audio', 'video', 'pdf'] as const satisfies readonly Modality[];
/** Exact decimal (at most 9 places, the ledger's precision); numbers are accepted and read as written. */
const DECIMAL = /^\d{1,9}(\.\d{1,9})?$/;

const price = z
  .union([z.string(), z.number()])
  .transform((v) => (typeof v === 'number' ? String(v) : v.trim()))
  .refine((v) => DECIMAL.test(v), 'must be a non-negative decimal such as "2.50" (USD per million tokens)')
  .nullable();

const modelId = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  .refine((s) => !/[\s\u0000-\u001f\u007f]/.test(s), 'must not contain whitespace or control characters');

const tokens = z.number().int('must be an integer').positive('must be positive').max(100_000_000, 'is implausibly large');
const outputTokens = z.number().int('must be an integer').nonnegative('must not be negative').max(100_000_000, 'is implausibly large');

const PromptCacheEntry = z
  .object({ readUsdPerMTok: price.unwrap(), writeUsdPerMTok: price.unwrap().optional(), write1hUsdPerMTok: price.unwrap().optional() })
  .strict();

const ModelEntry = z
  .object({
    provider: z.enum(PROVIDER_IDS, { message: `must be a built-in provider id (${PROVIDER_IDS.join(', ')})` }),
    id: modelId,
    displayName: z.string().trim().min(1).max(200).optional(),
    contextWindow: tokens.optional(),
    /** 0 for embedding models, which generate nothing. */
    maxOutputTokens: outputTokens.optional(),
    kind: z.enum(['chat', 'embedding']).optional(),
    inputPriceUsdPerMTok: price.optional(),
    outputPriceUsdPerMTok: price.optional(),
    modalities: z
      .object({ input: z.array(z.enum(MODALITIES)).min(1), output: z.array(z.enum(MODALITIES)).min(1) })
      .strict()
      .optional(),
    maxTokensParam: z.literal('max_completion_tokens').nullable().optional(),
    aliases: z.array(modelId).max(50).optional(),
    /** Null returns the model to the default image ceiling. */
    maxImageInputTokens: tokens.nullable().optional(),
    /** Null removes a long-context band. */
    longContextPrice: z
      .object({ aboveInputTokens: tokens, inputPriceUsdPerMTok: price.unwrap(), outputPriceUsdPerMTok: price.unwrap(), promptCachePrice: PromptCacheEntry.optional() })
      .strict()
      .nullable()
      .optional(),
    /** Null bills cached input at the input price. */
    promptCachePrice: PromptCacheEntry.nullable().optional(),
  })
  .strict();

const CatalogFileSchema = z.object({ models: z.array(ModelEntry).max(10_000) }).strict();

type Entry = z.infer<typeof ModelEntry>;

export class CatalogFileError extends Error {}

/** Reads, validates and merges `path`; every problem names the file and the entry. */
export function loadCatalogFile(path: string, base: Catalog = BUILT_IN_CATALOG): Catalog {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new CatalogFileError(`CATALOG_FILE ${path}: cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)}).`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new CatalogFileError(`CATALOG_FILE ${path}: not valid JSON (${(err as Error).message}).`);
  }
  return parseCatalogFile(json, path, base);
}

/** Validates an already parsed catalog file and merges it over `base`. */
export function parseCatalogFile(json: unknown, source: string, base: Catalog = BUILT_IN_CATALOG): Catalog {
  const parsed = CatalogFileSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 10).map((issue) => `${describePath(json, issue.path)}: ${issue.message}`);
    throw new CatalogFileError(`CATALOG_FILE ${source}: ${issues.join('; ')}`);
  }
  const problems: string[] = [];
  const merged = mergeModels(base.models, parsed.data.models, problems);
  if (problems.length > 0) throw new CatalogFileError(`CATALOG_FILE ${source}: ${problems.slice(0, 10).join('; ')}`);
  return new Catalog(merged);
}

/** `models[3] ("openai:gpt-x").contextWindow`: the entry's position and, when readable, its name. */
function describePath(json: unknown, path: readonly PropertyKey[]): string {
  if (path[0] !== 'models' || typeof path[1] !== 'number') return path.length ? path.map(String).join('.') : '(file)';
  const entry: unknown = (json as { models: unknown[] }).models[path[1]];
  const name =
    entry && typeof entry === 'object' && 'id' in entry ? ` (${JSON.stringify(`${String((entry as { provider?: unknown }).provider)}:${String(entry.id)}`)})` : '';
  const rest = path.slice(2).map(String);
  return `models[${path[1]}]${name}${rest.length ? `.${rest.join('.')}` : ''}`;
}

function mergeModels(builtIn: readonly ModelSpec[], entries: readonly Entry[], problems: string[]): ModelSpec[] {
  const out = [...builtIn];
  const index = new Map<string, number>(out.map((m, i) => [key(m.provider, m.id), i]));
  entries.forEach((entry, i) => {
    const where = `models[${i}] (${JSON.stringify(`${entry.provider}:${entry.id}`)})`;
    const at = index.get(key(entry.provider, entry.id));
    if (at !== undefined) {
      out[at] = override(out[at], entry);
      return;
    }
    if (entry.contextWindow === undefined || entry.maxOutputTokens === undefined) {
      problems.push(`${where}: a new model needs contextWindow and maxOutputTokens`);
      return;
    }
    index.set(key(entry.provider, entry.id), out.length);
    out.push(
      override(
        {
          id: entry.id,
          provider: entry.provider,
          displayName: entry.id,
          contextWindow: entry.contextWindow,
          maxOutputTokens: entry.maxOutputTokens,
          modalities: { input: ['text'], output: entry.kind === 'embedding' ? [] : ['text'] },
          inputPriceUsdPerMTok: null,
          outputPriceUsdPerMTok: null,
        },
        entry,
      ),
    );
  });
  checkNames(out, problems);
  return out;
}

function override(model: ModelSpec, entry: Entry): ModelSpec {
  const next: ModelSpec = { ...model };
  if (entry.displayName !== undefined) next.displayName = entry.displayName;
  if (entry.contextWindow !== undefined) next.contextWindow = entry.contextWindow;
  if (entry.maxOutputTokens !== undefined) next.maxOutputTokens = entry.maxOutputTokens;
  if (entry.kind !== undefined) next.kind = entry.kind;
  if (entry.inputPriceUsdPerMTok !== undefined) next.inputPriceUsdPerMTok = entry.inputPriceUsdPerMTok;
  if (entry.outputPriceUsdPerMTok !== undefined) next.outputPriceUsdPerMTok = entry.outputPriceUsdPerMTok;
  if (entry.modalities !== undefined) next.modalities = entry.modalities;
  if (entry.maxTokensParam === null) delete next.maxTokensParam;
  else if (entry.maxTokensParam !== undefined) next.maxTokensParam = entry.maxTokensParam;
  if (entry.aliases !== undefined) next.aliases = entry.aliases;
  if (entry.longContextPrice === null) delete next.longContextPrice;
  else if (entry.longContextPrice !== undefined) next.longContextPrice = entry.longContextPrice;
  // A built-in model's cache prices are fractions of its built-in input price: a file that
  // changes the input price without giving cache prices bills cached input at that new price.
  if (entry.promptCachePrice === null || (entry.promptCachePrice === undefined && entry.inputPriceUsdPerMTok !== undefined)) delete next.promptCachePrice;
  else if (entry.promptCachePrice !== undefined) next.promptCachePrice = entry.promptCachePrice;
  if (entry.maxImageInputTokens === null) delete next.maxImageInputTokens;
  else if (entry.maxImageInputTokens !== undefined) next.maxImageInputTokens = entry.maxImageInputTokens;
  // Untouched built-ins stay the same frozen objects; changed and new ones are frozen here.
  return freeze(next);
}

/** An alias must not name another model of its provider (ids and aliases share one namespace per provider). */
function checkNames(models: readonly ModelSpec[], problems: string[]): void {
  const owner = new Map<string, ModelSpec>(models.map((m) => [key(m.provider, m.id), m]));
  for (const model of models) {
    for (const alias of model.aliases ?? []) {
      const k = key(model.provider, alias);
      const other = owner.get(k);
      if (other && other !== model) {
        problems.push(`alias ${JSON.stringify(alias)} of ${model.provider}:${model.id} already names ${model.provider}:${other.id}`);
      }
      owner.set(k, model);
    }
  }
}

function key(provider: string, id: string): string {
  return `${provider}\u0000${id.toLowerCase()}`;
}

function freeze(spec: ModelSpec): ModelSpec {
  return Object.freeze({
    ...spec,
    modalities: Object.freeze({ input: Object.freeze([...spec.modalities.input]) as Modality[], output: Object.freeze([...spec.modalities.output]) as Modality[] }),
    ...(spec.aliases ? { aliases: Object.freeze([...spec.aliases]) } : {}),
  });
}
