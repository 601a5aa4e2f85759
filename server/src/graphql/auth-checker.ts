import type { AuthChecker } from 'type-graphql';
import { AuthenticationError } from '../errors/authentication-error.js';
import type { Context } from './context.js';

/** @Authorized() means: a valid session token or API key. Account scoping happens in the services. */
export const authChecker: AuthChecker<Context> = ({ context }) => {
  if (!context.caller) throw new AuthenticationError('Sign in (Authorization: Bearer <session token or API key>).');
  return true;
};
