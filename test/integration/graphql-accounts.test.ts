import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql, gqlErr, gqlOk, signUpAccount } from '../support/graphql.js';
import { startTestServer, type TestServer } from '../support/test-app.js';

const SIGN_UP = 'mutation($input: SignUpInput!) { signUp(input: $input) { token account { id email name settings { totalTimeoutMs perAttemptTimeoutMs } } } }';
const LOG_IN = 'mutation($input: LogInInput!) { logIn(input: $input) { token account { id email } } }';
const ME = '{ me { id email name createdAt settings { totalTimeoutMs perAttemptTimeoutMs } } }';
const UPDATE_SETTINGS =
  'mutation($input: AccountSettingsInput!) { updateAccountSettings(input: $input) { id settings { totalTimeoutMs perAttemptTimeoutMs } } }';

describe('GraphQL accounts: signUp, logIn, logOut, me, updateAccountSettings', () => {
  let server: TestServer;
  let url: string;
  beforeAll(async () => {
    server = await startTestServer({ AUTH_RATE_LIMIT_PER_MINUTE: '1000' });
    url = server.url;
  });
  afterAll(async () => server?.stop());

  describe('signUp', () => {
    it('creates an account with default settings and returns a session token', async () => {
      const data = await gqlOk<{ signUp: { token: string; account: { id: string; email: string; name: string; settings: unknown } } }>(
        url,
        SIGN_UP,
        { input: { email: '  Alice@Example.COM ', password: 'correct horse battery', name: 'Alice' } },
      );
      expect(data.signUp.token).toMatch(/^ngsess-/);
      expect(data.signUp.account).toMatchObject({
        email: 'alice@example.com',
        name: 'Alice',
        settings: { totalTimeoutMs: 120_000, perAttemptTimeoutMs: 60_000 },
      });
      expect(data.signUp.account.id).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('rejects a duplicate email (case-insensitively) with CONFLICT', async () => {
      await gqlOk(url, SIGN_UP, { input: { email: 'dup@example.com', password: 'correct horse battery' } });
      const err = await gqlErr(url, SIGN_UP, { input: { email: 'DUP@example.com', password: 'another password' } });
      expect(err.code).toBe('CONFLICT');
      expect(err.message).toMatch(/already exists/);
    });

    it.each([
      ['an invalid email', { email: 'not-an-email', password: 'correct horse battery' }, /email/],
      ['a short password', { email: 'short@example.com', password: 'short' }, /password: must be at least 8/],
      ['a common password (audit LOW)', { email: 'common@example.com', password: 'password' }, /password: is too common/],
      ['a digit run', { email: 'digits@example.com', password: '12345678' }, /password: is too common/],
      ['eight spaces', { email: 'spaces@example.com', password: '        ' }, /password: is too common/],
      ['a keyboard walk', { email: 'walk@example.com', password: 'qwertyuiop' }, /password: is too common/],
      ['an over-long name', { email: 'long@example.com', password: 'correct horse battery', name: 'x'.repeat(201) }, /name/],
      ['an empty name', { email: 'empty@example.com', password: 'correct horse battery', name: '   ' }, /name: must not be empty/],
    ])('rejects %s with BAD_USER_INPUT', async (_label, input, message) => {
      const err = await gqlErr(url, SIGN_UP, { input });
      expect(err.code).toBe('BAD_USER_INPUT');
      expect(err.message).toMatch(message);
    });

    it('rejects a missing required field as a GraphQL document error', async () => {
      const err = await gqlErr(url, SIGN_UP, { input: { email: 'x@example.com' } });
      expect(err.code).toBe('BAD_USER_INPUT');
    });
  });

  describe('logIn', () => {
    it('signs in with the right password (email case-insensitive)', async () => {
      const { email, accountId } = await signUpAccount(url);
      const data = await gqlOk<{ logIn: { token: string; account: { id: string } } }>(url, LOG_IN, {
        input: { email: email.toUpperCase(), password: 'correct horse battery' },
      });
      expect(data.logIn.token).toMatch(/^ngsess-/);
      expect(data.logIn.account.id).toBe(accountId);
      const me = await gqlOk<{ me: { id: string } }>(url, ME, {}, data.logIn.token);
      expect(me.me.id).toBe(accountId);
    });

    it('answers a wrong password and an unknown email the same way (UNAUTHENTICATED)', async () => {
      const { email } = await signUpAccount(url);
      const wrong = await gqlErr(url, LOG_IN, { input: { email, password: 'wrong password!' } });
      const unknown = await gqlErr(url, LOG_IN, { input: { email: 'nobody@example.com', password: 'wrong password!' } });
      expect(wrong.code).toBe('UNAUTHENTICATED');
      expect(unknown).toEqual(wrong);
      expect(wrong.message).toBe('Email or password is incorrect.');
    });
  });

  describe('me', () => {
    it('returns the signed-in account', async () => {
      const { token, accountId, email } = await signUpAccount(url, 'Me');
      const data = await gqlOk<{ me: { id: string; email: string; name: string; createdAt: string } }>(url, ME, {}, token);
      expect(data.me).toMatchObject({ id: accountId, email, name: 'Me' });
      expect(Number.isNaN(Date.parse(data.me.createdAt))).toBe(false);
    });

    it.each([
      ['no Authorization header', undefined],
      ['an unknown session token', 'ngsess-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
      ['a token of no known kind', 'garbage'],
      ['an access key (not valid for the admin API)', 'ng-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ])('is UNAUTHENTICATED with %s', async (_label, token) => {
      const err = await gqlErr(url, ME, {}, token);
      expect(err.code).toBe('UNAUTHENTICATED');
    });
  });

  describe('logOut', () => {
    it('ends the current session only', async () => {
      const { token, email } = await signUpAccount(url);
      const other = await gqlOk<{ logIn: { token: string } }>(url, LOG_IN, { input: { email, password: 'correct horse battery' } });
      expect(await gqlOk(url, 'mutation { logOut }', {}, token)).toEqual({ logOut: true });
      expect((await gqlErr(url, ME, {}, token)).code).toBe('UNAUTHENTICATED');
      await gqlOk(url, ME, {}, other.logIn.token);
    });
  });

  describe('updateAccountSettings', () => {
    it('updates one or both timeouts and keeps omitted ones', async () => {
      const { token } = await signUpAccount(url);
      const events: unknown[] = [];
      const unsubscribe = server.services.events.subscribe((e) => events.push(e));
      try {
        const a = await gqlOk<{ updateAccountSettings: { settings: unknown } }>(url, UPDATE_SETTINGS, { input: { totalTimeoutMs: 90_000 } }, token);
        expect(a.updateAccountSettings.settings).toEqual({ totalTimeoutMs: 90_000, perAttemptTimeoutMs: 60_000 });
        const b = await gqlOk<{ updateAccountSettings: { settings: unknown } }>(
          url,
          UPDATE_SETTINGS,
          { input: { totalTimeoutMs: 30_000, perAttemptTimeoutMs: 10_000 } },
          token,
        );
        expect(b.updateAccountSettings.settings).toEqual({ totalTimeoutMs: 30_000, perAttemptTimeoutMs: 10_000 });
      } finally {
        unsubscribe();
      }
      expect(events).toContainEqual(expect.objectContaining({ kind: 'account' }));
      const me = await gqlOk<{ me: { settings: unknown } }>(url, ME, {}, token);
      expect(me.me.settings).toEqual({ totalTimeoutMs: 30_000, perAttemptTimeoutMs: 10_000 });
    });

    it.each([
      ['a total timeout below 1 s', { totalTimeoutMs: 999 }],
      ['a total timeout above 10 min', { totalTimeoutMs: 600_001 }],
      ['a per-attempt timeout below 500 ms', { perAttemptTimeoutMs: 100 }],
      ['a per-attempt timeout above the total', { totalTimeoutMs: 10_000, perAttemptTimeoutMs: 20_000 }],
      ['a per-attempt timeout above the stored total', { perAttemptTimeoutMs: 200_000 }],
    ])('rejects %s with BAD_USER_INPUT and changes nothing', async (_label, input) => {
      const { token } = await signUpAccount(url);
      const err = await gqlErr(url, UPDATE_SETTINGS, { input }, token);
      expect(err.code).toBe('BAD_USER_INPUT');
      const me = await gqlOk<{ me: { settings: unknown } }>(url, ME, {}, token);
      expect(me.me.settings).toEqual({ totalTimeoutMs: 120_000, perAttemptTimeoutMs: 60_000 });
    });

    it('is UNAUTHENTICATED without a token', async () => {
      const err = await gqlErr(url, UPDATE_SETTINGS, { input: { totalTimeoutMs: 5000 } });
      expect(err.code).toBe('UNAUTHENTICATED');
    });
  });

  it('never returns stack traces or internals in errors', async () => {
    const res = await gql(url, SIGN_UP, { input: { email: 'bad', password: 'x' } });
    expect(JSON.stringify(res)).not.toMatch(/stacktrace|at .*\.ts:\d+/);
  });
});
