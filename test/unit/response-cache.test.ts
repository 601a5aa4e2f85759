import { describe, expect, it } from 'vitest';
import { canonicalJson, responseCacheKey } from '../../server/src/gateway/cache/cache-key.js';
import { MemoryCacheStore } from '../../server/src/gateway/cache/memory-store.js';
import { ResponseCache } from '../../server/src/gateway/cache/response-cache.js';
import type { CachedAnswer } from '../../server/src/gateway/cache/store.js';

const answer = (body: string): CachedAnswer => ({
  body: Buffer.from(body),
  contentType: 'application/json',
  streamed: false,
  provider: 'openai',
  model: 'gpt-4o-mini',
  virtualModel: null,
  inputTokens: 3,
  outputTokens: 4,
  tokensEstimated: false,
});

const parts = {
  accountId: 'acc-1',
  route: 'chat',
  resolvedModel: 'openai:gpt-4o-mini',
  body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], temperature: 0 },
  headers: {},
};

describe('response cache key', () => {
  it('ignores object key order but not array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe('{"a":{"c":null,"d":[2,1]},"b":1}');
    expect(responseCacheKey({ ...parts, body: { temperature: 0, messages: parts.body.messages, model: 'gpt-4o-mini' } })).toBe(
      responseCacheKey(parts),
    );
  });

  it('differs for every part that can change the answer', () => {
    const base = responseCacheKey(parts);
    expect(responseCacheKey({ ...parts, accountId: 'acc-2' })).not.toBe(base);
    expect(responseCacheKey({ ...parts, route: 'messages' })).not.toBe(base);
    expect(responseCacheKey({ ...parts, resolvedModel: 'openai:gpt-4o' })).not.toBe(base);
    expect(responseCacheKey({ ...parts, body: { ...parts.body, temperature: 1 } })).not.toBe(base);
    expect(responseCacheKey({ ...parts, body: { ...parts.body, stream: true } })).not.toBe(base);
    expect(responseCacheKey({ ...parts, headers: { 'anthropic-beta': 'x' } })).not.toBe(base);
  });
});

describe('ResponseCache', () => {
  const settings = { enabled: true, ttlSeconds: 60 };
  const input = { settings, accountId: 'a', surface: 'chat' as const, resolvedModel: 'openai:m', body: {}, forwardedHeaders: {}, cacheControl: undefined };
  const cache = new ResponseCache(new MemoryCacheStore({ maxBytes: 10_000 }), 1000);

  it('does nothing unless the configuration enables it', () => {
    expect(cache.plan({ ...input, settings: null })).toBeUndefined();
    expect(cache.plan({ ...input, settings: { enabled: false, ttlSeconds: 60 } })).toBeUndefined();
    expect(cache.plan(input)).toMatchObject({ bypass: false, store: true, ttlMs: 60_000 });
  });

  it('cache-control: no-cache bypasses the lookup but stores; no-store does neither', () => {
    expect(cache.plan({ ...input, cacheControl: 'max-age=0, No-Cache' })).toMatchObject({ bypass: true, store: true });
    expect(cache.plan({ ...input, cacheControl: 'no-store' })).toMatchObject({ bypass: true, store: false });
  });

  it('never stores an answer over the entry limit', async () => {
    const plan = cache.plan({ ...input, body: { n: 1 } })!;
    await cache.save(plan, answer('x'.repeat(1001)));
    expect(await cache.lookup(plan)).toBeUndefined();
    await cache.save(plan, answer('ok'));
    expect((await cache.lookup(plan))?.body.toString()).toBe('ok');
  });
});

describe('MemoryCacheStore', () => {
  it('expires entries after their TTL', async () => {
    let now = 1_000;
    const store = new MemoryCacheStore({ maxBytes: 10_000, now: () => now });
    await store.set('k', answer('a'), 500);
    now += 499;
    expect(await store.get('k')).toBeDefined();
    now += 2;
    expect(await store.get('k')).toBeUndefined();
  });

  it('stays within its byte bound, evicting the least recently used', async () => {
    const store = new MemoryCacheStore({ maxBytes: 3 * (256 + 100) });
    for (const k of ['a', 'b', 'c']) await store.set(k, answer('x'.repeat(100)), 60_000);
    await store.get('a');
    await store.set('d', answer('x'.repeat(100)), 60_000);
    expect(store.sizeBytes).toBeLessThanOrEqual(3 * 356);
    expect(await store.get('b')).toBeUndefined();
    expect(await store.get('a')).toBeDefined();
    expect(await store.get('d')).toBeDefined();
  });
});
