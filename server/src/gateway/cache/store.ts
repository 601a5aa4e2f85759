/** A finished, successful answer as the client received it, reusable for an identical request. */
export interface CachedAnswer {
  /** The client-format bytes: a JSON body, or the whole SSE stream for a streaming request. */
  body: Buffer;
  contentType: string;
  streamed: boolean;
  /** What served the original request (for headers and the usage event). */
  provider: string;
  model: string;
  virtualModel: string | null;
  inputTokens: number;
  outputTokens: number;
  tokensEstimated: boolean;
}

/**
 * Where cached answers live: in process (memory-store.ts) or shared by every instance
 * (redis-store.ts). Failures of the store never fail a request: `get` misses and `set` drops.
 */
export interface ResponseCacheStore {
  get(key: string): Promise<CachedAnswer | undefined>;
  set(key: string, answer: CachedAnswer, ttlMs: number): Promise<void>;
  close(): Promise<void>;
}

/** Metadata bytes counted on top of the body when bounding a store by size. */
export const ENTRY_OVERHEAD_BYTES = 256;

/** The stored form: JSON with the body as base64 (Redis stores it encrypted). */
export function serializeAnswer(a: CachedAnswer): string {
  return JSON.stringify({ ...a, body: a.body.toString('base64') });
}

export function deserializeAnswer(text: string): CachedAnswer {
  const raw = JSON.parse(text) as Omit<CachedAnswer, 'body'> & { body: string };
  return { ...raw, body: Buffer.from(raw.body, 'base64') };
}
