import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { AppError } from '../errors/app-error.js';

const GRAPHQL_CODES: Record<string, string> = {
  invalid_request: 'BAD_USER_INPUT',
  invalid_api_key: 'UNAUTHENTICATED',
  forbidden: 'FORBIDDEN',
  provider_not_allowed: 'FORBIDDEN',
  model_not_allowed: 'FORBIDDEN',
  not_found: 'NOT_FOUND',
  model_unknown: 'NOT_FOUND',
  conflict: 'CONFLICT',
  rate_limited: 'RATE_LIMITED',
  insufficient_credits: 'PAYMENT_REQUIRED',
  request_too_large: 'BAD_USER_INPUT',
};

/** Passed through as Apollo produced them (parse/validation errors of the document itself). */
const APOLLO_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'QUERY_TOO_COMPLEX',
]);

/**
 * The GraphQL edge: AppError → extensions.code; anything else is logged and becomes a generic
 * INTERNAL_SERVER_ERROR, so no stack, SQL or secret reaches a client.
 */
export function createFormatError(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (original instanceof AppError) {
      return {
        message: original.expose ? original.message : 'Request failed.',
        locations: formatted.locations,
        path: formatted.path,
        extensions: { code: GRAPHQL_CODES[original.code] ?? original.code.toUpperCase(), ...original.details },
      };
    }
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && APOLLO_CODES.has(code) && !(original instanceof Error && !(original instanceof GraphQLError))) {
      return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions: { code } };
    }
    logger.error({ err: original, path: formatted.path }, 'unhandled GraphQL resolver error');
    return {
      message: 'Internal server error.',
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}
