import { LRUCache } from 'lru-cache';
import { ENTRY_OVERHEAD_BYTES, type CachedAnswer, type ResponseCacheStore } from './store.js';

/** In-process cache bounded in bytes (least recently used entries go first); used without REDIS_URL. */
export class MemoryCacheStore implements ResponseCacheStore {
  private readonly lru: LRUCache<string, CachedAnswer>;

  constructor(options: { maxBytes: number; now?: () => number }) {
    this.lru = new LRUCache<string, CachedAnswer>({
      maxSize: options.maxBytes,
      sizeCalculation: (a) => a.body.length + ENTRY_OVERHEAD_BYTES,
      // Entries carry their own TTL (the configuration's); nothing lives longer than it.
      ttlAutopurge: false,
      allowStale: false,
      // Exact expiry: the default caches the clock for 1 ms, which a test clock never advances past.
      ttlResolution: 0,
      perf: options.now ? { now: options.now } : undefined,
    });
  }

  async get(key: string): Promise<CachedAnswer | undefined> {
    return this.lru.get(key);
  }

  async set(key: string, answer: CachedAnswer, ttlMs: number): Promise<void> {
    // An entry larger than the whole cache is refused by lru-cache itself (set is a no-op).
    this.lru.set(key, answer, { ttl: ttlMs });
  }

  async close(): Promise<void> {
    this.lru.clear();
  }

  get sizeBytes(): number {
    return this.lru.calculatedSize;
  }
}
