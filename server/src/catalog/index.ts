export type { ApiFormat, AuthStyle, GenerativeSurface, Modality, ModelKind, ModelSpec, ProviderSpec, Surface } from './types.js';
export { BUILT_IN_PROVIDERS } from './providers.js';
export { BUILT_IN_MODELS } from './models.js';
export {
  findDefaultModel,
  findModel,
  getBuiltInProvider,
  isBuiltInProviderId,
  isEmbeddingModel,
  modelServes,
  listBuiltInModels,
  needsProviderKey,
  suggestModel,
} from './lookup.js';
