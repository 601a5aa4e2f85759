import type { Surface } from '../../catalog/types.js';
import type { ResponseCacheSettings } from '../../entities/access-key-configuration.entity.js';
import { AnswerCapture } from './answer-capture.js';
import { responseCacheKey } from './cache-key.js';
import type { CachedAnswer, ResponseCacheStore } from './store.js';

/** The `x-gateway-cache` header value. */
export type CacheStatus = 'hit' | 'miss' | 'bypass';

/** One request's relation to the cache, decided before any attempt. */
export interface CacheLookup {
  key: string;
  ttlMs: number;
  /** `cache-control: no-cache` (or `no-store`): not answered from the cache. */
  bypass: boolean;
  /** `no-store`: the answer is not stored either. */
  store: boolean;
}

export interface CacheRequestInput {
  settings: ResponseCacheSettings | null;
  accountId: string;
  surface: Surface;
  /** "provider:model" of the first candidate. */
  resolvedModel: string;
  body: unknown;
  forwardedHeaders: Readonly<Record<string, string>>;
  cacheControl: string | undefined;
}

/** Directives of a Cache-Control header, lower-cased, without values. */
function directives(header: string | undefined): Set<string> {
  return new Set(
    (header ?? '')
      .split(',')
      .map((d) => d.split('=', 1)[0].trim().toLowerCase())
      .filter(Boolean),
  );
}

/**
 * The opt-in response cache: keying, the client's cache-control, and the store. Only complete,
 * successful answers are stored (the caller decides that); a hit replays the stored bytes.
 */
export class ResponseCache {
  constructor(
    private readonly store: ResponseCacheStore,
    /** Answers larger than this are not cached. */
    readonly maxEntryBytes: number,
  ) {}

  /** undefined when the request's configuration does not cache. */
  plan(input: CacheRequestInput): CacheLookup | undefined {
    if (!input.settings?.enabled) return undefined;
    const cc = directives(input.cacheControl);
    const noStore = cc.has('no-store');
    return {
      key: responseCacheKey({
        accountId: input.accountId,
        route: input.surface,
        resolvedModel: input.resolvedModel,
        body: input.body,
        headers: input.forwardedHeaders,
      }),
      ttlMs: input.settings.ttlSeconds * 1000,
      bypass: noStore || cc.has('no-cache'),
      store: !noStore,
    };
  }

  lookup(plan: CacheLookup): Promise<CachedAnswer | undefined> {
    return plan.bypass ? Promise.resolve(undefined) : this.store.get(plan.key);
  }

  /** A capture for the answer's bytes when it may be stored, else undefined. */
  capture(plan: CacheLookup | undefined): AnswerCapture | undefined {
    return plan?.store ? new AnswerCapture(this.maxEntryBytes) : undefined;
  }

  save(plan: CacheLookup, answer: CachedAnswer): Promise<void> {
    if (answer.body.length > this.maxEntryBytes) return Promise.resolve();
    return this.store.set(plan.key, answer, plan.ttlMs);
  }

  close(): Promise<void> {
    return this.store.close();
  }
}
