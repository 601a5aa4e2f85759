import { randomBytes, randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/src/config.js';
import { startEmbeddedDatabase } from '../../server/src/db/embedded.js';
import { openOrm } from '../../server/src/db/orm.js';
import { createLogger } from '../../server/src/logger.js';
import { hashPassword, hashToken } from '../../server/src/services/crypto.js';
import { startServer, type RunningServer } from '../../server/src/server.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { gql, gqlOk } from '../support/graphql.js';

/** The last migration before organizations existed. */
const BEFORE_ORGANIZATIONS = 'Migration20261125162059';

describe('migration to organizations: existing accounts keep everything', () => {
  let db: TestDatabase;
  let server: RunningServer;
  const accountId = randomUUID();
  const sessionToken = `ngsess-${randomBytes(32).toString('base64url')}`;
  const apiKeyToken = `ngadm-${randomBytes(32).toString('base64url')}`;

  // Setup hashes several passwords (scrypt): give it room on a loaded machine.
  beforeAll(async () => {
    db = await createTestDatabase();
    // An account as it was before: its own email and password, a session and an API key.
    const embedded = db.databaseUrl ? undefined : await startEmbeddedDatabase(db.dataDir, 2);
    const orm = await openOrm({ clientUrl: db.databaseUrl ?? embedded!.clientUrl, poolMax: 1 });
    try {
      await orm.migrator.up({ to: BEFORE_ORGANIZATIONS });
      const em = orm.em.fork();
      const now = new Date();
      await em.execute(`insert into account (id, email, name, password_hash, created_at, updated_at) values (?, 'old@example.com', 'Old Co', ?, ?, ?)`, [
        accountId,
        await hashPassword('old password 123'),
        now,
        now,
      ]);
      await em.execute(`insert into session (id, account_id, token_hash, created_at, expires_at) values (?, ?, ?, ?, ?)`, [
        randomUUID(),
        accountId,
        hashToken(sessionToken),
        now,
        new Date(Date.now() + 86_400_000),
      ]);
      await em.execute(`insert into api_key (id, account_id, name, token_hash, key_redacted, created_at) values (?, ?, 'ci', ?, 'ngadm-…x', ?)`, [
        randomUUID(),
        accountId,
        hashToken(apiKeyToken),
        now,
      ]);
      await em.execute(`insert into access_key_configuration (id, account_id, name, routing, created_at, updated_at) values (?, ?, 'cfg', '[]', ?, ?)`, [
        randomUUID(),
        accountId,
        now,
        now,
      ]);
    } finally {
      await orm.close(true);
      await embedded?.stop();
    }
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: db.dataDir,
      SERVE_WEB: 'false',
      ...(db.databaseUrl ? { DATABASE_URL: db.databaseUrl, SECRET_KEY: randomBytes(32).toString('base64') } : {}),
    });
    server = await startServer(config, { logger: createLogger('warn', new Writable({ write: (_c, _e, cb) => cb() })) });
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it('turns the account into an organization whose single member is its OWNER, with the same login', async () => {
    const data = await gqlOk<{ me: { id: string; email: string; name: string }; viewer: { email: string; name: string; role: string }; members: { nodes: unknown[] } }>(
      server.url,
      '{ me { id email name } viewer { email name role } members { nodes { id } } }',
      {},
      sessionToken,
    );
    expect(data.me).toEqual({ id: accountId, email: 'old@example.com', name: 'Old Co' });
    expect(data.viewer).toEqual({ email: 'old@example.com', name: 'Old Co', role: 'OWNER' });
    expect(data.members.nodes).toHaveLength(1);
    expect((await gqlOk<{ accessKeyConfigurations: { nodes: unknown[] } }>(server.url, '{ accessKeyConfigurations { nodes { id } } }', {}, sessionToken)).accessKeyConfigurations.nodes).toHaveLength(1);

    const login = await gqlOk<{ logIn: { account: { id: string } } }>(server.url, 'mutation { logIn(input: { email: "old@example.com", password: "old password 123" }) { account { id } } }');
    expect(login.logIn.account.id).toBe(accountId);
  });

  it('keeps existing API keys working, acting as OWNER', async () => {
    const data = await gql<{ apiKeys: { nodes: { name: string; role: string }[] } }>(server.url, '{ apiKeys { nodes { name role } } }', {}, apiKeyToken);
    expect(data.errors).toBeUndefined();
    expect(data.data?.apiKeys.nodes).toEqual([{ name: 'ci', role: 'OWNER' }]);
  });
});
