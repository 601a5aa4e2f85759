import Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { koaMiddleware } from '@as-integrations/koa';
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
    bodyParser({ jsonLimit: '1mb', enableTypes: ['json'] }),
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
