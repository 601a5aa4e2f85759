export type { ApiFormat, AuthStyle, GenerativeSurface, Modality, ModelKind, ModelSpec, ProviderSpec, Surface } from './types.js';
export { BUILT_IN_PROVIDERS } from './providers.js';
export { BUILT_IN_MODELS } from './models.js';
export { BUILT_IN_CATALOG, Catalog, isPriced } from './catalog.js';
export { getBuiltInProvider, isBuiltInProviderId, isEmbeddingModel, modelServes, needsProviderKey } from './lookup.js';
