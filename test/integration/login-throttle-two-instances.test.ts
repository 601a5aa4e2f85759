/**
 * The log-in throttles are shared by every instance behind a load balancer: two gateways on one
 * PostgreSQL (and, with TEST_REDIS_URL, one Redis) count failed log-ins per (email, client
 * address) and per email across all addresses, and sign-up/log-in attempts per client address,
 * together, over GraphQL HTTP. Per instance, each would allow its own full quota, so N instances
 * would give an attacker N times the guesses.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/src/config.js';
import { createLogger } from '../../server/src/logger.js';
import { startServer, type RunningServer } from '../../server/src/server.js';
import { createTestDatabase, sharedInstanceEnv, type TestDatabase } from '../support/db.js';
import { startFakeRedis, type FakeRedis } from '../support/fake-redis.js';

const databaseUrl = process.env.TEST_DATABASE_URL;
const redisUrl = process.env.TEST_REDIS_URL;

const LOG_IN = 'mutation($e: String!, $p: String!) { logIn(input: { email: $e, password: $p }) { token } }';
const SIGN_UP = 'mutation($e: String!) { signUp(input: { email: $e, password: "correct horse battery" }) { token } }';
const PASSWORD = 'correct horse battery';

/** POSTs through the (trusted) load balancer on behalf of client `address`; the first error's code, or OK. */
async function post(server: RunningServer, query: string, variables: Record<string, unknown>, address: string): Promise<string> {
  const res = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { errors?: { message: string; extensions: { code: string } }[] };
  return body.errors?.[0].extensions.code ?? 'OK';
}

let addresses = 0;
/** A fresh client address, so one scenario's attempts do not use up another's per-address allowance. */
const nextAddress = () => `198.51.100.${++addresses}`;

function twoInstanceSuite(store: 'PostgreSQL' | 'Redis', extraEnv: () => Record<string, string>) {
  describe(`two instances sharing ${store}`, () => {
    let db: TestDatabase;
    let a: RunningServer;
    let b: RunningServer;

    beforeAll(async () => {
      db = await createTestDatabase();
      const env = {
        ...sharedInstanceEnv(db),
        TRUST_PROXY: 'true',
        AUTH_RATE_LIMIT_PER_MINUTE: '3',
        LOGIN_FAILURES_PER_EMAIL: '2',
        LOGIN_FAILURES_PER_EMAIL_ANY_ADDRESS: '4',
        ...extraEnv(),
      };
      a = await startServer(loadConfig({ ...env, INSTANCE_ID: 'a' }), { logger: createLogger('silent') });
      b = await startServer(loadConfig({ ...env, INSTANCE_ID: 'b' }), { logger: createLogger('silent') });
    });
    afterAll(async () => {
      await Promise.all([a?.close(), b?.close()]);
      await db?.drop();
    });

    it('locks an email out for one address on both instances once its failures split between them reach the limit; other addresses still get in', async () => {
      const victim = `victim-${store}@example.com`;
      const attacker = nextAddress();
      expect(await post(a, SIGN_UP, { e: victim }, nextAddress())).toBe('OK');
      expect(await post(a, LOG_IN, { e: victim, p: 'guess 0' }, attacker)).toBe('UNAUTHENTICATED');
      expect(await post(b, LOG_IN, { e: victim, p: 'guess 1' }, attacker)).toBe('UNAUTHENTICATED');
      // One failure per instance, two in all: this address is locked out everywhere, even with the right password.
      expect(await post(a, LOG_IN, { e: victim.toUpperCase(), p: PASSWORD }, attacker)).toBe('RATE_LIMITED');
      // The member, from their own address, signs in on either instance.
      expect(await post(b, LOG_IN, { e: victim, p: PASSWORD }, nextAddress())).toBe('OK');
    });

    it('locks an email out on both instances once failures from many addresses reach the any-address limit', async () => {
      const victim = `spread-${store}@example.com`;
      const bystander = `bystander-${store}@example.com`;
      expect(await post(a, SIGN_UP, { e: victim }, nextAddress())).toBe('OK');
      expect(await post(b, SIGN_UP, { e: bystander }, nextAddress())).toBe('OK');
      const codes: string[] = [];
      for (let i = 0; i < 4; i++) codes.push(await post(i % 2 ? b : a, LOG_IN, { e: victim, p: `guess ${i}` }, nextAddress()));
      expect(codes).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED', 'UNAUTHENTICATED', 'UNAUTHENTICATED']);
      expect(await post(a, LOG_IN, { e: victim, p: PASSWORD }, nextAddress())).toBe('RATE_LIMITED');
      expect(await post(b, LOG_IN, { e: victim.toUpperCase(), p: PASSWORD }, nextAddress())).toBe('RATE_LIMITED');
      expect(await post(b, LOG_IN, { e: bystander, p: PASSWORD }, nextAddress())).toBe('OK');
    });

    it('lets no more simultaneous guesses through than the limit, split over both instances', async () => {
      const victim = `rush-${store}@example.com`;
      expect(await post(a, SIGN_UP, { e: victim }, nextAddress())).toBe('OK');
      // Eight guesses at once: each is counted before its password is checked, so only four are.
      const codes = await Promise.all(Array.from({ length: 8 }, (_, i) => post(i % 2 ? b : a, LOG_IN, { e: victim, p: `rush ${i}` }, nextAddress())));
      expect(codes.filter((c) => c === 'UNAUTHENTICATED')).toHaveLength(4);
      expect(codes.filter((c) => c === 'RATE_LIMITED')).toHaveLength(4);
      expect(await post(b, LOG_IN, { e: victim, p: PASSWORD }, nextAddress())).toBe('RATE_LIMITED');
    });

    it('a success on one instance clears the count the other instance sees', async () => {
      const email = `member-${store}@example.com`;
      const home = nextAddress();
      expect(await post(a, SIGN_UP, { e: email }, nextAddress())).toBe('OK');
      expect(await post(a, LOG_IN, { e: email, p: 'typo 0' }, home)).toBe('UNAUTHENTICATED');
      expect(await post(b, LOG_IN, { e: email, p: PASSWORD }, home)).toBe('OK');
      // Without the reset this attempt would be the third of two and refused; after it, it is the first.
      expect(await post(a, LOG_IN, { e: email, p: 'typo 1' }, home)).toBe('UNAUTHENTICATED');
    });

    it('counts attempts per client address across both instances', async () => {
      const address = nextAddress();
      const codes: string[] = [];
      for (let i = 0; i < 3; i++) codes.push(await post(i % 2 ? b : a, LOG_IN, { e: `nobody${i}-${store}@example.com`, p: 'x' }, address));
      expect(codes).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED', 'UNAUTHENTICATED']);
      expect(await post(b, LOG_IN, { e: `nobody-${store}@example.com`, p: 'x' }, address)).toBe('RATE_LIMITED');
      expect(await post(a, SIGN_UP, { e: `late-${store}@example.com` }, address)).toBe('RATE_LIMITED');
      // Another client has its own allowance.
      expect(await post(b, LOG_IN, { e: `nobody-${store}@example.com`, p: 'x' }, nextAddress())).toBe('UNAUTHENTICATED');
    });

    it(`keeps the counters in ${store}, with no email in them`, async () => {
      const c = new pg.Client({ connectionString: db.databaseUrl });
      await c.connect();
      try {
        const { rows } = await c.query<{ key: string }>('select key from rate_limit');
        if (store === 'Redis') {
          expect(rows).toEqual([]);
        } else {
          expect(rows.some((r) => r.key.startsWith('login-email:'))).toBe(true);
          expect(rows.some((r) => r.key.startsWith('login-email-ip:'))).toBe(true);
          expect(rows.some((r) => r.key.startsWith('auth-ip:'))).toBe(true);
          expect(rows.filter((r) => r.key.includes('@') || r.key.includes('198.51.100.'))).toEqual([]);
        }
      } finally {
        await c.end();
      }
    });
  });
}

describe.skipIf(!databaseUrl)('log-in throttles shared by every instance', () => {
  twoInstanceSuite('PostgreSQL', () => ({}));

  describe.skipIf(!redisUrl)('with REDIS_URL', () => {
    const prefix = `test-${randomBytes(6).toString('hex')}:`;
    twoInstanceSuite('Redis', () => ({ REDIS_URL: redisUrl!, REDIS_KEY_PREFIX: prefix }));

    it('keeps the counters under the key prefix, with no email in them', async () => {
      const redis = new Redis(redisUrl!);
      try {
        const keys = await redis.keys(`${prefix}*`);
        expect(keys.some((k) => k.startsWith(`${prefix}login-email:`))).toBe(true);
        expect(keys.some((k) => k.startsWith(`${prefix}login-email-ip:`))).toBe(true);
        expect(keys.some((k) => k.startsWith(`${prefix}auth-ip:`))).toBe(true);
        expect(keys.filter((k) => k.includes('@'))).toEqual([]);
      } finally {
        await redis.quit();
      }
    });

    afterAll(async () => {
      const redis = new Redis(redisUrl!);
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
    });
  });

  describe('with the counter store unreachable', () => {
    let db: TestDatabase;
    let healthy: RunningServer;
    let cut: RunningServer;
    let redis: FakeRedis | undefined;

    beforeAll(async () => {
      db = await createTestDatabase();
      const env = {
        ...sharedInstanceEnv(db),
      };
      healthy = await startServer(loadConfig(env), { logger: createLogger('silent') });
      // Redis must answer at start-up (an unreachable REDIS_URL stops it); then it goes away and
      // nothing listens there any more: every Redis command fails.
      redis = await startFakeRedis();
      cut = await startServer(loadConfig({ ...env, REDIS_URL: redis.url }), { logger: createLogger('silent') });
      await redis.close();
    });
    afterAll(async () => {
      await Promise.all([healthy?.close(), cut?.close(), redis?.close()]);
      await db?.drop();
    });

    it('fails closed: no log-in or sign-up goes through unthrottled, an internal error is answered', async () => {
      expect(await post(healthy, SIGN_UP, { e: 'owner@example.com' }, nextAddress())).toBe('OK');
      expect(await post(cut, LOG_IN, { e: 'owner@example.com', p: PASSWORD }, nextAddress())).toBe('INTERNAL_SERVER_ERROR');
      expect(await post(cut, SIGN_UP, { e: 'other@example.com' }, nextAddress())).toBe('INTERNAL_SERVER_ERROR');
    });
  });
});
