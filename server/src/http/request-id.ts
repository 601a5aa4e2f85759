import type { Middleware } from 'koa';
import { timeOrderedUuid } from '../db/time-ordered-uuid.js';

/** Every response of the admin surface carries x-request-id, made as /v1's are (http-handler.ts). */
export function requestId(): Middleware {
  return async (ctx, next) => {
    const id = timeOrderedUuid();
    ctx.state.requestId = id;
    ctx.set('x-request-id', id);
    await next();
  };
}
