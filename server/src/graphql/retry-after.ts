import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { RateLimitError } from '../errors/rate-limit-error.js';

/** The longest wait the rate-limit errors among `errors` ask for, in seconds; undefined when none is one. */
export function longestRetryAfter(errors: readonly unknown[]): number | undefined {
  let longest: number | undefined;
  for (const error of errors) {
    const original = unwrapResolverError(error);
    if (original instanceof RateLimitError && (longest === undefined || original.retryAfterSeconds > longest)) {
      longest = original.retryAfterSeconds;
    }
  }
  return longest;
}

/**
 * A refusal by one of our rate limits (log-in/sign-up throttles, …) is a GraphQL error
 * (`RATE_LIMITED`) in a 200 answer, like any resolver error. Clients and proxies read the wait from
 * `Retry-After`, not from the body, so the response carries it: the longest wait when several
 * errors are rate limits. Body and status stay as they are.
 */
export function retryAfterPlugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ errors, response }) {
          if (!errors) return;
          const seconds = longestRetryAfter(errors);
          if (seconds !== undefined) response.http.headers.set('retry-after', String(seconds));
        },
      };
    },
  };
}
