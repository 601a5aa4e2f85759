import { BUILT_IN_MODELS } from './models.js';
import { BUILT_IN_PROVIDERS } from './providers.js';
import type { ModelSpec, ProviderSpec, Surface } from './types.js';

// Indexes are built once at module load: lookups below are on the request hot path.

const providersById = new Map<string, ProviderSpec>(BUILT_IN_PROVIDERS.map((p) => [p.id, p]));

/** provider id → (lower-cased model id → model) */
const modelsByProvider = new Map<string, Map<string, ModelSpec>>();
/** provider id → that provider's models, in catalog order */
const modelListByProvider = new Map<string, readonly ModelSpec[]>();
/** lower-cased model id → the model on its default provider (first in BUILT_IN_PROVIDERS order) */
const defaultModels = new Map<string, ModelSpec>();

for (const provider of BUILT_IN_PROVIDERS) {
  const models = BUILT_IN_MODELS.filter((m) => m.provider === provider.id);
  modelListByProvider.set(provider.id, Object.freeze(models));
  const byId = new Map<string, ModelSpec>();
  for (const model of models) {
    const key = model.id.toLowerCase();
    if (!byId.has(key)) byId.set(key, model);
    if (!defaultModels.has(key)) defaultModels.set(key, model);
  }
  modelsByProvider.set(provider.id, byId);
}

const NO_MODELS: readonly ModelSpec[] = Object.freeze([]);

/** Built-in provider by exact id. */
export function getBuiltInProvider(id: string): ProviderSpec | undefined {
  return providersById.get(id);
}

export function isBuiltInProviderId(id: string): boolean {
  return providersById.has(id);
}

/** All built-in models, or one provider's (empty for an unknown provider). */
export function listBuiltInModels(providerId?: string): readonly ModelSpec[] {
  if (providerId === undefined) return BUILT_IN_MODELS;
  return modelListByProvider.get(providerId) ?? NO_MODELS;
}

/** A provider's catalog model; the model id is matched case-insensitively, the provider id exactly. */
export function findModel(providerId: string, modelId: string): ModelSpec | undefined {
  return modelsByProvider.get(providerId)?.get(modelId.toLowerCase());
}

/**
 * A bare catalog model id (case-insensitive) on its default provider: the first provider in
 * BUILT_IN_PROVIDERS order that lists it (`gpt-4o` → openai, `openai/gpt-4o` → openrouter).
 */
export function findDefaultModel(modelId: string): ModelSpec | undefined {
  return defaultModels.get(modelId.toLowerCase());
}

/** A date suffix providers pin model snapshots with: `-20250929` (Anthropic) or `-2024-07-18` (OpenAI). */
const DATED = /^(.+)-(?:\d{8}|\d{4}-\d{2}-\d{2})$/;

/**
 * The catalog model a dated snapshot id belongs to (`claude-sonnet-4-5-20250929` →
 * `claude-sonnet-4-5`), on `providerId` or, without one, on its default provider. Exact catalog
 * ids are looked up first by the callers, so a catalogued id that ends in a date is never split.
 */
export function findDatedModel(modelId: string, providerId?: string): ModelSpec | undefined {
  const base = DATED.exec(modelId)?.[1];
  if (base === undefined) return undefined;
  return providerId === undefined ? findDefaultModel(base) : findModel(providerId, base);
}

/** Whether a model only embeds (served on `/v1/embeddings`, refused on the generative surfaces). */
export function isEmbeddingModel(spec: ModelSpec): boolean {
  return spec.kind === 'embedding';
}

/** Whether a catalog model can serve `surface`: embedding models embeddings only, every other model the rest. */
export function modelServes(spec: ModelSpec, surface: Surface): boolean {
  return isEmbeddingModel(spec) === (surface === 'embeddings');
}

/** Whether callers need their own provider key (the operator offers no gateway credentials). */
export function needsProviderKey(provider: ProviderSpec): boolean {
  return provider.gatewayCredentialEnv === undefined;
}

// ---------------------------------------------------------------------------------------------
// Suggestions (error path only; linear scan is fine)

/** Distinct catalog ids, each in its default provider's spelling, in catalog order. */
const suggestionCandidates: readonly { id: string; key: string }[] = [...defaultModels.values()].map(
  (m) => ({ id: m.id, key: m.id.toLowerCase() }),
);

/**
 * The catalog model id closest to `input` (case-insensitive edit distance), also trying the part
 * after a `provider:` prefix. Only returned when reasonably close: distance ≤ max(2, 40% of the
 * compared length) and smaller than that length, so short garbage gets no suggestion.
 */
export function suggestModel(input: string): string | undefined {
  const normalized = input.trim().toLowerCase();
  const variants = new Set<string>();
  if (normalized !== '') variants.add(normalized);
  const colon = normalized.indexOf(':');
  if (colon >= 0) {
    const rest = normalized.slice(colon + 1).trim();
    if (rest !== '') variants.add(rest);
  }

  let best: { id: string; distance: number } | undefined;
  for (const variant of variants) {
    const limit = Math.min(Math.max(2, Math.floor(variant.length * 0.4)), variant.length - 1);
    if (limit < 0) continue;
    for (const candidate of suggestionCandidates) {
      const ceiling = Math.min(limit, best ? best.distance - 1 : limit);
      if (ceiling < 0) break;
      const distance = boundedLevenshtein(variant, candidate.key, ceiling);
      if (distance <= ceiling) best = { id: candidate.id, distance };
    }
  }
  return best?.id;
}

/** Levenshtein distance, or `bound + 1` as soon as it is known to exceed `bound`. */
function boundedLevenshtein(a: string, b: string, bound: number): number {
  if (Math.abs(a.length - b.length) > bound) return bound + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  let current = new Array<number>(b.length + 1);
  for (let i = 1; i <= a.length; i += 1) {
    current[0] = i;
    let rowMin = current[0];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = previous[j - 1] + (a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1);
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, substitution);
      if (current[j] < rowMin) rowMin = current[j];
    }
    if (rowMin > bound) return bound + 1;
    [previous, current] = [current, previous];
  }
  return previous[b.length];
}
