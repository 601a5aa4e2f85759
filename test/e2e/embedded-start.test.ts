import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gqlOk } from '../support/graphql.js';
import { spawnServer, type SpawnedServer } from '../support/spawn-server.js';

/**
 * What `npm start` does on a fresh machine: no DATABASE_URL, the embedded database and a generated
 * master key under DATA_DIR; data survives a restart. Runs whatever TEST_DATABASE_URL says.
 */
describe('embedded database start-up', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gw-embedded-'));
  let server: SpawnedServer | undefined;
  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const env = { DATA_DIR: dataDir, DATABASE_URL: '', SECRET_KEY: '', SERVE_WEB: 'true' };

  it('starts without DATABASE_URL, keeps accounts and provider keys across a restart', async () => {
    server = await spawnServer(env);
    const signUp = await gqlOk<{ signUp: { account: { id: string } } }>(
      server.url,
      'mutation { signUp(input: { email: "persist@example.com", password: "a long password", name: "P" }) { token account { id } } }',
    );
    const login1 = await gqlOk<{ logIn: { token: string } }>(
      server.url,
      'mutation { logIn(input: { email: "persist@example.com", password: "a long password" }) { token } }',
    );
    await gqlOk(
      server.url,
      'mutation { createProviderKey(input: { provider: "openai", name: "k", key: "sk-embedded-persist-1234" }) { id } }',
      {},
      login1.logIn.token,
    );
    const keyFile = join(dataDir, 'secret.key');
    expect(existsSync(keyFile)).toBe(true);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);

    expect(await server.stop()).toBe(0);
    server = await spawnServer(env);
    const login2 = await gqlOk<{ logIn: { account: { id: string } ; token: string } }>(
      server.url,
      'mutation { logIn(input: { email: "persist@example.com", password: "a long password" }) { token account { id } } }',
    );
    expect(login2.logIn.account.id).toBe(signUp.signUp.account.id);
    const keys = await gqlOk<{ providerKeys: { nodes: { keyRedacted: string }[] } }>(
      server.url,
      '{ providerKeys { nodes { keyRedacted } } }',
      {},
      login2.logIn.token,
    );
    expect(keys.providerKeys.nodes.map((k) => k.keyRedacted)).toEqual([expect.stringMatching(/1234$/)]);
  });

  it('serves the admin UI at / and falls back to it for client-side routes', async () => {
    if (!existsSync('web/dist/index.html')) throw new Error('web/dist is missing: npm test builds it before the tests');
    const root = await fetch(`${server!.url}/`);
    expect(root.status).toBe(200);
    expect(root.headers.get('content-type')).toContain('text/html');
    expect(await root.text()).toContain('<div id="root">');
    const deep = await fetch(`${server!.url}/usage`);
    expect(await deep.text()).toContain('<div id="root">');
    const playground = await fetch(`${server!.url}/graphql`, { headers: { accept: 'text/html' }, redirect: 'manual' });
    expect(playground.status).toBe(302);
    expect(playground.headers.get('location')).toBe('/playground');
  });
});
