import type { EntityManager } from '@mikro-orm/postgresql';
import { ProviderKey } from '../entities/provider-key.entity.js';
import { providerKeyAad, type SecretBox } from './crypto.js';

export interface RotationResult {
  total: number;
  reencrypted: number;
  failed: string[];
}

/**
 * Re-encrypts every provider key still sealed with an older master key under the current one
 * (SECRET_KEY, with the old keys in PREVIOUS_SECRET_KEYS). Idempotent; each row is updated only
 * if its ciphertext is unchanged since it was read, so a concurrent rotation of the same key wins.
 */
export async function reencryptProviderKeys(
  em: EntityManager,
  box: SecretBox,
  onProgress?: (done: number, total: number) => void,
): Promise<RotationResult> {
  const rows = await em.find(ProviderKey, {}, { fields: ['id', 'accountId', 'encryptedKey'], orderBy: { id: 'asc' } });
  const result: RotationResult = { total: rows.length, reencrypted: 0, failed: [] };
  let done = 0;
  for (const row of rows) {
    done++;
    if (!box.needsRotation(row.encryptedKey)) continue;
    try {
      const aad = providerKeyAad(row.accountId, row.id);
      const sealed = box.encrypt(box.decrypt(row.encryptedKey, aad), aad);
      const n = await em.nativeUpdate(ProviderKey, { id: row.id, encryptedKey: row.encryptedKey }, { encryptedKey: sealed });
      result.reencrypted += n;
    } catch {
      result.failed.push(row.id);
    }
    if (done % 100 === 0) onProgress?.(done, rows.length);
  }
  onProgress?.(done, rows.length);
  return result;
}
