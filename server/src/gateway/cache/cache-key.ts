import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted at every level, so `{"a":1,"b":2}` and `{"b":2,"a":1}` are the
 * same request. Arrays keep their order (message order changes the answer).
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value as Record<string, unknown>)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

export interface CacheKeyParts {
  accountId: string;
  /** The client route (chat, responses, messages): the stored bytes are in its format. */
  route: string;
  /** The model the request resolved to first ("provider:model"). */
  resolvedModel: string;
  /** The whole request body: nothing in it is ignored, since any field may change the answer. */
  body: unknown;
  /** Forwarded client headers that change the answer (anthropic-version, anthropic-beta, …). */
  headers: Readonly<Record<string, string>>;
}

/** sha256 over every part; the account id is part of the key, so accounts never share entries. */
export function responseCacheKey(p: CacheKeyParts): string {
  const hash = createHash('sha256');
  for (const part of [p.accountId, p.route, p.resolvedModel, canonicalJson(p.headers), canonicalJson(p.body)]) {
    hash.update(part).update('\u0000');
  }
  return `${p.accountId}:${hash.digest('hex')}`;
}
