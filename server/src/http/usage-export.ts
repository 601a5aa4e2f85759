import { Readable } from 'node:stream';
import Router from '@koa/router';
import type { Context } from 'koa';
import type { Services } from '../services.js';
import { authenticateAdmin } from '../services/accounts.js';
import { exportUsageCsv } from '../services/usage/usage-export.js';
import type { UsageFilterInput } from '../services/usage/usage-queries.js';
import { bearerToken } from './bearer-token.js';

function fail(ctx: Context, status: number, code: string, message: string): void {
  ctx.status = status;
  ctx.body = { error: { code, message } };
}

const BOOLEANS = new Map([
  ['true', true],
  ['false', false],
]);

function parseTime(value: string | undefined, name: string): Date | string | undefined {
  if (value === undefined || value === '') return undefined;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? `\`${name}\` must be an ISO 8601 date-time.` : at;
}

/**
 * GET /api/usage/export?from=…&to=…: the caller's usage events as CSV, oldest first, streamed.
 * Same bearer tokens as /graphql (sessions and API keys). Optional filters as in UsageFilter:
 * accessKeyId, provider, model, status, requestId, errorsOnly=true|false.
 */
export function usageExportRouter(services: Services): Router {
  const router = new Router();
  router.get('/api/usage/export', async (ctx) => {
    const token = bearerToken(ctx.get('authorization'));
    const caller = token ? await authenticateAdmin(services.orm.em.fork(), token) : null;
    if (!caller) {
      ctx.set('www-authenticate', 'Bearer');
      return fail(ctx, 401, 'UNAUTHENTICATED', 'Send Authorization: Bearer <session token or API key>.');
    }
    const q = ctx.query as Record<string, string | undefined>;
    const from = parseTime(q.from, 'from');
    const to = parseTime(q.to, 'to') ?? new Date();
    if (from === undefined) return fail(ctx, 400, 'BAD_USER_INPUT', '`from` is required (ISO 8601 date-time).');
    if (typeof from === 'string') return fail(ctx, 400, 'BAD_USER_INPUT', from);
    if (typeof to === 'string') return fail(ctx, 400, 'BAD_USER_INPUT', to);
    if (to <= from) return fail(ctx, 400, 'BAD_USER_INPUT', '`to` must be after `from`.');
    const status = q.status ? Number(q.status) : undefined;
    if (status !== undefined && !Number.isInteger(status)) return fail(ctx, 400, 'BAD_USER_INPUT', '`status` must be an integer.');
    const errorsOnly = q.errorsOnly === undefined || q.errorsOnly === '' ? false : BOOLEANS.get(q.errorsOnly);
    if (errorsOnly === undefined) return fail(ctx, 400, 'BAD_USER_INPUT', '`errorsOnly` must be true or false.');
    const filter: UsageFilterInput = {
      accessKeyId: q.accessKeyId || undefined,
      provider: q.provider || undefined,
      model: q.model || undefined,
      requestId: q.requestId || undefined,
      status,
      errorsOnly,
    };
    const day = (d: Date) => d.toISOString().slice(0, 10);
    ctx.set('content-disposition', `attachment; filename="usage-${day(from)}-${day(to)}.csv"`);
    ctx.set('cache-control', 'no-store');
    ctx.type = 'text/csv; charset=utf-8';
    // Koa pipes the stream: the next page is read only when the client has taken the previous one.
    ctx.body = Readable.from(exportUsageCsv(services.sql, caller.accountId, { from, to }, filter));
  });
  return router;
}
