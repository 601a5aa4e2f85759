import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { AccessKeyConfiguration } from '../entities/access-key-configuration.entity.js';
import type { AuditDetails } from '../entities/audit-event.entity.js';
import { ProviderKey, type IProviderKey } from '../entities/provider-key.entity.js';
import { ConflictError } from '../errors/conflict-error.js';
import { NotFoundError } from '../errors/not-found-error.js';
import { ValidationError } from '../errors/validation-error.js';
import type { Page } from '../graphql/types/connection.type.js';
import { auditChanges, auditFields, type AuditSnapshot } from './audit-details.js';
import { providerKeyAad, redactSecret, type SecretBox } from './crypto.js';
import { flushOrConflict, mutate, type ChangeRecord, type MutationScope } from './mutation.js';
import { paginate, type KeysetOrder } from './pagination.js';
import { loadKnownProviders } from './providers.js';
import { nameSchema, parseInput, uuidSchema } from './validate.js';

/**
 * The order the gateway tries an account's keys in when no routing says otherwise: priority
 * (lowest first), then creation time. Lists use the same order.
 */
export const PROVIDER_KEY_ORDER: KeysetOrder = Object.freeze([
  { field: 'priority', dir: 'asc', kind: 'int' },
  { field: 'createdAt', dir: 'asc', kind: 'date' },
  { field: 'id', dir: 'asc', kind: 'uuid' },
]);

/**
 * A provider key as pasted: surrounding whitespace is dropped; inside, printable ASCII only (it
 * goes into an HTTP header). Messages never echo the value.
 */
const secretSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(4096, 'must be at most 4096 characters')
  .refine((s) => /^[\x21-\x7e]+$/.test(s), 'must not contain whitespace, control or non-ASCII characters');

const prioritySchema = z
  .number()
  .int('must be an integer')
  .min(-1_000_000, 'must be at least -1000000')
  .max(1_000_000, 'must be at most 1000000');

const CreateSchema = z.object({
  provider: z.string().min(1, 'must not be empty').max(64, 'must be at most 64 characters'),
  name: nameSchema(),
  key: secretSchema,
  priority: prioritySchema.nullish(),
});

const UpdateSchema = z.object({ name: nameSchema().nullish(), priority: prioritySchema.nullish() });

function assertId(id: string): void {
  if (!uuidSchema.safeParse(id).success) throw new NotFoundError('Provider key', id);
}

/** A provider's key names are unique per account, ignoring case (a unique index). */
function duplicateName(key: IProviderKey): ConflictError {
  return new ConflictError(`A ${JSON.stringify(key.provider)} provider key named ${JSON.stringify(key.name)} already exists (names are compared ignoring case).`);
}

async function findOwn(em: EntityManager, accountId: string, id: string, lock?: LockMode): Promise<IProviderKey> {
  assertId(id);
  const key = await em.findOne(ProviderKey, { id, accountId }, lock ? { lockMode: lock } : {});
  if (!key) throw new NotFoundError('Provider key', id);
  return key;
}

export async function listProviderKeys(
  em: EntityManager,
  accountId: string,
  args: { provider?: string | null; first?: number | null; after?: string | null },
): Promise<Page<IProviderKey>> {
  const where = args.provider != null ? { accountId, provider: args.provider } : { accountId };
  return paginate(em, ProviderKey, where, args, PROVIDER_KEY_ORDER);
}

/** The account's keys with these ids, in the given order; ids that are not the account's are skipped. */
export async function getProviderKeysByIds(em: EntityManager, accountId: string, ids: readonly string[]): Promise<IProviderKey[]> {
  const valid = ids.filter((id) => uuidSchema.safeParse(id).success);
  if (valid.length === 0) return [];
  const rows = await em.find(ProviderKey, { accountId, id: { $in: valid } });
  const byId = new Map(rows.map((r) => [r.id, r]));
  return valid.map((id) => byId.get(id)).filter((k): k is IProviderKey => k !== undefined);
}

/** Stores a new key for a built-in or the account's custom provider, encrypted and bound to its row. */
export async function createProviderKey(
  scope: MutationScope,
  secretBox: SecretBox,
  input: { provider: string; name: string; key: string; priority?: number | null },
): Promise<IProviderKey> {
  const data = parseInput(CreateSchema, input);
  const accountId = scope.actor.accountId;
  return mutate(scope, async (tem) => {
    // FOR SHARE on a custom provider: a concurrent delete waits and then sees this key.
    const known = await loadKnownProviders(tem, accountId, [data.provider], { lock: true });
    if (!known.has(data.provider)) {
      throw new ValidationError(`provider: unknown provider ${JSON.stringify(data.provider)}.`);
    }
    const id = randomUUID();
    const key = tem.create(ProviderKey, {
      id,
      accountId,
      provider: data.provider,
      name: data.name,
      encryptedKey: secretBox.encrypt(data.key, providerKeyAad(accountId, id)),
      keyRedacted: redactSecret(data.key),
      priority: data.priority ?? 0,
    });
    await flushOrConflict(tem, () => duplicateName(key));
    return key;
  }, (key) => changed('providerKey.create', key, auditFields(audited(key))));
}

/** What the audit log records of a provider key: never the key value, encrypted or redacted. */
function audited(key: IProviderKey): AuditSnapshot {
  return { name: key.name, provider: key.provider, priority: key.priority };
}

/** The audit entry (never the key value) and cache invalidation of a change to one provider key. */
function changed(action: string, key: IProviderKey, details: AuditDetails = auditFields({ name: key.name, provider: key.provider })): ChangeRecord {
  return {
    audit: { action, targetType: 'providerKey', targetId: key.id, details },
    events: [{ kind: 'providerKey', accountId: key.accountId }],
  };
}

/** Replaces the key value; the id (and every routing that names it) stays. */
export async function rotateProviderKey(scope: MutationScope, secretBox: SecretBox, id: string, newKey: string): Promise<IProviderKey> {
  const value = parseInput(z.object({ key: secretSchema }), { key: newKey }).key;
  const accountId = scope.actor.accountId;
  return mutate(scope, async (em) => {
    const key = await findOwn(em, accountId, id);
    key.encryptedKey = secretBox.encrypt(value, providerKeyAad(accountId, key.id));
    key.keyRedacted = redactSecret(value);
    return key;
  }, (key) =>
    // The new redacted form (shown to every reader of provider keys anyway) tells which value is now in use.
    changed('providerKey.rotate', key, auditFields({ name: key.name, provider: key.provider, rotated: true, keyRedacted: key.keyRedacted })),
  );
}

/** Renames or re-prioritises a key; omitted or null fields stay unchanged. */
export async function updateProviderKey(
  scope: MutationScope,
  id: string,
  input: { name?: string | null; priority?: number | null },
): Promise<IProviderKey> {
  const data = parseInput(UpdateSchema, input);
  return mutate(scope, async (em) => {
    const key = await findOwn(em, scope.actor.accountId, id);
    const before = audited(key);
    if (data.name != null) key.name = data.name;
    if (data.priority != null) key.priority = data.priority;
    await flushOrConflict(em, () => duplicateName(key));
    return { key, before };
  }, ({ key, before }) => changed('providerKey.update', key, auditChanges(before, audited(key), { name: key.name, provider: key.provider }))).then(
    ({ key }) => key,
  );
}

/** Deletes a key; CONFLICT while a configuration's routing names it. */
export async function deleteProviderKey(scope: MutationScope, id: string): Promise<IProviderKey> {
  const accountId = scope.actor.accountId;
  return mutate(scope, async (tem) => {
    // FOR UPDATE: a configuration being saved with this key (FOR SHARE) finishes first and is seen below.
    const key = await findOwn(tem, accountId, id, LockMode.PESSIMISTIC_WRITE);
    const configurations = await tem.find(AccessKeyConfiguration, { accountId }, { orderBy: { createdAt: 'asc', id: 'asc' } });
    const referencing = configurations.filter((c) => c.routing.some((r) => r.providerKeyIds.includes(key.id)));
    if (referencing.length > 0) {
      const names = referencing.slice(0, 5).map((c) => JSON.stringify(c.name)).join(', ');
      throw new ConflictError(
        `Provider key is routed by ${referencing.length} configuration${referencing.length === 1 ? '' : 's'} ` +
          `(${names}${referencing.length > 5 ? ', …' : ''}); remove it from their routing first.`,
      );
    }
    tem.remove(key);
    return key;
  }, (key) => changed('providerKey.delete', key));
}
