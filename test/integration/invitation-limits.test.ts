/**
 * inviteMember is rate limited per organization and per recipient address (security review
 * findings 4 and 9: an unthrottled mail relay through the operator's SMTP account, and an oracle
 * telling which e-mails have a login), in the shared counter store, so two instances on one
 * database (and, with TEST_REDIS_URL, one Redis) count together.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/src/config.js';
import { createLogger } from '../../server/src/logger.js';
import { startServer, type RunningServer } from '../../server/src/server.js';
import { createTestDatabase, sharedInstanceEnv, type TestDatabase } from '../support/db.js';
import { signUpAccount } from '../support/graphql.js';
import { uniqueEmail } from '../support/organization.js';

const databaseUrl = process.env.TEST_DATABASE_URL;
const redisUrl = process.env.TEST_REDIS_URL;

const INVITE = 'mutation($email: String!) { inviteMember(input: { email: $email, role: VIEWER }) { token } }';

async function invite(server: RunningServer, token: string, email: string) {
  const res = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: INVITE, variables: { email } }),
  });
  const body = (await res.json()) as { errors?: { message: string; extensions: { code: string } }[] };
  return { code: body.errors?.[0].extensions.code ?? 'OK', message: body.errors?.[0].message, retryAfter: res.headers.get('retry-after') };
}

function suite(store: string, extraEnv: () => Record<string, string>) {
  describe(`two instances sharing ${store}`, () => {
    let db: TestDatabase;
    let a: RunningServer;
    let b: RunningServer;
    beforeAll(async () => {
      db = await createTestDatabase();
      const env = { ...sharedInstanceEnv(db), INVITATIONS_PER_HOUR: '4', INVITATIONS_PER_ADDRESS_PER_DAY: '2', ...extraEnv() };
      a = await startServer(loadConfig({ ...env, INSTANCE_ID: 'a' }), { logger: createLogger('silent') });
      b = await startServer(loadConfig({ ...env, INSTANCE_ID: 'b' }), { logger: createLogger('silent') });
    }, 120_000);
    afterAll(async () => {
      await Promise.all([a?.close(), b?.close()]);
      await db?.drop();
    });

    it('refuses an organization more invitations an hour than the limit, across instances, conflicts (existing logins) included', async () => {
      const org = await signUpAccount(a.url);
      const other = await signUpAccount(a.url);
      const codes = [];
      // A probe for an address that has a login counts too: the oracle is bounded by the same limit.
      codes.push((await invite(a, org.token, other.email)).code);
      for (let i = 0; i < 3; i++) codes.push((await invite(i % 2 ? a : b, org.token, uniqueEmail('probe'))).code);
      expect(codes).toEqual(['CONFLICT', 'OK', 'OK', 'OK']);
      const refused = await invite(b, org.token, uniqueEmail('probe'));
      expect(refused).toMatchObject({ code: 'RATE_LIMITED', message: 'Too many invitations from this organization: limit is 4 per 3600 s.' });
      expect(Number(refused.retryAfter)).toBeGreaterThan(3500);
      expect(Number(refused.retryAfter)).toBeLessThanOrEqual(3600);
      // Another organization has its own allowance.
      expect((await invite(a, other.token, uniqueEmail('probe'))).code).toBe('OK');
    });

    it('refuses an address more invitations a day than the limit, from any organization and instance', async () => {
      const target = uniqueEmail('target');
      const first = await signUpAccount(a.url);
      const second = await signUpAccount(b.url);
      expect((await invite(a, first.token, target)).code).toBe('OK');
      expect((await invite(b, second.token, target)).code).toBe('OK');
      const refused = await invite(a, first.token, target.toUpperCase());
      expect(refused).toMatchObject({ code: 'RATE_LIMITED', message: 'Too many invitations to this e-mail address: limit is 2 per 86400 s.' });
      expect(Number(refused.retryAfter)).toBeGreaterThan(86_000);
      expect((await invite(b, second.token, uniqueEmail('target'))).code).toBe('OK');
    });
  });
}

describe.skipIf(!databaseUrl)('invitation limits shared by every instance', () => {
  suite('PostgreSQL', () => ({}));
  describe.skipIf(!redisUrl)('with REDIS_URL', () => {
    suite('Redis', () => ({ REDIS_URL: redisUrl!, REDIS_KEY_PREFIX: `test-${randomBytes(6).toString('hex')}:` }));
  });
});
