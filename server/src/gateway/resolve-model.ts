import { isPriced } from '../catalog/catalog.js';
import { modelServes } from '../catalog/lookup.js';
import type { ModelSpec, Surface } from '../catalog/types.js';
import { CredentialsMissingError } from '../errors/credits-error.js';
import { ModelUnknownError } from '../errors/not-found-error.js';
import { PermissionError } from '../errors/permission-error.js';
import { ModelNotSupportedError } from '../errors/validation-error.js';
import type { AccessContext } from './access-context.js';
import type { ListingSource } from './model-listings.js';
import type { ProviderDirectory, ResolvedProvider } from './provider-directory.js';
import { pickFirst } from './weighted-pick.js';

export type KeySource = 'user' | 'gateway' | 'none';

export interface Credential {
  keySource: KeySource;
  providerKeyId: string | null;
  secret: string | null;
}

/** One (provider, model, credential) to try, in order. */
export interface Attempt {
  provider: string;
  /** Upstream model id. */
  model: string;
  /** Catalog entry, for prices and limits; undefined for pass-through and custom models. */
  spec: ModelSpec | undefined;
  target: ResolvedProvider;
  credential: Credential;
  /** The virtual model this attempt was expanded from, if any. */
  virtualModel: string | null;
}

export interface Resolution {
  attempts: Attempt[];
  /** Fallback model strings skipped because the key may not use them (or the surface cannot serve them). */
  rejectedModels: string[];
}

interface ModelTarget {
  provider: string;
  model: string;
  spec: ModelSpec | undefined;
  target: ResolvedProvider;
}

class Rejection extends Error {
  constructor(readonly error: Error) {
    super(error.message);
  }
}

/** Model string → provider and upstream model, or a typed error. */
function resolveTarget(input: string, ctx: AccessContext, directory: ProviderDirectory): ModelTarget {
  const { catalog } = directory;
  const colon = input.indexOf(':');
  if (colon > 0) {
    const providerId = input.slice(0, colon);
    const modelId = input.slice(colon + 1);
    const builtIn = directory.getBuiltIn(providerId);
    if (builtIn && modelId.length > 0) {
      const spec = catalog.findModel(providerId, modelId);
      if (spec) return { provider: providerId, model: spec.id, spec, target: builtIn };
      // A dated snapshot keeps its id upstream and is priced as its catalog model.
      return { provider: providerId, model: modelId, spec: catalog.findDatedModel(modelId, providerId), target: builtIn };
    }
    const custom = ctx.customProviders.get(providerId);
    if (custom && modelId.length > 0) {
      const declared = custom.models.get(modelId.toLowerCase());
      if (!declared) {
        throw new ModelUnknownError(input, firstDeclared(custom.models, providerId));
      }
      return { provider: providerId, model: declared, spec: undefined, target: directory.fromCustom(custom) };
    }
  }
  const spec = catalog.findDefaultModel(input);
  if (spec) {
    const target = directory.getBuiltIn(spec.provider);
    if (target) return { provider: spec.provider, model: spec.id, spec, target };
  }
  // A dated snapshot of a catalog id: its model's provider, the id unchanged, the catalog's prices.
  const dated = catalog.findDatedModel(input);
  if (dated) {
    const target = directory.getBuiltIn(dated.provider);
    if (target) return { provider: dated.provider, model: input, spec: dated, target };
  }
  // A bare id declared by exactly one of the account's custom providers.
  for (const custom of ctx.customProviders.values()) {
    const declared = custom.models.get(input.toLowerCase());
    if (declared) return { provider: custom.providerId, model: declared, spec: undefined, target: directory.fromCustom(custom) };
  }
  const listed = colon < 0 ? findListed(input, ctx, directory) : undefined;
  if (listed) return listed;
  throw new ModelUnknownError(input, catalog.suggestModel(input));
}

/**
 * A bare id the provider itself lists (its cached `GET /models`, fetched with the credential the
 * request would use first): the first built-in provider in catalog order the key may use. Sync:
 * only cached listings are read here; `resolveAttemptsWithListings` loads missing ones.
 */
function findListed(input: string, ctx: AccessContext, directory: ProviderDirectory): ModelTarget | undefined {
  const listings = directory.listings;
  if (!listings) return undefined;
  for (const source of listingSources(ctx, directory)) {
    const model = listings.lookup(source.provider.endpoint.id, source.credentialId, input);
    if (model !== undefined) return { provider: source.provider.endpoint.id, model, spec: undefined, target: source.provider };
  }
  return undefined;
}

/**
 * One listing per built-in provider the key may use and holds its own key for: that provider's
 * first routed key (routing order, before any weighted pick), else the account's first key by
 * priority. Gateway credentials list nothing here: they serve priced catalog models only.
 */
export function listingSources(ctx: AccessContext, directory: ProviderDirectory): ListingSource[] {
  const out: ListingSource[] = [];
  for (const providerId of directory.builtInIds()) {
    if (ctx.allowedProviders && !ctx.allowedProviders.has(providerId)) continue;
    const rule = ctx.routing.get(providerId);
    const key = rule
      ? rule.providerKeyIds.map((id) => ctx.providerKeysById.get(id)).find((k) => k?.provider === providerId)
      : ctx.providerKeys.get(providerId)?.[0];
    const provider = directory.getBuiltIn(providerId);
    if (key && provider) out.push({ provider, credentialId: key.id, secret: key.secret });
  }
  return out;
}

function firstDeclared(models: Map<string, string>, providerId: string): string | undefined {
  const first = models.values().next();
  return first.done ? undefined : `${providerId}:${first.value}`;
}

function checkPolicy(t: ModelTarget, ctx: AccessContext): void {
  if (ctx.allowedProviders && !ctx.allowedProviders.has(t.provider)) {
    throw new PermissionError('provider_not_allowed', `This access key may not use provider ${JSON.stringify(t.provider)}.`);
  }
  // A dated snapshot is allowed where its catalog model is.
  const allowed = (model: string) => ctx.allowedModels?.has(`${t.provider}:${model}`.toLowerCase()) ?? true;
  if (!allowed(t.model) && !(t.spec && allowed(t.spec.id))) {
    throw new PermissionError('model_not_allowed', `This access key may not use model ${JSON.stringify(`${t.provider}:${t.model}`)}.`);
  }
}

/**
 * Whether the target can serve the route: `/v1/embeddings` needs a provider offering embeddings
 * and, for a catalog model, an embedding model; the generative routes refuse embedding models.
 * Uncatalogued models (pass-through, custom) are the caller's word: the provider decides.
 */
/**
 * What a request needs of a candidate beyond its surface. `storedState`: a Responses request that
 * continues a conversation the provider stored (`previous_response_id`, `conversation`), which only
 * a provider serving the Responses API itself can read: translated for any other, the request
 * would be answered without the earlier turns, as if it were complete.
 */
export interface CandidateNeeds {
  storedState?: 'previous_response_id' | 'conversation';
}

function checkServes(t: ModelTarget, surface: Surface, needs: CandidateNeeds): void {
  const name = JSON.stringify(`${t.provider}:${t.model}`);
  if (needs.storedState && !t.target.surfaces.includes('responses')) {
    throw new ModelNotSupportedError(
      `\`${needs.storedState}\` continues a conversation stored by the provider that answered it, and ${name} does not serve the Responses API itself, so it would answer without the earlier turns. Send the whole conversation in \`input\`, or use a model of a provider that serves /v1/responses (e.g. "openai:gpt-4o-mini").`,
    );
  }
  if (surface === 'embeddings' && !t.target.surfaces.includes('embeddings')) {
    throw new ModelNotSupportedError(`Provider ${JSON.stringify(t.provider)} does not offer embeddings, so ${name} cannot serve /v1/embeddings. Use an embedding model such as "openai:text-embedding-3-small".`);
  }
  if (!t.spec || modelServes(t.spec, surface)) return;
  throw new ModelNotSupportedError(
    surface === 'embeddings'
      ? `Model ${name} is a chat model and does not support embeddings; /v1/embeddings needs an embedding model such as "openai:text-embedding-3-small".`
      : `Model ${name} is an embedding model; call it on POST /v1/embeddings, not with a chat or messages request.`,
  );
}

/** The credentials to try for one model, in order (WEIGHTED routing picks the first key by weight). */
function credentialsFor(t: ModelTarget, ctx: AccessContext): Credential[] {
  const rule = ctx.routing.get(t.provider);
  const out: Credential[] = [];
  if (rule) {
    for (const id of pickFirst(rule.providerKeyIds, rule.picker)) {
      const key = ctx.providerKeysById.get(id);
      if (key && key.provider === t.provider) out.push({ keySource: 'user', providerKeyId: key.id, secret: key.secret });
    }
  } else {
    for (const key of ctx.providerKeys.get(t.provider) ?? []) {
      out.push({ keySource: 'user', providerKeyId: key.id, secret: key.secret });
    }
  }
  // Gateway credentials are billed at catalog prices, so they serve priced catalog models only.
  const gatewayAllowed = rule ? rule.useGatewayCredentials : true;
  if (gatewayAllowed && t.target.gatewaySecret && isPriced(t.spec)) {
    out.push({ keySource: 'gateway', providerKeyId: null, secret: t.target.gatewaySecret });
  }
  if (out.length === 0 && !t.target.builtIn && !rule) {
    // Custom providers may need no credential at all (a local vLLM, say).
    out.push({ keySource: 'none', providerKeyId: null, secret: null });
  }
  return out;
}

/** One model string to resolve, after virtual models are expanded into their targets. */
interface Candidate {
  input: string;
  virtualModel: string | null;
}

/** A virtual model's targets in the order to try them: WEIGHTED picks the first by weight. */
function expand(input: string, ctx: AccessContext): Candidate[] {
  const vm = input.includes(':') ? undefined : ctx.virtualModels.get(input.toLowerCase());
  if (!vm) return [{ input, virtualModel: null }];
  return pickFirst(vm.targets, vm.picker).map((t) => ({ input: t.model, virtualModel: vm.name }));
}

/**
 * `resolveAttempts`, and when a bare id is unknown to the catalog, the listings of the providers
 * the key may use are fetched (those not cached yet; at most once per id) and resolution runs
 * again. A known or already-listed model resolves synchronously: no promise, no upstream call.
 */
export function resolveAttemptsWithListings(
  surface: Surface,
  model: string,
  fallbacks: readonly string[],
  ctx: AccessContext,
  directory: ProviderDirectory,
  needs: CandidateNeeds = {},
): Resolution | Promise<Resolution> {
  try {
    return resolveAttempts(surface, model, fallbacks, ctx, directory, needs);
  } catch (err) {
    return resolveAfterListing(err, () => resolveAttempts(surface, model, fallbacks, ctx, directory, needs), ctx, directory);
  }
}

/** Fetches the key's listings not cached yet (see listingSources); false when there were none to fetch. */
export async function loadListings(ctx: AccessContext, directory: ProviderDirectory): Promise<boolean> {
  const listings = directory.listings;
  if (!listings) return false;
  const missing = listingSources(ctx, directory).filter((s) => !listings.has(s.provider.endpoint.id, s.credentialId));
  if (missing.length === 0) return false;
  await listings.load(missing);
  return true;
}

async function resolveAfterListing(first: unknown, again: () => Resolution, ctx: AccessContext, directory: ProviderDirectory): Promise<Resolution> {
  const tried = new Set<string>();
  let err = first;
  for (;;) {
    if (!(err instanceof ModelUnknownError) || err.model.includes(':') || tried.has(err.model)) throw err;
    tried.add(err.model);
    if (!(await loadListings(ctx, directory))) throw err;
    try {
      return again();
    } catch (next) {
      err = next;
    }
  }
}

/**
 * `[model, ...models]` → ordered attempts, applying the key's policy. Virtual models expand into
 * their targets. The primary model's problems are errors; a fallback or virtual-model target the
 * key may not use is skipped and reported (if nothing is left, the first such problem is the error).
 */
export function resolveAttempts(
  // Generative surfaces reach every provider (formats/ translates); embeddings only those that offer it.
  surface: Surface,
  model: string,
  fallbacks: readonly string[],
  ctx: AccessContext,
  directory: ProviderDirectory,
  needs: CandidateNeeds = {},
): Resolution {
  const attempts: Attempt[] = [];
  const rejectedModels: string[] = [];
  const seen = new Set<string>();
  let primaryProvider = '';
  let primaryPassThroughWithoutKey = false;
  let firstRejection: Error | undefined;

  const strings = [model, ...fallbacks];
  for (let i = 0; i < strings.length; i++) {
    const group = expand(strings[i], ctx);
    for (let j = 0; j < group.length; j++) {
      const { input, virtualModel } = group[j];
      // A virtual model's targets are all optional: skipped, never fatal on their own.
      const isPrimary = i === 0 && j === 0 && !virtualModel;
      let t: ModelTarget;
      try {
        try {
          t = resolveTarget(input, ctx, directory);
        } catch (err) {
          if (virtualModel && err instanceof ModelUnknownError) throw new Rejection(err);
          throw err;
        }
        if (isPrimary) primaryProvider = t.provider;
        try {
          checkPolicy(t, ctx);
          checkServes(t, surface, needs);
        } catch (err) {
          throw new Rejection(err as Error);
        }
        if (i === 0) primaryProvider ||= t.provider;
      } catch (err) {
        if (err instanceof Rejection) {
          if (isPrimary) throw err.error;
          firstRejection ??= err.error;
          rejectedModels.push(input);
          continue;
        }
        throw err;
      }
      const credentials = credentialsFor(t, ctx);
      if (i === 0 && t.provider === primaryProvider && credentials.length === 0 && t.target.builtIn && !isPriced(t.spec) && t.target.gatewaySecret) {
        primaryPassThroughWithoutKey = true;
      }
      // A fallback nothing can serve (no provider key routed, no gateway credentials) is skipped visibly.
      if (!isPrimary && credentials.length === 0) rejectedModels.push(input);
      for (const credential of credentials) {
        const key = `${t.provider}\u0000${t.model}\u0000${credential.providerKeyId ?? credential.keySource}`;
        if (seen.has(key)) continue;
        seen.add(key);
        attempts.push({ provider: t.provider, model: t.model, spec: t.spec, target: t.target, credential, virtualModel });
      }
    }
  }
  if (attempts.length === 0) {
    if (primaryPassThroughWithoutKey) {
      throw new ModelUnknownError(
        model,
        undefined,
        `Model ${JSON.stringify(model)} has no catalog price; it needs your own ${primaryProvider} provider key.`,
      );
    }
    if (!primaryProvider && firstRejection) throw firstRejection;
    throw new CredentialsMissingError(primaryProvider);
  }
  return { attempts, rejectedModels };
}
