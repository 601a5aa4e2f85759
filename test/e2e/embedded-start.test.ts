import { existsSync, lstatSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gqlOk } from '../support/graphql.js';
import { spawnServer, type SpawnedServer } from '../support/spawn-server.js';

/**
 * What `npm start` does on a fresh machine: no DATABASE_URL, the embedded database and a generated
 * master key under DATA_DIR; data survives a restart. Runs whatever TEST_DATABASE_URL says.
 */
/** Every path under `dir` whose mode is wider than 0700 (directories) or 0600 (files). */
function tooOpen(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    if ((statSync(d).mode & 0o777) !== 0o700) found.push(`${d} ${(statSync(d).mode & 0o777).toString(8)}`);
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && (lstatSync(path).mode & 0o777) !== 0o600) found.push(`${path} ${(lstatSync(path).mode & 0o777).toString(8)}`);
    }
  };
  walk(dir);
  return found;
}

describe('embedded database start-up', () => {
  const parent = mkdtempSync(join(tmpdir(), 'gw-embedded-'));
  // Not created in advance: the gateway creates it.
  const dataDir = join(parent, 'data');
  let server: SpawnedServer | undefined;
  afterAll(async () => {
    await server?.stop();
    rmSync(parent, { recursive: true, force: true });
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
    // Audit MEDIUM-4: the database files (password hashes, balances) were 0666 in a 0755 directory.
    expect(existsSync(join(dataDir, 'pg', 'PG_VERSION'))).toBe(true);
    expect(tooOpen(dataDir)).toEqual([]);

    expect(await server.stop()).toBe(0);
    expect(tooOpen(dataDir)).toEqual([]);
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

/**
 * `npm start` runs from the repo, but a service manager (systemd without WorkingDirectory, a
 * container with another WORKDIR) may start server/dist/main.js from anywhere: the admin UI must
 * still be served, and a missing build must be said at start-up rather than leaving / a bare 404.
 */
describe('started from another working directory', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'gw-elsewhere-'));
  let server: SpawnedServer | undefined;
  afterAll(async () => {
    await server?.stop();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('serves the bundled admin UI without WEB_DIST_DIR', async () => {
    if (!existsSync('server/dist/main.js') || !existsSync('web/dist/index.html')) {
      throw new Error('server/dist or web/dist is missing: npm test builds them before the tests');
    }
    server = await spawnServer({ DATA_DIR: join(cwd, 'data'), DATABASE_URL: '', SECRET_KEY: '', SERVE_WEB: 'true' }, { builtFrom: cwd });
    const root = await fetch(`${server.url}/`);
    expect(root.status).toBe(200);
    expect(await root.text()).toContain('<div id="root">');
    expect(server.output.join('')).not.toContain('admin UI not built');
  });

  it('warns at start-up when WEB_DIST_DIR holds no build', async () => {
    const empty = join(cwd, 'no-build');
    // The previous test's process (one data dir, one process), also when that test failed.
    await server?.stop();
    server = await spawnServer(
      { DATA_DIR: join(cwd, 'data'), DATABASE_URL: '', SECRET_KEY: '', SERVE_WEB: 'true', WEB_DIST_DIR: empty },
      { builtFrom: cwd },
    );
    expect(server.output.join('')).toContain('admin UI not built');
    expect((await fetch(`${server.url}/`)).status).toBe(404);
  });
});
