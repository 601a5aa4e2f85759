import Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { koaMiddleware } from '@as-integrations/koa';
import type { Middleware } from 'koa';
import type { Services } from '../services.js';
import { authenticateAdmin } from '../services/accounts.js';
import { createFormatError } from './format-error.js';
import { DEFAULT_QUERY_LIMITS, queryLimitsRule } from './limits.js';
import { operationLogPlugin } from './operation-log.js';
import { retryAfterPlugin } from './retry-after.js';
import { buildGatewaySchema } from './schema.js';
import type { Context } from './context.js';
import { bearerToken } from '../http/bearer-token.js';

export interface MountedGraphql {
  router: Router;
  stop(): Promise<void>;
}

/** raw-body's refusals by type; any other 4xx keeps its own (exposed) wording. */
const BODY_ERRORS: Record<string, string> = {
  'entity.too.large': 'The request body is larger than the 1 MB limit.',
  'encoding.unsupported': 'The request body has an unsupported Content-Encoding: send it as is, or gzip, deflate or br.',
  'charset.unsupported': 'The request body has an unsupported charset: send UTF-8.',
};

/**
 * Parses a JSON body; a body it cannot read is answered as every other bad GraphQL request is,
 * `{"errors":[{"message", "extensions":{"code":"BAD_REQUEST"}}]}` with a 4xx status, not Koa's
 * plain-text "Bad Request" (clients that read `errors[]` could not parse that).
 */
function parseJsonBody(): Middleware {
  const parse = bodyParser({ jsonLimit: '1mb', enableTypes: ['json'] });
  return async (ctx, next) => {
    try {
      await parse(ctx, async () => {});
    } catch (err) {
      const { status, type, expose, message } = err as { status?: number; type?: string; expose?: boolean; message?: string };
      if (typeof status !== 'number' || status < 400 || status >= 500) throw err;
      const said =
        err instanceof SyntaxError
          ? 'The request body is not valid JSON (send one JSON object: {"query": …, "variables": …}).'
          : (BODY_ERRORS[type ?? ''] ?? (expose && message ? message : 'The request body could not be read.'));
      ctx.status = status;
      ctx.body = { errors: [{ message: said, extensions: { code: 'BAD_REQUEST' } }] };
      return;
    }
    await next();
  };
}

export async function mountGraphql(services: Services): Promise<MountedGraphql> {
  const schema = await buildGatewaySchema();
  const apollo = new ApolloServer<Context>({
    schema,
    formatError: createFormatError(services.logger),
    introspection: services.config.graphqlIntrospection,
    // "Did you mean …" would reveal the schema that disabled introspection hides.
    hideSchemaDetailsFromClientErrors: !services.config.graphqlIntrospection,
    parseOptions: { maxTokens: DEFAULT_QUERY_LIMITS.maxTokens },
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
    // Batched HTTP requests stay off (Apollo's default): one operation per request.
    allowBatchedHttpRequests: false,
    validationRules: [queryLimitsRule()],
    // The SPA bundles GraphiQL (works offline); GET /graphql from a browser is sent there.
    plugins: [ApolloServerPluginLandingPageDisabled(), operationLogPlugin(services.logger), retryAfterPlugin()],
  });
  await apollo.start();

  const router = new Router();
  router.get('/graphql', async (ctx, next) => {
    if (ctx.accepts('html', 'json') === 'html' && !ctx.querystring) {
      ctx.redirect('/playground');
      return;
    }
    await next();
  });
  router.all(
    '/graphql',
    parseJsonBody(),
    koaMiddleware(apollo, {
      context: async ({ ctx }): Promise<Context> => {
        const em = services.orm.em.fork();
        const token = bearerToken(ctx.get('authorization'));
        const caller = token ? await authenticateAdmin(em, token) : null;
        const userAgent = ctx.get('user-agent') || null;
        return { em, services, caller, clientIp: ctx.ip, userAgent, requestId: String(ctx.state.requestId) };
      },
    }),
  );
  return { router, stop: () => apollo.stop() };
}
