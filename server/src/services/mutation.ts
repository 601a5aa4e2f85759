import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { ConflictError } from '../errors/conflict-error.js';
import { recordAudit, type Actor, type AuditEntry } from './audit.js';
import type { ChangeEvent, ChangeEvents } from './change-events.js';

/** What a state-changing service call needs: the request's entity manager, who acts, and the change feed. */
export interface MutationScope {
  em: EntityManager;
  actor: Actor;
  events: Pick<ChangeEvents, 'publish'>;
}

/** The audit entry and the change events that describe a finished change. */
export interface ChangeRecord {
  audit: AuditEntry;
  /** Overrides the scope's actor (e.g. sign-up: the member who did it exists only now). */
  actor?: Actor;
  events?: ChangeEvent[];
}

/**
 * The one way services change state: runs `change` in a transaction, appends exactly one audit
 * event in that same transaction, and after the commit publishes the change events, so every
 * caller (GraphQL, REST, jobs) keeps /v1's caches on every instance in sync.
 */
export async function mutate<T>(
  scope: MutationScope,
  change: (em: EntityManager) => Promise<T>,
  describe: (result: T) => ChangeRecord,
): Promise<T> {
  const { result, record } = await scope.em.transactional(async (tem) => {
    const result = await change(tem);
    const record = describe(result);
    recordAudit(tem, record.actor ?? scope.actor, record.audit);
    await tem.flush();
    return { result, record };
  });
  for (const event of record.events ?? []) scope.events.publish(event);
  return result;
}

/**
 * Flushes the change, turning a unique-index violation into `conflict()`: where a name or id must
 * be unique the index decides, so two concurrent saves cannot both win.
 */
export async function flushOrConflict(em: EntityManager, conflict: () => ConflictError): Promise<void> {
  try {
    await em.flush();
  } catch (err) {
    if (err instanceof UniqueConstraintViolationException) throw conflict();
    throw err;
  }
}
