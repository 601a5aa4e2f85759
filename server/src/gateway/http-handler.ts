import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Surface } from '../catalog/types.js';
import { timeOrderedUuid } from '../db/time-ordered-uuid.js';
import { AppError } from '../errors/app-error.js';
import type { HttpMetrics } from '../http/metrics-middleware.js';
import { findListedModel, listModelsFor, modelList } from './list-models.js';
import { modelStringProblem } from './request-body.js';
import { authenticateHeaders } from './pipeline/authenticate.js';
import { toAppError, writeError, writeJson } from './pipeline/respond.js';
import { COUNT_TOKENS_STEPS } from './pipeline/count-tokens.js';
import { runInference, type PipelineStep } from './pipeline/run.js';
import { createRequestState, type PipelineDeps } from './pipeline/state.js';

/** `started`: performance.now() when the request arrived (its latency, in metrics and usage). */
type RouteHandler = (req: IncomingMessage, res: ServerResponse, requestId: string, path: string, started: number) => Promise<void>;

const inference =
  (surface: Surface, deps: PipelineDeps, steps?: readonly PipelineStep[]): RouteHandler =>
  (req, res, requestId, path, started) =>
    runInference(createRequestState(req, res, surface, path, requestId, deps.now(), started), deps, steps);

function listModels(deps: PipelineDeps): RouteHandler {
  return async (req, res, requestId, path) => {
    const access = await authenticateHeaders(req.headers, deps.cache, deps.now());
    writeJson(res, requestId, path, modelList(await listModelsFor(access, deps.directory), queryOf(req.url)));
  };
}

const MODEL_PREFIX = '/v1/models/';

/** `GET /v1/models/{id}`: the id is the rest of the path (OpenRouter ids hold `/`), percent-decoded. */
function retrieveModel(deps: PipelineDeps): RouteHandler {
  return async (req, res, requestId, path) => {
    const access = await authenticateHeaders(req.headers, deps.cache, deps.now());
    writeJson(res, requestId, path, await findListedModel(access, deps.directory, decodePathPart(path.slice(MODEL_PREFIX.length))));
  };
}

/** The model id in the path, percent-decoded and held to the rules of a body's `model`. */
function decodePathPart(part: string): string {
  let id: string;
  try {
    id = decodeURIComponent(part);
  } catch {
    throw new AppError('invalid_request', 400, 'The model id in the path is not validly percent-encoded.');
  }
  const problem = modelStringProblem(id);
  if (problem) throw new AppError('invalid_request', 400, `The model id in the path ${problem}.`);
  return id;
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

/** The query of a request target (what pathOf leaves out), parsed. */
function queryOf(url: string | undefined): URLSearchParams {
  const u = url ?? '/';
  const q = u.indexOf('?');
  return new URLSearchParams(q === -1 ? '' : u.slice(q + 1));
}

const NOT_FOUND =
  'Unknown /v1 route. Supported: POST /v1/chat/completions, POST /v1/responses, POST /v1/messages, POST /v1/messages/count_tokens, POST /v1/embeddings, GET /v1/models, GET /v1/models/{id}.';

/**
 * The /v1 data plane on plain node:http, in front of Koa: a fixed route table (exact paths, plus the
 * `/v1/models/` prefix) straight into the pipeline, with no Koa context, middleware chain or
 * AsyncLocalStorage per request. Every response carries x-request-id and the x-gateway-* headers.
 */
export function createV1Handler(deps: PipelineDeps, metrics: HttpMetrics): (req: IncomingMessage, res: ServerResponse, path: string) => void {
  const routes: Record<string, Partial<Record<string, RouteHandler>>> = {
    '/v1/chat/completions': { POST: inference('chat', deps) },
    '/v1/responses': { POST: inference('responses', deps) },
    '/v1/messages': { POST: inference('messages', deps) },
    '/v1/messages/count_tokens': { POST: inference('messages', deps, COUNT_TOKENS_STEPS) },
    '/v1/embeddings': { POST: inference('embeddings', deps) },
    '/v1/models': { GET: listModels(deps), HEAD: listModels(deps) },
  };
  const modelRoute = { GET: retrieveModel(deps), HEAD: retrieveModel(deps) };
  return (req, res, path) => {
    const requestId = timeOrderedUuid();
    const started = performance.now();
    metrics.track(req, res, path, started);
    const methods = routes[path] ?? (path.length > MODEL_PREFIX.length && path.startsWith(MODEL_PREFIX) ? modelRoute : undefined);
    const handler = methods?.[req.method ?? 'GET'];
    const done = handler
      ? handler(req, res, requestId, path, started)
      : Promise.reject(
          methods
            ? new AppError('method_not_allowed', 405, `Method ${req.method} is not allowed on ${path}.`, { headers: { allow: Object.keys(methods).join(', ') } })
            : new AppError('not_found', 404, NOT_FOUND),
        );
    done.catch((err: unknown) => writeError(res, requestId, path, toAppError(err, requestId, deps.logger)));
  };
}
