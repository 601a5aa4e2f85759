import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DecryptionError, providerKeyAad } from '../../server/src/services/crypto.js';
import { gql, type GraphqlResult } from '../support/graphql.js';
import { startTestServer, type TestServer } from '../support/test-app.js';

/** The ways a leaked secret could be spelled in a log, response or row. */
function spellings(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  return [secret, bytes.toString('base64'), bytes.toString('base64url'), bytes.toString('hex')];
}

describe('GraphQL secrets handling', () => {
  let server: TestServer;
  let url: string;
  const responses: string[] = [];
  const canaryKey = `sk-canary-${randomBytes(12).toString('hex')}`;
  const rotatedCanaryKey = `sk-canary-rotated-${randomBytes(12).toString('hex')}`;
  const rejectedCanaryKey = `sk-canary-rejected-${randomBytes(12).toString('hex')}`;
  const canaryPassword = `pw-canary-${randomBytes(12).toString('hex')}`;
  /** Shown once by design (so they are in responses), but must never be stored or logged. */
  const issuedTokens: string[] = [];

  /** gql that records every response body for the leak search. */
  async function call<T = Record<string, unknown>>(query: string, variables: Record<string, unknown> = {}, token?: string): Promise<GraphqlResult<T>> {
    const result = await gql<T>(url, query, variables, token);
    responses.push(JSON.stringify(result));
    return result;
  }
  async function callOk<T>(query: string, variables: Record<string, unknown> = {}, token?: string): Promise<T> {
    const result = await call<T>(query, variables, token);
    if (result.errors?.length || !result.data) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
    return result.data;
  }

  let session = '';
  let accountId = '';
  const keyIds: string[] = [];

  beforeAll(async () => {
    server = await startTestServer({ LOG_LEVEL: 'trace' });
    url = server.url;
    const email = `canary-${randomBytes(4).toString('hex')}@example.com`;
    const signUp = await callOk<{ signUp: { token: string; account: { id: string } } }>(
      'mutation($input: SignUpInput!) { signUp(input: $input) { token account { id } } }',
      { input: { email, password: canaryPassword, name: 'Canary' } },
    );
    session = signUp.signUp.token;
    accountId = signUp.signUp.account.id;
    issuedTokens.push(session);

    // Failed and successful log-ins with the canary password.
    await call('mutation($input: LogInInput!) { logIn(input: $input) { token } }', { input: { email, password: `${canaryPassword}-wrong` } });
    const logIn = await callOk<{ logIn: { token: string } }>('mutation($input: LogInInput!) { logIn(input: $input) { token } }', {
      input: { email, password: canaryPassword },
    });
    issuedTokens.push(logIn.logIn.token);
    // Too-short password on sign-up carries the canary prefix into a validation error path.
    await call('mutation($input: SignUpInput!) { signUp(input: $input) { token } }', { input: { email: 'not-an-email', password: canaryPassword } });

    const createKey = 'mutation($input: CreateProviderKeyInput!) { createProviderKey(input: $input) { id keyRedacted } }';
    for (const provider of ['openai', 'anthropic']) {
      const r = await callOk<{ createProviderKey: { id: string } }>(createKey, { input: { provider, name: `canary ${provider}`, key: canaryKey } }, session);
      keyIds.push(r.createProviderKey.id);
    }
    // Rejected keys travel through validation and error formatting.
    await call(createKey, { input: { provider: 'openai', name: 'bad', key: `${rejectedCanaryKey} tail` } }, session);
    await call(createKey, { input: { provider: 'no-such-provider', name: 'bad', key: rejectedCanaryKey } }, session);
    await call('mutation($id: ID!, $key: String!) { rotateProviderKey(id: $id, key: $key) { id } }', { id: 'bogus', key: rejectedCanaryKey }, session);

    const apiKey = await callOk<{ createApiKey: { token: string } }>('mutation { createApiKey(input: {name: "canary"}) { token } }', {}, session);
    issuedTokens.push(apiKey.createApiKey.token);
    const accessKey = await callOk<{ createAccessKey: { token: string } }>('mutation { createAccessKey(input: {name: "canary"}) { token } }', {}, session);
    issuedTokens.push(accessKey.createAccessKey.token);

    await callOk(
      '{ me { id } providerKeys(first: 100) { nodes { id provider name keyRedacted priority } } providers { id } accessKeys { nodes { id keyRedacted } } apiKeys { nodes { id keyRedacted } } }',
      {},
      session,
    );
  });
  afterAll(async () => server?.stop());

  async function allRows(): Promise<Record<string, string>> {
    const conn = server.services.orm.em.getConnection();
    const tables = await conn.execute<{ table_name: string }[]>(
      "select table_name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'",
    );
    expect(tables.map((t) => t.table_name)).toEqual(expect.arrayContaining(['account', 'provider_key', 'access_key', 'api_key', 'session']));
    const dump: Record<string, string> = {};
    for (const { table_name } of tables) {
      dump[table_name] = JSON.stringify(await conn.execute(`select * from "${table_name}"`));
    }
    return dump;
  }

  it('keeps the key values and the password out of every GraphQL response', () => {
    expect(responses.length).toBeGreaterThan(5);
    const all = responses.join('\n');
    for (const secret of [canaryKey, rejectedCanaryKey, canaryPassword]) {
      for (const s of spellings(secret)) expect(all).not.toContain(s);
    }
  });

  it('keeps the key values, password and issued tokens out of every table', async () => {
    const dump = await allRows();
    expect(dump.provider_key).toContain(keyIds[0]);
    for (const [table, rows] of Object.entries(dump)) {
      for (const secret of [canaryKey, rejectedCanaryKey, canaryPassword, ...issuedTokens]) {
        for (const s of spellings(secret)) expect(rows, `${table} leaks a secret`).not.toContain(s);
      }
    }
  });

  it('rotating keeps the id, changes the ciphertext and never exposes the new value', async () => {
    const conn = server.services.orm.em.getConnection();
    const read = async () =>
      (await conn.execute<{ id: string; encrypted_key: string }[]>('select id, encrypted_key from provider_key where id = ?', [keyIds[0]]))[0];
    const before = await read();
    const rotated = await callOk<{ rotateProviderKey: { id: string; keyRedacted: string } }>(
      'mutation($id: ID!, $key: String!) { rotateProviderKey(id: $id, key: $key) { id keyRedacted } }',
      { id: keyIds[0], key: rotatedCanaryKey },
      session,
    );
    expect(rotated.rotateProviderKey.id).toBe(keyIds[0]);
    const after = await read();
    expect(after.id).toBe(before.id);
    expect(after.encrypted_key).not.toBe(before.encrypted_key);
    expect(server.services.secretBox.decrypt(after.encrypted_key, providerKeyAad(accountId, keyIds[0]))).toBe(rotatedCanaryKey);

    const dump = JSON.stringify(await allRows());
    for (const s of spellings(rotatedCanaryKey)) expect(dump).not.toContain(s);
    for (const s of spellings(rotatedCanaryKey)) expect(responses.join('\n')).not.toContain(s);
  });

  it('binds each ciphertext to its row: a value copied to another row does not decrypt', async () => {
    const conn = server.services.orm.em.getConnection();
    const [first, second] = keyIds;
    const sealed = async (id: string) =>
      (await conn.execute<{ encrypted_key: string }[]>('select encrypted_key from provider_key where id = ?', [id]))[0].encrypted_key;
    const box = server.services.secretBox;

    // Both decrypt in place.
    expect(box.decrypt(await sealed(second), providerKeyAad(accountId, second))).toBe(canaryKey);

    // Copy the first key's ciphertext onto the second row: the row's own AAD no longer matches.
    await conn.execute('update provider_key set encrypted_key = (select encrypted_key from provider_key where id = ?) where id = ?', [first, second]);
    const copied = await sealed(second);
    expect(copied).toBe(await sealed(first));
    expect(() => box.decrypt(copied, providerKeyAad(accountId, second))).toThrow(DecryptionError);
    // Same row id under another account fails too.
    expect(() => box.decrypt(copied, providerKeyAad('00000000-0000-4000-8000-000000000000', first))).toThrow(DecryptionError);
    // A tampered ciphertext fails.
    const parts = copied.split('.');
    parts[4] = Buffer.from('tampered').toString('base64url');
    expect(() => box.decrypt(parts.join('.'), providerKeyAad(accountId, first))).toThrow(DecryptionError);
    // The untouched original still decrypts.
    expect(box.decrypt(await sealed(first), providerKeyAad(accountId, first))).toBe(rotatedCanaryKey);
  });

  it('keeps every secret out of the server logs (checked last, after all the calls above)', () => {
    expect(server.logs.length).toBeGreaterThan(0);
    const logs = server.logs.join('\n');
    for (const secret of [canaryKey, rotatedCanaryKey, rejectedCanaryKey, canaryPassword, ...issuedTokens]) {
      for (const s of spellings(secret)) expect(logs).not.toContain(s);
    }
  });
});
