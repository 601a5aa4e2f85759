import { LRUCache } from 'lru-cache';
import type { ProviderEndpoint } from './adapters/adapter.js';
import type { ResolvedProvider } from './provider-directory.js';
import { isSuccess, type UpstreamClient } from './upstream.js';

/**
 * The providers' own model lists (`GET <baseUrl>/models`), so a model a provider ships today
 * resolves before the catalog knows it. A listing is fetched with one credential (the one the
 * request would use first) and cached per (provider, credential): another account's key may see
 * other models (fine-tunes), so listings are never shared between credentials.
 *
 * Cold path only: resolve-model reads listings synchronously from the cache (`lookup`); a
 * request for an id nothing resolves awaits `load` for the listings it lacks, then resolves again.
 * lru-cache's `fetch` gives single-flight (concurrent cold requests share one upstream call), TTLs
 * and the bound; a failed listing is cached as empty for a shorter time (a negative entry), so a
 * provider that is down costs one call per minute, not one per request.
 */

export interface ListingSource {
  provider: ResolvedProvider;
  /** Stable id of the credential (the provider key's id), the cache key with the provider id. */
  credentialId: string;
  secret: string;
}

export interface ModelListingsOptions {
  upstream: Pick<UpstreamClient, 'fetch'>;
  /** How long a fetched listing is trusted. */
  ttlMs?: number;
  /** How long a failed fetch is remembered (the id stays unknown meanwhile). */
  failureTtlMs?: number;
  /** Per listing call (headers and body). */
  timeoutMs?: number;
  maxEntries?: number;
}

/** lower-cased id → the id as the provider spells it; null for a failed fetch. */
type Listing = { ids: ReadonlyMap<string, string> | null };

export const LISTING_DEFAULTS = { ttlMs: 10 * 60_000, failureTtlMs: 60_000, timeoutMs: 5_000, maxEntries: 10_000 } as const;
/** A listing is small; a body past this is not a listing we want to parse. */
const MAX_LISTING_BYTES = 8 * 1024 * 1024;
/** Anthropic pages its list (`has_more` / `last_id`); a few pages of 1,000 are every model there is. */
const MAX_PAGES = 5;

export class ModelListings {
  private readonly cache: LRUCache<string, Listing, ListingSource>;
  private readonly timeoutMs: number;

  constructor(private readonly options: ModelListingsOptions) {
    const ttl = options.ttlMs ?? LISTING_DEFAULTS.ttlMs;
    const failureTtl = options.failureTtlMs ?? LISTING_DEFAULTS.failureTtlMs;
    this.timeoutMs = options.timeoutMs ?? LISTING_DEFAULTS.timeoutMs;
    this.cache = new LRUCache<string, Listing, ListingSource>({
      max: options.maxEntries ?? LISTING_DEFAULTS.maxEntries,
      ttl,
      fetchMethod: async (_key, _stale, { options: setOptions, context }) => {
        try {
          return { ids: await this.fetchListing(context) };
        } catch {
          // Degrades to "not listed" (model_unknown), never a 500; retried after failureTtl.
          setOptions.ttl = failureTtl;
          return { ids: null };
        }
      },
    });
  }

  /** Sync, warm path: the provider's spelling of `modelId` if the cached listing has it; undefined otherwise. */
  lookup(providerId: string, credentialId: string, modelId: string): string | undefined {
    return this.cache.get(cacheKey(providerId, credentialId))?.ids?.get(modelId.toLowerCase());
  }

  /** The ids a cached listing holds, as the provider spells them (in its order); empty when none is cached or it failed. */
  listed(providerId: string, credentialId: string): Iterable<string> {
    return this.cache.get(cacheKey(providerId, credentialId))?.ids?.values() ?? [];
  }

  /** Whether a listing (or a remembered failure) for this credential is cached. */
  has(providerId: string, credentialId: string): boolean {
    return this.cache.has(cacheKey(providerId, credentialId));
  }

  /** Fetches the listings not cached yet, in parallel; concurrent callers share each fetch. */
  async load(sources: readonly ListingSource[]): Promise<void> {
    await Promise.all(sources.map((s) => this.cache.fetch(cacheKey(s.provider.endpoint.id, s.credentialId), { context: s })));
  }

  private async fetchListing(source: ListingSource): Promise<Map<string, string>> {
    const ids = new Map<string, string>();
    let after: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const { url, headers } = modelListRequest(source.provider.endpoint, source.secret, after);
      const res = await this.options.upstream.fetch(
        {
          url,
          method: 'GET',
          headers,
          egress: source.provider.egress,
          signal: AbortSignal.timeout(this.timeoutMs),
          headersTimeoutMs: this.timeoutMs,
          bodyTimeoutMs: this.timeoutMs,
        },
        MAX_LISTING_BYTES,
      );
      if (!isSuccess(res.status)) throw new Error(`model list answered HTTP ${res.status}`);
      const parsed = JSON.parse(res.body.toString('utf8')) as { data?: unknown; has_more?: unknown; last_id?: unknown };
      if (!Array.isArray(parsed.data)) throw new Error('model list without data');
      for (const entry of parsed.data as unknown[]) {
        const id = (entry as { id?: unknown } | null)?.id;
        if (typeof id !== 'string' || id === '') continue;
        // Google's OpenAI-compatible list names models `models/<id>`; requests take the bare id.
        const bare = id.startsWith('models/') ? id.slice('models/'.length) : id;
        if (!ids.has(bare.toLowerCase())) ids.set(bare.toLowerCase(), bare);
      }
      if (parsed.has_more !== true || typeof parsed.last_id !== 'string') break;
      after = parsed.last_id;
    }
    return ids;
  }
}

function cacheKey(providerId: string, credentialId: string): string {
  return `${providerId}\u0000${credentialId}`;
}

/**
 * `GET <baseUrl>/models` with the provider's auth style and fixed headers: the free call every
 * vendor offers (also the admin "Test" button's probe). Anthropic-format lists are paged (20 by
 * default), so they are asked for the largest page.
 */
export function modelListRequest(endpoint: ProviderEndpoint, credential: string | null, afterId?: string): { url: string; headers: Record<string, string> } {
  const url = new URL(endpoint.baseUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/models`;
  if (endpoint.apiFormat === 'anthropic') {
    url.searchParams.set('limit', '1000');
    if (afterId !== undefined) url.searchParams.set('after_id', afterId);
  }
  const headers: Record<string, string> = { accept: 'application/json' };
  for (const name in endpoint.fixedHeaders) headers[name.toLowerCase()] = endpoint.fixedHeaders[name];
  if (credential !== null) {
    if (endpoint.authStyle === 'bearer') headers.authorization = `Bearer ${credential}`;
    else headers['x-api-key'] = credential;
  }
  return { url: url.toString(), headers };
}
