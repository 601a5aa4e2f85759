import type { EntityManager } from '@mikro-orm/postgresql';
import type { Services } from '../services.js';

export interface Caller {
  accountId: string;
  via: 'session' | 'apiKey';
  /** Session or API key id, e.g. to end the current session. */
  credentialId: string;
}

export interface Context {
  em: EntityManager;
  services: Services;
  caller: Caller | null;
  clientIp: string;
  requestId: string;
}

/** Resolvers behind @Authorized() may call this; the auth checker has already ensured a caller. */
export function callerOf(ctx: Context): Caller {
  if (!ctx.caller) throw new Error('callerOf used on an unauthenticated resolver');
  return ctx.caller;
}
