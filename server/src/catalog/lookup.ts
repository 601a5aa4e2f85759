import { BUILT_IN_PROVIDERS } from './providers.js';
import type { ModelSpec, ProviderSpec, Surface } from './types.js';

// Provider lookups. Model lookups live on Catalog (catalog.ts): the operator's CATALOG_FILE extends
// the models, so they go through the catalog in effect, never through module state.

const providersById = new Map<string, ProviderSpec>(BUILT_IN_PROVIDERS.map((p) => [p.id, p]));

/** Built-in provider by exact id. */
export function getBuiltInProvider(id: string): ProviderSpec | undefined {
  return providersById.get(id);
}

export function isBuiltInProviderId(id: string): boolean {
  return providersById.has(id);
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
