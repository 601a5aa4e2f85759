import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ApiKey, type IApiKey } from '../entities/api-key.entity.js';
import { NotFoundError } from '../errors/not-found-error.js';
import type { Page } from '../graphql/types/connection.type.js';
import { TOKEN_PREFIX, generateToken, hashToken, redactSecret } from './crypto.js';
import { paginate } from './pagination.js';
import { nameSchema, parseInput, uuidSchema } from './validate.js';

export async function createApiKey(
  em: EntityManager,
  accountId: string,
  input: { name: string },
): Promise<{ apiKey: IApiKey; token: string }> {
  const name = parseInput(nameSchema(), input.name);
  const token = generateToken(TOKEN_PREFIX.apiKey);
  const apiKey = em.create(ApiKey, {
    id: randomUUID(),
    accountId,
    name,
    tokenHash: hashToken(token),
    keyRedacted: redactSecret(token),
  });
  await em.flush();
  return { apiKey, token };
}

export async function listApiKeys(
  em: EntityManager,
  accountId: string,
  args: { first?: number | null; after?: string | null },
): Promise<Page<IApiKey>> {
  return paginate(em, ApiKey, { accountId, revokedAt: null }, args);
}

export async function revokeApiKey(em: EntityManager, accountId: string, id: string): Promise<boolean> {
  if (!uuidSchema.safeParse(id).success) throw new NotFoundError('API key', id);
  const n = await em.nativeUpdate(ApiKey, { id, accountId, revokedAt: null }, { revokedAt: new Date() });
  if (n === 0) throw new NotFoundError('API key', id);
  return true;
}
