import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Surface } from '../catalog/types.js';
import { AppError } from '../errors/app-error.js';
import type { HttpMetrics } from '../http/metrics-middleware.js';
import { listModelsFor } from './list-models.js';
import { authenticateHeaders } from './pipeline/authenticate.js';
import { toAppError, writeError, writeJson } from './pipeline/respond.js';
import { runInference } from './pipeline/run.js';
import { createRequestState, type PipelineDeps } from './pipeline/state.js';

type RouteHandler = (req: IncomingMessage, res: ServerResponse, requestId: string, path: string) => Promise<void>;

const inference =
  (surface: Surface, deps: PipelineDeps): RouteHandler =>
  (req, res, requestId, path) =>
    runInference(createRequestState(req, res, surface, path, requestId, deps.now()), deps);

function listModels(deps: PipelineDeps): RouteHandler {
  return async (req, res, requestId, path) => {
    const access = await authenticateHeaders(req.headers, deps.cache, deps.now());
    writeJson(res, requestId, path, { object: 'list', data: listModelsFor(access, deps.directory) });
  };
}

/** `/v1` and `/v1/…`: everything else belongs to the admin surface (Koa). */
export function isV1Path(path: string): boolean {
  return path === '/v1' || path.startsWith('/v1/');
}

/** The path without its query string, unescaped as Koa's `ctx.path` is (routes match it exactly). */
export function pathOf(url: string | undefined): string {
  const u = url ?? '/';
  const q = u.indexOf('?');
  return q === -1 ? u : u.slice(0, q);
}

const NOT_FOUND =
  'Unknown /v1 route. Supported: POST /v1/chat/completions, POST /v1/responses, POST /v1/messages, GET /v1/models.';

/**
 * The /v1 data plane on plain node:http, in front of Koa: a fixed route table (four routes need
 * no pattern matching) straight into the pipeline, with no Koa context, middleware chain or
 * AsyncLocalStorage per request. Every response carries x-request-id and the x-gateway-* headers.
 */
export function createV1Handler(deps: PipelineDeps, metrics: HttpMetrics): (req: IncomingMessage, res: ServerResponse, path: string) => void {
  const routes: Record<string, Partial<Record<string, RouteHandler>>> = {
    '/v1/chat/completions': { POST: inference('chat', deps) },
    '/v1/responses': { POST: inference('responses', deps) },
    '/v1/messages': { POST: inference('messages', deps) },
    '/v1/models': { GET: listModels(deps), HEAD: listModels(deps) },
  };
  return (req, res, path) => {
    const requestId = randomUUID();
    metrics.track(req, res, path);
    const methods = routes[path];
    const handler = methods?.[req.method ?? 'GET'];
    const done = handler
      ? handler(req, res, requestId, path)
      : Promise.reject(
          methods
            ? new AppError('method_not_allowed', 405, `Method ${req.method} is not allowed on ${path}.`)
            : new AppError('not_found', 404, NOT_FOUND),
        );
    done.catch((err: unknown) => writeError(res, requestId, path, toAppError(err, requestId, deps.logger)));
  };
}
