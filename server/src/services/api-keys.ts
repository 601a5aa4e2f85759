import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ApiKey, type IApiKey } from '../entities/api-key.entity.js';
import { Member } from '../entities/member.entity.js';
import { NotFoundError } from '../errors/not-found-error.js';
import { PermissionError } from '../errors/permission-error.js';
import { ValidationError } from '../errors/validation-error.js';
import type { Page } from '../graphql/types/connection.type.js';
import { auditFields } from './audit-details.js';
import type { Caller } from './caller.js';
import { TOKEN_PREFIX, generateToken, hashToken, redactSecret } from './crypto.js';
import { mutate, type MutationScope } from './mutation.js';
import { paginate } from './pagination.js';
import { isRole, roleAtLeast, type Role } from './roles.js';
import { nameSchema, parseInput, uuidSchema } from './validate.js';

/**
 * Creates an admin-API key acting with `role` (default and at most the creator's role); token
 * shown once. Only a member's session may: a key minted by a key would outlive the revocation of
 * the key that minted it (it belongs to the member, not to that key).
 */
export async function createApiKey(
  scope: MutationScope,
  caller: Caller,
  input: { name: string; role?: string | null },
): Promise<{ apiKey: IApiKey; token: string }> {
  if (caller.via !== 'session') {
    throw new PermissionError('forbidden', 'API keys cannot create API keys; sign in as a member to create one.');
  }
  const name = parseInput(nameSchema(), input.name);
  const role = input.role ?? caller.role;
  if (!isRole(role)) throw new ValidationError('role: must be one of OWNER, ADMIN, DEVELOPER, VIEWER.');
  if (!roleAtLeast(caller.role, role)) throw new PermissionError('forbidden', `An API key cannot have a higher role than its creator (${caller.role}).`);
  return mutate(
    scope,
    async (em) => {
      const token = generateToken(TOKEN_PREFIX.apiKey);
      const apiKey = em.create(ApiKey, {
        id: randomUUID(),
        accountId: caller.accountId,
        memberId: caller.memberId,
        role,
        name,
        tokenHash: hashToken(token),
        keyRedacted: redactSecret(token),
      });
      return { apiKey, token };
    },
    ({ apiKey }) => ({ audit: { action: 'apiKey.create', targetType: 'apiKey', targetId: apiKey.id, details: auditFields({ name: apiKey.name, role: apiKey.role }) } }),
  );
}

export async function listApiKeys(
  em: EntityManager,
  accountId: string,
  args: { first?: number | null; after?: string | null },
): Promise<Page<IApiKey>> {
  return paginate(em, ApiKey, { accountId, revokedAt: null }, args);
}

/** The current role of each key's creator (absent once the creator is gone), in one read: it caps what the key may do. */
export async function creatorRoles(em: EntityManager, accountId: string, keys: readonly IApiKey[]): Promise<Map<string, Role>> {
  const ids = [...new Set(keys.flatMap((k) => (k.memberId ? [k.memberId] : [])))];
  const creators = ids.length > 0 ? await em.find(Member, { id: { $in: ids }, accountId }) : [];
  return new Map(creators.map((m) => [m.id, m.role]));
}

/** Revokes an API key; one that belongs to an OWNER only an OWNER may revoke. */
export async function revokeApiKey(scope: MutationScope, caller: Caller, id: string): Promise<boolean> {
  if (!uuidSchema.safeParse(id).success) throw new NotFoundError('API key', id);
  return mutate(
    scope,
    async (em) => {
      const key = await em.findOne(ApiKey, { id, accountId: caller.accountId, revokedAt: null });
      if (!key) throw new NotFoundError('API key', id);
      const owner = key.memberId ? await em.findOne(Member, { id: key.memberId, accountId: caller.accountId }) : null;
      if (owner?.role === 'OWNER' && caller.role !== 'OWNER') {
        throw new PermissionError('forbidden', "Only an OWNER may revoke an OWNER's API key.");
      }
      key.revokedAt = new Date();
      return key;
    },
    (key) => ({ audit: { action: 'apiKey.revoke', targetType: 'apiKey', targetId: key.id, details: auditFields({ name: key.name, role: key.role }) } }),
  ).then(() => true);
}
