import type { EntityManager } from '@mikro-orm/postgresql';
import type { Services } from '../services.js';
import { actorOfCaller, type Caller } from '../services/caller.js';
import type { MutationScope } from '../services/mutation.js';

export type { Caller } from '../services/caller.js';

export interface Context {
  em: EntityManager;
  services: Services;
  caller: Caller | null;
  clientIp: string;
  userAgent: string | null;
  requestId: string;
}

/** Resolvers behind a role rule may call this; the auth checker has already ensured a caller. */
export function callerOf(ctx: Context): Caller {
  if (!ctx.caller) throw new Error('callerOf used on an unauthenticated resolver');
  return ctx.caller;
}

/** What a state-changing service call needs: this request's EM, the acting member or key, the change feed. */
export function scopeOf(ctx: Context): MutationScope {
  return { em: ctx.em, actor: actorOfCaller(callerOf(ctx), ctx.clientIp), events: ctx.services.events };
}
