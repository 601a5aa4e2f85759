import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  BUILT_IN_PROVIDERS,
  getBuiltInProvider,
  type ApiFormat,
  type ModelKind,
  type ModelSpec,
  type ProviderSpec,
} from '../catalog/index.js';
import type { Config } from '../config.js';
import { CustomProvider, type ICustomProvider } from '../entities/custom-provider.entity.js';

/** What the admin API shows for a provider (built-in or custom). */
export interface ProviderView {
  id: string;
  name: string;
  builtIn: boolean;
  apiFormat: ApiFormat;
  /** Effective base URL (operator overrides applied). */
  baseUrl: string;
  needsProviderKey: boolean;
  gatewayCredentials: boolean;
  docsUrl: string | null;
  models: ModelView[];
}

export interface ModelView {
  id: string;
  provider: string;
  displayName: string | null;
  contextWindow: number | null;
  maxOutputTokens: number | null;
  inputPriceUsdPerMTok: string | null;
  outputPriceUsdPerMTok: string | null;
  /** Input read from the provider's prompt cache; null where the catalog gives no cache price (billed as input). */
  cachedInputPriceUsdPerMTok: string | null;
  inputModalities: string[] | null;
  outputModalities: string[] | null;
  /** Catalog models only; custom providers declare bare ids, unclassified. */
  kind: ModelKind | null;
}

export type ProviderConfig = Pick<Config, 'managedKeys' | 'catalog'>;

/** A provider id an account may reference: built-in, or one of its own custom providers. */
export interface KnownProvider {
  id: string;
  builtIn: boolean;
  /** Lower-cased declared model ids of a custom provider; undefined for built-ins (pass-through allowed). */
  declaredModels?: ReadonlySet<string>;
}

/** Whether the operator configured gateway credentials for a built-in provider. */
export function hasGatewayCredentials(spec: ProviderSpec, config: ProviderConfig): boolean {
  return spec.gatewayCredentialEnv !== undefined && Boolean(config.managedKeys[spec.gatewayCredentialEnv]);
}

function builtInModelView(m: ModelSpec): ModelView {
  return {
    id: m.id,
    provider: m.provider,
    displayName: m.displayName,
    contextWindow: m.contextWindow,
    maxOutputTokens: m.maxOutputTokens,
    inputPriceUsdPerMTok: m.inputPriceUsdPerMTok,
    outputPriceUsdPerMTok: m.outputPriceUsdPerMTok,
    cachedInputPriceUsdPerMTok: m.inputPriceUsdPerMTok === null ? null : (m.promptCachePrice?.readUsdPerMTok ?? null),
    inputModalities: [...m.modalities.input],
    outputModalities: [...m.modalities.output],
    kind: m.kind ?? 'chat',
  };
}

export function builtInProviderView(spec: ProviderSpec, config: ProviderConfig): ProviderView {
  const gatewayCredentials = hasGatewayCredentials(spec, config);
  return {
    id: spec.id,
    name: spec.name,
    builtIn: true,
    apiFormat: spec.apiFormat,
    // The catalog's URL: an operator override (PROVIDER_BASE_URL_*) is often an internal address, not for tenants.
    baseUrl: spec.baseUrl,
    // Without gateway credentials configured by the operator, calls need the account's own key.
    needsProviderKey: !gatewayCredentials,
    gatewayCredentials,
    docsUrl: spec.docsUrl ?? null,
    models: config.catalog.listModels(spec.id).map(builtInModelView),
  };
}

export function customProviderView(cp: ICustomProvider): ProviderView {
  return {
    id: cp.providerId,
    name: cp.name,
    builtIn: false,
    apiFormat: cp.apiFormat === 'anthropic' ? 'anthropic' : 'openai',
    baseUrl: cp.baseUrl,
    // A custom endpoint may need no key at all (e.g. a local server); keys are sent when routed.
    needsProviderKey: false,
    gatewayCredentials: false,
    docsUrl: null,
    models: cp.models.map((id) => ({
      id,
      provider: cp.providerId,
      displayName: null,
      contextWindow: null,
      maxOutputTokens: null,
      inputPriceUsdPerMTok: null,
      outputPriceUsdPerMTok: null,
      cachedInputPriceUsdPerMTok: null,
      inputModalities: null,
      outputModalities: null,
      kind: null,
    })),
  };
}

/** Built-in providers in catalog order, then the account's custom providers by id. */
export async function listProviders(em: EntityManager, accountId: string, config: ProviderConfig): Promise<ProviderView[]> {
  const custom = await em.find(CustomProvider, { accountId }, { orderBy: { providerId: 'asc' } });
  return [...BUILT_IN_PROVIDERS.map((spec) => builtInProviderView(spec, config)), ...custom.map(customProviderView)];
}

/**
 * The subset of `ids` the account may reference. Custom providers are read with FOR SHARE when
 * `lock` is set (inside a transaction), so a concurrent delete or rename waits for the caller.
 */
export async function loadKnownProviders(
  em: EntityManager,
  accountId: string,
  ids: Iterable<string>,
  options: { lock?: boolean } = {},
): Promise<Map<string, KnownProvider>> {
  const known = new Map<string, KnownProvider>();
  const customIds: string[] = [];
  for (const id of new Set(ids)) {
    if (getBuiltInProvider(id)) known.set(id, { id, builtIn: true });
    else customIds.push(id);
  }
  if (customIds.length > 0) {
    const rows = await em.find(
      CustomProvider,
      { accountId, providerId: { $in: customIds } },
      options.lock ? { lockMode: LockMode.PESSIMISTIC_READ } : {},
    );
    for (const cp of rows) {
      known.set(cp.providerId, {
        id: cp.providerId,
        builtIn: false,
        declaredModels: new Set(cp.models.map((m) => m.toLowerCase())),
      });
    }
  }
  return known;
}
