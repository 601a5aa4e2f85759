import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { AuthenticationError } from '../../server/src/errors/authentication-error.js';
import { RateLimitError } from '../../server/src/errors/rate-limit-error.js';
import { longestRetryAfter } from '../../server/src/graphql/retry-after.js';

/** An error as graphql-js reports one a resolver threw. */
const fromResolver = (original: Error) => new GraphQLError(original.message, { path: ['logIn'], originalError: original });

describe('longestRetryAfter', () => {
  it('takes the longest wait among rate-limit errors, in whole seconds, whatever their order', () => {
    const errors = [fromResolver(new RateLimitError('a', 12.2)), fromResolver(new AuthenticationError('no')), fromResolver(new RateLimitError('b', 899.1))];
    expect(longestRetryAfter(errors)).toBe(900);
    expect(longestRetryAfter([...errors].reverse())).toBe(900);
  });

  it('is undefined without a rate-limit error', () => {
    expect(longestRetryAfter([])).toBeUndefined();
    expect(longestRetryAfter([fromResolver(new AuthenticationError('no')), new GraphQLError('Syntax Error')])).toBeUndefined();
  });
});
