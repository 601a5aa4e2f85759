import { BUILT_IN_PROVIDERS } from '../catalog/providers.js';
import { ModelUnknownError } from '../errors/not-found-error.js';
import { ValidationError } from '../errors/validation-error.js';
import type { ModelKind, ModelSpec } from '../catalog/types.js';
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

/** Anthropic's default and largest `limit`. */
const DEFAULT_PAGE = 20;
const MAX_PAGE = 1000;

/**
 * The list as both SDKs page it: OpenAI's `object`/`data` (one page, everything: OpenAI's list
 * takes no paging parameters), with Anthropic's `has_more`/`first_id`/`last_id`. A caller that
 * pages as Anthropic's API does (`limit`, `after_id`, `before_id`) gets that page; an unknown
 * cursor id is an empty page, as a model that left the list since the last page would be.
 */
export function modelList(all: readonly ListedModel[], query: URLSearchParams = new URLSearchParams()) {
  const limitParam = query.get('limit');
  const after = query.get('after_id');
  const before = query.get('before_id');
  if (limitParam === null && after === null && before === null) return page(all, false);
  const limit = limitParam === null ? DEFAULT_PAGE : Number(limitParam);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw new ValidationError(`limit: must be an integer from 1 to ${MAX_PAGE}`);
  const indexOf = (id: string) => all.findIndex((m) => m.id === id);
  if (before !== null) {
    const end = indexOf(before);
    if (end < 0) return page([], false);
    const start = Math.max(0, end - limit);
    return page(all.slice(start, end), start > 0);
  }
  let start = 0;
  if (after !== null) {
    const at = indexOf(after);
    if (at < 0) return page([], false);
    start = at + 1;
  }
  return page(all.slice(start, start + limit), start + limit < all.length);
}

function page(data: readonly ListedModel[], hasMore: boolean) {
  return { object: 'list' as const, data, has_more: hasMore, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null };
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

/** The key's configuration lets it call `provider:model`. */
function allowed(access: AccessContext, provider: string, model: string): boolean {
  return (
    (!access.allowedProviders || access.allowedProviders.has(provider)) &&
    (!access.allowedModels || access.allowedModels.has(`${provider}:${model}`.toLowerCase()))
  );
}

/** A built-in provider has credentials for this key: a provider key routed to it, or the gateway's own. */
function hasCredentials(access: AccessContext, directory: ProviderDirectory, providerId: string): boolean {
  const target = directory.getBuiltIn(providerId);
  if (!target) return false;
  const rule = access.routing.get(providerId);
  const ownKeys = rule
    ? rule.providerKeyIds.some((id) => access.providerKeysById.get(id)?.provider === providerId)
    : (access.providerKeys.get(providerId)?.length ?? 0) > 0;
  return ownKeys || (Boolean(target.gatewaySecret) && (rule ? rule.useGatewayCredentials : true));
}

function listedModels(access: AccessContext, directory: ProviderDirectory): ListedModel[] {
  const out: ListedModel[] = [];
  for (const spec of BUILT_IN_PROVIDERS) {
    if (!hasCredentials(access, directory, spec.id)) continue;
    for (const m of directory.catalog.listModels(spec.id)) {
      if (!allowed(access, spec.id, m.id)) continue;
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
        if (directory.catalog.findModel(providerId, model) || directory.catalog.findDatedModel(model, providerId) || !allowed(access, providerId, model)) continue;
        out.push(listed(providerId, model));
      }
    }
  }
  for (const custom of access.customProviders.values()) {
    for (const model of custom.models.values()) {
      if (!allowed(access, custom.providerId, model)) continue;
      out.push(listed(custom.providerId, model));
    }
  }
  return out;
}

/**
 * One entry of the key's `/v1/models` list (`GET /v1/models/{id}`): `provider:model` as listed,
 * or a bare model id, which names its first listing (catalog order puts the default provider
 * first). Matched case-insensitively, as model strings are. A dated snapshot of a listed catalog
 * model (`claude-sonnet-4-5-20250929`), which inference serves under that id, answers its base
 * model's entry under the asked id. Anything else is `model_unknown`, saying why when the catalog
 * knows the model.
 */
export async function findListedModel(access: AccessContext, directory: ProviderDirectory, id: string): Promise<ListedModel> {
  const listed = await listModelsFor(access, directory);
  const found = entryOf(listed, id);
  if (found) return found;
  const { provider, model } = splitModelId(id);
  const catalog = directory.catalog;
  const dated = catalog.findDatedModel(model, provider);
  const base = dated && entryOf(listed, `${dated.provider}:${dated.id}`);
  if (base) return { ...base, id: `${base.owned_by}:${model}` };
  const spec = dated ?? (provider === undefined ? catalog.findDefaultModel(model) : catalog.findModel(provider, model));
  if (spec) throw new ModelUnknownError(id, undefined, `Model ${JSON.stringify(id)} is not available to this access key: ${whyNotListed(access, directory, spec)}.`);
  const suggestion = catalog.suggestModel(id);
  // A suggestion that is the id itself (a catalog id on another provider, say) helps nobody.
  throw new ModelUnknownError(id, suggestion?.toLowerCase() === model.toLowerCase() ? undefined : suggestion);
}

function entryOf(listed: readonly ListedModel[], id: string): ListedModel | undefined {
  const wanted = id.toLowerCase();
  return listed.find((m) => m.id.toLowerCase() === wanted) ?? listed.find((m) => m.id.slice(m.owned_by.length + 1).toLowerCase() === wanted);
}

/** `provider:model` split at its first colon; a bare id has no provider. */
function splitModelId(id: string): { provider: string | undefined; model: string } {
  const colon = id.indexOf(':');
  return colon < 0 ? { provider: undefined, model: id } : { provider: id.slice(0, colon), model: id.slice(colon + 1) };
}

/** Why a catalog model is missing from the key's list, in the words of the errors inference would answer. */
function whyNotListed(access: AccessContext, directory: ProviderDirectory, spec: ModelSpec): string {
  const { provider, id } = spec;
  if (access.allowedProviders && !access.allowedProviders.has(provider)) return `its configuration does not allow provider "${provider}"`;
  if (!allowed(access, provider, id)) return `its configuration does not allow model "${provider}:${id}"`;
  if (!hasCredentials(access, directory, provider)) return `no provider key is configured for provider "${provider}" and it has no gateway credentials`;
  return `provider "${provider}" is not available`;
}
