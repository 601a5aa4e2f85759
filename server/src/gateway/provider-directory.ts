import { BUILT_IN_CATALOG, type Catalog } from '../catalog/catalog.js';
import { BUILT_IN_PROVIDERS } from '../catalog/providers.js';
import type { ProviderSpec, Surface } from '../catalog/types.js';
import type { Config } from '../config.js';
import type { ProviderEndpoint } from './adapters/adapter.js';
import type { CustomProviderInfo } from './access-context.js';
import { ModelListings, type ModelListingsOptions } from './model-listings.js';

export interface ResolvedProvider {
  endpoint: ProviderEndpoint;
  builtIn: boolean;
  surfaces: readonly Surface[];
  /** Operator credential for gateway inference, when the provider offers it and it is configured. */
  gatewaySecret: string | undefined;
  /** Custom providers are user-supplied URLs and go through the egress guard. */
  egress: 'trusted' | 'guarded';
}

/**
 * Built-in providers with operator overrides applied and the catalog in effect (CATALOG_FILE
 * merged), built once at start-up; custom providers turned into the same shape on demand.
 */
export class ProviderDirectory {
  private builtIn = new Map<string, ResolvedProvider>();
  readonly catalog: Catalog;
  /** The providers' own model lists, for bare ids the catalog lacks; undefined: no discovery (unit tests). */
  readonly listings: ModelListings | undefined;

  constructor(
    config: Pick<Config, 'providerBaseUrlOverrides' | 'managedKeys'> & { catalog?: Catalog },
    deps: { upstream?: ModelListingsOptions['upstream']; listings?: Omit<ModelListingsOptions, 'upstream'> } = {},
  ) {
    this.catalog = config.catalog ?? BUILT_IN_CATALOG;
    this.listings = deps.upstream ? new ModelListings({ upstream: deps.upstream, ...deps.listings }) : undefined;
    for (const spec of BUILT_IN_PROVIDERS) {
      this.builtIn.set(spec.id, {
        endpoint: endpointOf(spec, config.providerBaseUrlOverrides[spec.id] ?? spec.baseUrl),
        builtIn: true,
        surfaces: spec.surfaces,
        gatewaySecret: spec.gatewayCredentialEnv ? config.managedKeys[spec.gatewayCredentialEnv] : undefined,
        egress: 'trusted',
      });
    }
  }

  getBuiltIn(id: string): ResolvedProvider | undefined {
    return this.builtIn.get(id);
  }

  /** Built-in provider ids in catalog order (a bare id resolves to the first that has it). */
  builtInIds(): IterableIterator<string> {
    return this.builtIn.keys();
  }

  fromCustom(info: CustomProviderInfo): ResolvedProvider {
    const anthropic = info.apiFormat === 'anthropic';
    return {
      endpoint: {
        id: info.providerId,
        baseUrl: info.baseUrl,
        apiFormat: info.apiFormat,
        authStyle: anthropic ? 'x-api-key' : 'bearer',
        fixedHeaders: anthropic ? { 'anthropic-version': '2023-06-01' } : {},
        stripParams: [],
        // vLLM, Ollama, LM Studio and most OpenAI-compatible servers accept include_usage.
        supportsStreamUsage: !anthropic,
      },
      builtIn: false,
      // Most OpenAI-compatible servers (Ollama, LM Studio, older vLLM) lack /responses: it is translated to chat.
      // They do serve /embeddings (for the models that embed; the server refuses the others).
      surfaces: anthropic ? ['messages'] : ['chat', 'embeddings'],
      gatewaySecret: undefined,
      egress: 'guarded',
    };
  }
}

function endpointOf(spec: ProviderSpec, baseUrl: string): ProviderEndpoint {
  return {
    id: spec.id,
    baseUrl,
    apiFormat: spec.apiFormat,
    authStyle: spec.authStyle,
    fixedHeaders: spec.fixedHeaders,
    stripParams: spec.stripParams,
    supportsStreamUsage: spec.supportsStreamUsage,
    ...(spec.echoesReasoningContent ? { echoesReasoningContent: true } : {}),
  };
}
