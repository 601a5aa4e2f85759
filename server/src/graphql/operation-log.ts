import type { ApolloServerPlugin } from '@apollo/server';
import type { Logger } from 'pino';
import type { Context } from './context.js';

/**
 * One structured line per GraphQL operation at the default level: its name, duration and the
 * first error code, never variables (they hold passwords and keys) or the document.
 */
export function operationLogPlugin(logger: Logger): ApolloServerPlugin<Context> {
  return {
    async requestDidStart({ contextValue }) {
      const started = performance.now();
      return {
        async willSendResponse({ operationName, response, errors }) {
          const single = response.body.kind === 'single' ? response.body.singleResult : undefined;
          const first = errors?.[0] ?? single?.errors?.[0];
          logger.info(
            {
              requestId: contextValue.requestId,
              operation: operationName ?? null,
              durationMs: Math.round(performance.now() - started),
              errorCode: first ? String(first.extensions?.code ?? 'INTERNAL_SERVER_ERROR') : null,
            },
            'graphql operation',
          );
        },
      };
    },
  };
}
