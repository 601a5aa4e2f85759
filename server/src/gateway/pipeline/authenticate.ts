import type { IncomingHttpHeaders } from 'node:http';
import { AuthenticationError } from '../../errors/authentication-error.js';
import { bearerToken } from '../../http/bearer-token.js';
import type { AccessContext, AccessContextCache } from '../access-context.js';
import type { PipelineDeps, RequestState } from './state.js';

/** `Authorization: Bearer <key>` (OpenAI SDKs) or `x-api-key: <key>` (Anthropic SDKs). */
export function extractAccessToken(headers: IncomingHttpHeaders): string | undefined {
  const auth = headers.authorization;
  if (auth) return bearerToken(auth);
  const apiKey = headers['x-api-key'];
  const value = Array.isArray(apiKey) ? apiKey.join(', ') : apiKey;
  return value ? value.trim() : undefined;
}

/**
 * The caller's access context, or a 401 (also once the key expired at `now`). A warm key is
 * answered synchronously from the cache (no database, no promise); a cold one as a promise.
 */
export function authenticateHeaders(headers: IncomingHttpHeaders, cache: AccessContextCache, now: number): AccessContext | Promise<AccessContext> {
  const token = extractAccessToken(headers);
  if (!token) {
    // A key sent in a shape the gateway does not read (`Basic …`, `Bearer <key> extra`) is not a missing one.
    throw new AuthenticationError(
      headers.authorization
        ? 'Malformed Authorization header: send Authorization: Bearer <key> (the key alone) or x-api-key: <key>.'
        : 'Missing access key: send Authorization: Bearer <key> or x-api-key: <key>.',
    );
  }
  const found = cache.lookup(token);
  return found instanceof Promise ? found.then((access) => admit(access, now)) : admit(found, now);
}

function admit(access: AccessContext | null, now: number): AccessContext {
  if (!access) throw new AuthenticationError('Invalid or revoked access key.');
  if (access.expiresAt !== null && access.expiresAt <= now) {
    throw new AuthenticationError(`This access key expired at ${new Date(access.expiresAt).toISOString()}.`);
  }
  return access;
}

/** Pipeline step 1: who is calling. */
export function authenticate(state: RequestState, deps: PipelineDeps): void | Promise<void> {
  const access = authenticateHeaders(state.req.headers, deps.cache, state.admittedAt);
  if (!(access instanceof Promise)) {
    state.access = access;
    return;
  }
  return access.then((a) => {
    state.access = a;
  });
}
