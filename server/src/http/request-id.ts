import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';

/** Every response carries x-request-id; /v1 usage events use the same id. */
export function requestId(): Middleware {
  return async (ctx, next) => {
    const id = randomUUID();
    ctx.state.requestId = id;
    ctx.set('x-request-id', id);
    await next();
  };
}
