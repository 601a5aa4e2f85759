import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderKey } from '../../server/src/entities/provider-key.entity.js';
import { SecretBox, providerKeyAad } from '../../server/src/services/crypto.js';
import { reencryptProviderKeys } from '../../server/src/services/key-rotation.js';
import { AlertSettings } from '../../server/src/entities/alert.entity.js';
import { alertSecretAad } from '../../server/src/services/alerts/alert-settings.js';
import { reencryptAlertSecrets } from '../../server/src/services/alerts/secret-rotation.js';
import { gqlOk, signUpAccount } from '../support/graphql.js';
import { startTestServer, type TestServer } from '../support/test-app.js';

describe('master key rotation', () => {
  const oldKey = randomBytes(32).toString('base64');
  const newKey = randomBytes(32).toString('base64');
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ SECRET_KEY: oldKey });
  });
  afterAll(async () => server?.stop());

  it('re-encrypts every provider key under the new key, keeping values and ids', async () => {
    const { token } = await signUpAccount(server.url);
    const ids: string[] = [];
    for (const value of ['sk-rotate-one-123456', 'sk-rotate-two-654321']) {
      const d = await gqlOk<{ createProviderKey: { id: string } }>(
        server.url,
        'mutation($k: String!, $name: String!) { createProviderKey(input: { provider: "openai", name: $name, key: $k }) { id } }',
        { k: value, name: `k ${ids.length + 1}` },
        token,
      );
      ids.push(d.createProviderKey.id);
    }
    const em = server.services.orm.em.fork();
    const rotating = new SecretBox([newKey, oldKey]);
    const first = await reencryptProviderKeys(em, rotating);
    expect(first).toMatchObject({ total: 2, reencrypted: 2, failed: [] });
    // Idempotent: nothing left to do.
    expect((await reencryptProviderKeys(server.services.orm.em.fork(), rotating)).reencrypted).toBe(0);

    const onlyNew = new SecretBox([newKey]);
    const onlyOld = new SecretBox([oldKey]);
    const rows = await server.services.orm.em.fork().find(ProviderKey, { id: { $in: ids } }, { orderBy: { createdAt: 'asc' } });
    expect(rows.map((r) => onlyNew.decrypt(r.encryptedKey, providerKeyAad(r.accountId, r.id)))).toEqual([
      'sk-rotate-one-123456',
      'sk-rotate-two-654321',
    ]);
    expect(() => onlyOld.decrypt(rows[0].encryptedKey, providerKeyAad(rows[0].accountId, rows[0].id))).toThrow();
  });

  it('re-encrypts alert webhook signing secrets under the new key', async () => {
    const { token, accountId } = await signUpAccount(server.url);
    const { rotateAlertWebhookSecret } = await gqlOk<{ rotateAlertWebhookSecret: { secret: string } }>(
      server.url,
      'mutation { rotateAlertWebhookSecret { secret } }',
      {},
      token,
    );
    const rotating = new SecretBox([newKey, oldKey]);
    expect(await reencryptAlertSecrets(server.services.orm.em.fork(), rotating)).toMatchObject({ reencrypted: 1, failed: [] });
    expect((await reencryptAlertSecrets(server.services.orm.em.fork(), rotating)).reencrypted).toBe(0);
    const row = await server.services.orm.em.fork().findOneOrFail(AlertSettings, { accountId });
    expect(new SecretBox([newKey]).decrypt(row.encryptedSecret!, alertSecretAad(accountId))).toBe(rotateAlertWebhookSecret.secret);
  });
});
