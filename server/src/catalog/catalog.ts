import { BUILT_IN_MODELS } from './models.js';
import { BUILT_IN_PROVIDERS } from './providers.js';
import type { ModelSpec } from './types.js';

/** A date suffix providers pin model snapshots with: `-20250929` (Anthropic) or `-2024-07-18` (OpenAI). */
const DATED = /^(.+)-(?:\d{8}|\d{4}-\d{2}-\d{2})$/;

const NO_MODELS: readonly ModelSpec[] = Object.freeze([]);

/**
 * The model catalog in effect: the built-in models with the operator's CATALOG_FILE merged over
 * them (see catalog-file.ts). Built once at start-up and passed to whoever resolves, lists or
 * prices models; indexes are built in the constructor because lookups are on the request hot path.
 */
export class Catalog {
  /** provider id → (lower-cased model id or alias → model) */
  private readonly byProvider = new Map<string, Map<string, ModelSpec>>();
  /** provider id → that provider's models, in catalog order */
  private readonly listByProvider = new Map<string, readonly ModelSpec[]>();
  /** lower-cased model id or alias → the model on its default provider (first in BUILT_IN_PROVIDERS order) */
  private readonly defaults = new Map<string, ModelSpec>();
  /** Distinct ids, each in its default provider's spelling, in catalog order (suggestions only). */
  private readonly suggestionCandidates: readonly { id: string; key: string }[];

  /** `models` must belong to built-in providers; ids (and aliases) unique per provider case-insensitively. */
  constructor(readonly models: readonly ModelSpec[]) {
    for (const provider of BUILT_IN_PROVIDERS) {
      const own = models.filter((m) => m.provider === provider.id);
      this.listByProvider.set(provider.id, Object.freeze(own));
      const byId = new Map<string, ModelSpec>();
      // Ids first, then aliases: an alias never hides another model's id.
      for (const model of own) byId.set(model.id.toLowerCase(), model);
      for (const model of own) {
        for (const alias of model.aliases ?? []) if (!byId.has(alias.toLowerCase())) byId.set(alias.toLowerCase(), model);
      }
      for (const [key, model] of byId) if (!this.defaults.has(key)) this.defaults.set(key, model);
      this.byProvider.set(provider.id, byId);
    }
    this.suggestionCandidates = [...new Set(this.defaults.values())].map((m) => ({ id: m.id, key: m.id.toLowerCase() }));
  }

  /** All models, or one provider's (empty for an unknown provider). */
  listModels(providerId?: string): readonly ModelSpec[] {
    if (providerId === undefined) return this.models;
    return this.listByProvider.get(providerId) ?? NO_MODELS;
  }

  /** A provider's catalog model by id or alias; the model id is matched case-insensitively, the provider id exactly. */
  findModel(providerId: string, modelId: string): ModelSpec | undefined {
    return this.byProvider.get(providerId)?.get(modelId.toLowerCase());
  }

  /**
   * A bare catalog model id or alias (case-insensitive) on its default provider: the first
   * provider in BUILT_IN_PROVIDERS order that lists it (`gpt-4o` → openai, `openai/gpt-4o` → openrouter).
   */
  findDefaultModel(modelId: string): ModelSpec | undefined {
    return this.defaults.get(modelId.toLowerCase());
  }

  /**
   * The catalog model a dated snapshot id belongs to (`claude-sonnet-4-5-20250929` →
   * `claude-sonnet-4-5`), on `providerId` or, without one, on its default provider. Exact catalog
   * ids are looked up first by the callers, so a catalogued id that ends in a date is never split.
   */
  findDatedModel(modelId: string, providerId?: string): ModelSpec | undefined {
    const base = DATED.exec(modelId)?.[1];
    if (base === undefined) return undefined;
    return providerId === undefined ? this.findDefaultModel(base) : this.findModel(providerId, base);
  }

  /** Whether `name` is (or is a dated variant of) a bare catalog id or alias. */
  isCatalogModelId(name: string): boolean {
    return this.findDefaultModel(name) !== undefined || this.findDatedModel(name) !== undefined;
  }

  /**
   * The catalog model id closest to `input` (case-insensitive edit distance), also trying the part
   * after a `provider:` prefix. Only returned when reasonably close: distance ≤ max(2, 40% of the
   * compared length) and smaller than that length, so short garbage gets no suggestion.
   * Error path only: a linear scan is fine.
   */
  suggestModel(input: string): string | undefined {
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
      for (const candidate of this.suggestionCandidates) {
        const ceiling = Math.min(limit, best ? best.distance - 1 : limit);
        if (ceiling < 0) break;
        const distance = boundedLevenshtein(variant, candidate.key, ceiling);
        if (distance <= ceiling) best = { id: candidate.id, distance };
      }
    }
    return best?.id;
  }
}

/** Whether a model has catalog prices (gateway credentials serve only those: anything else would be free inference). */
export function isPriced(model: ModelSpec | undefined): model is ModelSpec & { inputPriceUsdPerMTok: string; outputPriceUsdPerMTok: string } {
  return model !== undefined && model.inputPriceUsdPerMTok !== null && model.outputPriceUsdPerMTok !== null;
}

/** The catalog without an operator file. */
export const BUILT_IN_CATALOG = new Catalog(BUILT_IN_MODELS);

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
