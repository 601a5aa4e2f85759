import { getMetadataStorage, type AuthChecker } from 'type-graphql';
import { AppError } from '../errors/app-error.js';
import { AuthenticationError } from '../errors/authentication-error.js';
import { PermissionError } from '../errors/permission-error.js';
import { isRole, roleAtLeast, type Role } from '../services/roles.js';
import type { Context } from './context.js';

/**
 * Authorization of the admin API, in one place. Every Query and Mutation field carries exactly
 * one rule, next to it: `@Authorized(Rule.PUBLIC)` (no sign-in) or `@Authorized(Rule.VIEWER |
 * DEVELOPER | ADMIN | OWNER)` (the minimum role, per the contract's role table). Each resolver
 * class also carries a bare `@Authorized()`, so a new operation without its own rule fails closed
 * (and test/integration/authorization-matrix.test.ts, which enumerates the schema, fails).
 * Field resolvers below a root field need no rule of their own: the root field decided.
 * Object-level limits (only an OWNER touches an OWNER) live in the services.
 */
export const Rule = { PUBLIC: 'PUBLIC', VIEWER: 'VIEWER', DEVELOPER: 'DEVELOPER', ADMIN: 'ADMIN', OWNER: 'OWNER' } as const;
export type RuleName = Role | 'PUBLIC';

const ROOT_TYPES = new Set(['Query', 'Mutation', 'Subscription']);

export const authChecker: AuthChecker<Context, RuleName> = ({ context, info }, rules) => {
  const [rule] = rules;
  if (rules.length === 0 && !ROOT_TYPES.has(info.parentType.name)) return true;
  if (rules.length !== 1 || !(rule === 'PUBLIC' || isRole(rule))) {
    // A server bug, not the caller's fault: say so, and refuse.
    throw new AppError(
      'internal',
      500,
      `${info.parentType.name}.${info.fieldName} has no authorization rule; add @Authorized(Rule.<PUBLIC|VIEWER|DEVELOPER|ADMIN|OWNER>).`,
    );
  }
  if (rule === 'PUBLIC') return true;
  const caller = context.caller;
  if (!caller) throw new AuthenticationError('Sign in (Authorization: Bearer <session token or API key>).');
  if (!roleAtLeast(caller.role, rule)) {
    throw new PermissionError('forbidden', `${info.fieldName} needs the ${rule} role or higher; you are ${caller.role}.`);
  }
  return true;
};

/** Root operations without exactly one rule (checked when the schema is built, so such a server never starts). */
export function operationsWithoutRule(): string[] {
  const storage = getMetadataStorage();
  const roots = [
    ...storage.queries.map((d) => ['Query', d] as const),
    ...storage.mutations.map((d) => ['Mutation', d] as const),
    ...storage.subscriptions.map((d) => ['Subscription', d] as const),
  ];
  return roots.filter(([, d]) => d.roles?.length !== 1).map(([type, d]) => `${type}.${d.schemaName}`);
}
