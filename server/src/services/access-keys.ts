import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { AccessKeyConfiguration } from '../entities/access-key-configuration.entity.js';
import { AccessKey, type IAccessKey } from '../entities/access-key.entity.js';
import { NotFoundError } from '../errors/not-found-error.js';
import { ValidationError } from '../errors/validation-error.js';
import type { AuditDetails } from '../entities/audit-event.entity.js';
import type { Page } from '../graphql/types/connection.type.js';
import { auditChanges, auditFields, type AuditSnapshot } from './audit-details.js';
import { TOKEN_PREFIX, generateToken, hashToken, redactSecret } from './crypto.js';
import { mutate, type ChangeRecord, type MutationScope } from './mutation.js';
import { paginate } from './pagination.js';
import { applyKeyLimits, keyLimitsOf, type KeyLimitsInput } from './key-limits.js';
import { nameSchema, parseInput, uuidSchema } from './validate.js';

/** Free text; empty means none. Line breaks and tabs are fine, other control characters are not. */
const descriptionSchema = z
  .string()
  .trim()
  .max(1000, 'must be at most 1000 characters')
  .refine((s) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s), 'must not contain control characters')
  .transform((s) => (s === '' ? null : s));

const CreateSchema = z.object({
  name: nameSchema(),
  description: descriptionSchema.nullish(),
  configurationId: z.string().nullish(),
});

const UpdateSchema = z.object({
  name: nameSchema().nullish(),
  description: descriptionSchema.nullish(),
  configurationId: z.string().nullish(),
});

/**
 * Checks that a configuration id in an input is the account's, holding FOR SHARE on it until the
 * transaction ends so a concurrent delete cannot miss this key. Not found (including another
 * account's id) is a BAD_USER_INPUT on the input field, like every id referenced from an input.
 */
async function lockConfiguration(em: EntityManager, accountId: string, id: string): Promise<string> {
  const found =
    uuidSchema.safeParse(id).success &&
    (await em.findOne(AccessKeyConfiguration, { id, accountId }, { lockMode: LockMode.PESSIMISTIC_READ }));
  if (!found) throw new ValidationError(`configurationId: access key configuration ${JSON.stringify(id)} not found.`);
  return id;
}

export async function listAccessKeys(
  em: EntityManager,
  accountId: string,
  args: { first?: number | null; after?: string | null },
): Promise<Page<IAccessKey>> {
  return paginate(em, AccessKey, { accountId, revokedAt: null }, args);
}

/** Issues an `ng-…` token (256 random bits); only its SHA-256 is stored and the token is returned once. */
export async function createAccessKey(
  scope: MutationScope,
  input: { name: string; description?: string | null; configurationId?: string | null; limits?: KeyLimitsInput | null },
  now: number,
): Promise<{ accessKey: IAccessKey; token: string }> {
  const data = parseInput(CreateSchema, input);
  const accountId = scope.actor.accountId;
  return mutate(scope, async (tem) => {
    const configurationId = data.configurationId == null ? null : await lockConfiguration(tem, accountId, data.configurationId);
    const token = generateToken(TOKEN_PREFIX.accessKey);
    const accessKey = tem.create(AccessKey, {
      id: randomUUID(),
      accountId,
      name: data.name,
      description: data.description ?? null,
      tokenHash: hashToken(token),
      keyRedacted: redactSecret(token),
      configurationId,
    });
    applyKeyLimits(accessKey, input.limits, now);
    return { accessKey, token };
  }, ({ accessKey }) => changed('accessKey.create', accessKey, auditFields(audited(accessKey))));
}

/** What the audit log records of a key: its settings and limits, never its token or hash. */
function audited(key: IAccessKey): AuditSnapshot {
  return { name: key.name, description: key.description ?? null, configurationId: key.configurationId ?? null, ...keyLimitsOf(key) };
}

/** The audit entry and cache invalidation of a change to one access key. */
function changed(action: string, key: IAccessKey, details: AuditDetails): ChangeRecord {
  return {
    audit: { action, targetType: 'accessKey', targetId: key.id, details },
    events: [{ kind: 'accessKey', accountId: key.accountId, tokenHash: key.tokenHash, accessKeyId: key.id }],
  };
}

/**
 * Changes an active key. Omitted fields stay unchanged; `name: null` also leaves the name alone;
 * `description: null` (or "") clears it; `configurationId: null` detaches the configuration (the
 * key may then use every provider and model, with default routing).
 */
export async function updateAccessKey(
  scope: MutationScope,
  id: string,
  input: { name?: string | null; description?: string | null; configurationId?: string | null; limits?: KeyLimitsInput | null },
  now: number,
): Promise<IAccessKey> {
  if (!uuidSchema.safeParse(id).success) throw new NotFoundError('Access key', id);
  const data = parseInput(UpdateSchema, input);
  const accountId = scope.actor.accountId;
  return mutate(scope, async (tem) => {
    const key = await tem.findOne(AccessKey, { id, accountId, revokedAt: null });
    if (!key) throw new NotFoundError('Access key', id);
    const before = audited(key);
    if (data.name != null) key.name = data.name;
    if (data.description !== undefined) key.description = data.description;
    if (data.configurationId !== undefined) {
      key.configurationId = data.configurationId === null ? null : await lockConfiguration(tem, accountId, data.configurationId);
    }
    applyKeyLimits(key, input.limits, now);
    return { key, before };
  }, ({ key, before }) => changed('accessKey.update', key, auditChanges(before, audited(key), { name: key.name }))).then(({ key }) => key);
}

/** Revokes an active key at once; returns it (with its token hash, for cache invalidation). */
export async function revokeAccessKey(scope: MutationScope, id: string): Promise<IAccessKey> {
  if (!uuidSchema.safeParse(id).success) throw new NotFoundError('Access key', id);
  const accountId = scope.actor.accountId;
  return mutate(scope, async (em) => {
    const key = await em.findOne(AccessKey, { id, accountId, revokedAt: null }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!key) throw new NotFoundError('Access key', id);
    key.revokedAt = new Date();
    return key;
  }, (key) => changed('accessKey.revoke', key, auditFields({ name: key.name })));
}
