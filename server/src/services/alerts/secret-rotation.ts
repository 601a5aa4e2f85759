import type { EntityManager } from '@mikro-orm/postgresql';
import { AlertSettings } from '../../entities/alert.entity.js';
import type { SecretBox } from '../crypto.js';
import type { RotationResult } from '../key-rotation.js';
import { alertSecretAad } from './alert-settings.js';

/**
 * Master key rotation for alert webhook signing secrets (beside key-rotation.ts's provider keys):
 * re-seals every secret still under an older master key. Idempotent; a row changed meanwhile is left to the change.
 */
export async function reencryptAlertSecrets(em: EntityManager, box: SecretBox): Promise<RotationResult> {
  const rows = await em.find(AlertSettings, { encryptedSecret: { $ne: null } }, { fields: ['accountId', 'encryptedSecret'], orderBy: { accountId: 'asc' } });
  const result: RotationResult = { total: rows.length, reencrypted: 0, failed: [] };
  for (const row of rows) {
    const sealed = row.encryptedSecret!;
    if (!box.needsRotation(sealed)) continue;
    try {
      const aad = alertSecretAad(row.accountId);
      const next = box.encrypt(box.decrypt(sealed, aad), aad);
      result.reencrypted += await em.nativeUpdate(AlertSettings, { accountId: row.accountId, encryptedSecret: sealed }, { encryptedSecret: next });
    } catch {
      result.failed.push(row.accountId);
    }
  }
  return result;
}
