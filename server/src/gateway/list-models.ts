import { BUILT_IN_PROVIDERS } from '../catalog/providers.js';
import { ModelUnknownError } from '../errors/not-found-error.js';
import type { ModelKind } from '../catalog/types.js';
import type { AccessContext } from './access-context.js';
import type { ProviderDirectory } from './provider-directory.js';
import { listingSources, loadListings } from './resolve-model.js';

/**
 * One model as both SDKs read it: OpenAI's model object (`object`, `created`, `owned_by`) plus
 * Anthropic's (`type`, `display_name`, `created_at`), so `models.list()` works from either, and
 * Claude Code's gateway model discovery labels its /model picker with display names.
 */
export interface ListedModel {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
  type: 'model';
  /** The catalog's name for the model; its id for models the catalog lacks. */
  display_name: string;
  created_at: string;
  /** `chat` or `embedding` (catalog models; custom providers' and listed models are not classified). */
  kind?: ModelKind;
  /** For an embedding model: the input limit per item. */
  context_window?: number;
  /** Absent for embedding models, which generate nothing. */
  max_output_tokens?: number;
}

/** Catalog epoch for `created`: the catalog does not track release dates. */
const CREATED = 1_735_689_600;
const CREATED_AT = new Date(CREATED * 1000).toISOString().replace('.000Z', 'Z');

function listed(providerId: string, model: string, displayName = model): ListedModel {
  return { id: `${providerId}:${model}`, object: 'model', created: CREATED, owned_by: providerId, type: 'model', display_name: displayName, created_at: CREATED_AT };
}

/** The list as both SDKs page it: OpenAI's `object`/`data`, Anthropic's `has_more`/`first_id`/`last_id` (one page: everything). */
export function modelList(data: readonly ListedModel[]) {
  return { object: 'list' as const, data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null };
}

/**
 * The models this key may call and has credentials for, as `provider:model`: the catalog's, then
 * those a provider lists in its own `GET /models` for the key's credential and the catalog lacks
 * (they resolve by bare id too, see resolve-model.ts), then custom providers' models. Listings
 * not cached yet are fetched first (one call per provider and credential, cached for minutes;
 * a provider that fails to list adds nothing).
 */
export async function listModelsFor(access: AccessContext, directory: ProviderDirectory): Promise<ListedModel[]> {
  await loadListings(access, directory);
  return listedModels(access, directory);
}

function listedModels(access: AccessContext, directory: ProviderDirectory): ListedModel[] {
  const out: ListedModel[] = [];
  const allowed = (provider: string, model: string) =>
    (!access.allowedProviders || access.allowedProviders.has(provider)) &&
    (!access.allowedModels || access.allowedModels.has(`${provider}:${model}`.toLowerCase()));

  for (const spec of BUILT_IN_PROVIDERS) {
    const target = directory.getBuiltIn(spec.id);
    if (!target) continue;
    const rule = access.routing.get(spec.id);
    const ownKeys = rule
      ? rule.providerKeyIds.some((id) => access.providerKeysById.get(id)?.provider === spec.id)
      : (access.providerKeys.get(spec.id)?.length ?? 0) > 0;
    const gateway = Boolean(target.gatewaySecret) && (rule ? rule.useGatewayCredentials : true);
    if (!ownKeys && !gateway) continue;
    for (const m of directory.catalog.listModels(spec.id)) {
      if (!allowed(spec.id, m.id)) continue;
      const kind = m.kind ?? 'chat';
      out.push({
        ...listed(spec.id, m.id, m.displayName),
        kind,
        context_window: m.contextWindow,
        ...(kind === 'embedding' ? {} : { max_output_tokens: m.maxOutputTokens }),
      });
    }
  }
  const { listings } = directory;
  if (listings) {
    for (const source of listingSources(access, directory)) {
      const providerId = source.provider.endpoint.id;
      for (const model of listings.listed(providerId, source.credentialId)) {
        // A catalog model (or a dated snapshot of one) is listed above, or is not for this key.
        if (directory.catalog.findModel(providerId, model) || directory.catalog.findDatedModel(model, providerId) || !allowed(providerId, model)) continue;
        out.push(listed(providerId, model));
      }
    }
  }
  for (const custom of access.customProviders.values()) {
    for (const model of custom.models.values()) {
      if (!allowed(custom.providerId, model)) continue;
      out.push(listed(custom.providerId, model));
    }
  }
  return out;
}

/**
 * One entry of the key's `/v1/models` list (`GET /v1/models/{id}`): `provider:model` as listed,
 * or a bare model id, which names its first listing (catalog order puts the default provider
 * first). Matched case-insensitively, as model strings are; anything else is `model_unknown`.
 */
export async function findListedModel(access: AccessContext, directory: ProviderDirectory, id: string): Promise<ListedModel> {
  const wanted = id.toLowerCase();
  const listed = await listModelsFor(access, directory);
  const found =
    listed.find((m) => m.id.toLowerCase() === wanted) ??
    listed.find((m) => m.id.slice(m.owned_by.length + 1).toLowerCase() === wanted);
  if (!found) throw new ModelUnknownError(id, directory.catalog.suggestModel(id));
  return found;
}
