/**
 * Changing a password (changePassword, the signed-in member) and the operator's reset for a
 * forgotten one (`npm run reset-password -- <email>`), security review finding 10: before them a
 * leaked password could not be replaced, only the member removed.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql, gqlErr, gqlOk } from '../support/graphql.js';
import { addMember, createOrganization, logIn, PASSWORD, type Organization } from '../support/organization.js';
import { startTestServer, type TestServer } from '../support/test-app.js';

const CHANGE = 'mutation($input: ChangePasswordInput!) { changePassword(input: $input) }';
const LOG_IN = 'mutation($input: LogInInput!) { logIn(input: $input) { token } }';
const NEW_PASSWORD = 'lantern orbit pebble meadow';
/** The built command, as the image runs it (`npm test` builds first; `npm run reset-password` runs the same source with tsx). */
const RESET_PASSWORD = 'server/dist/cli/reset-password.js';

describe('passwords: changePassword and npm run reset-password', () => {
  let server: TestServer;
  let url: string;
  let org: Organization;
  const sql = <T>(query: string, params: unknown[] = []) => server.services.orm.em.fork().execute<T[]>(query, params);
  const code = async (query: string, token: string) => (await gql(url, query, {}, token)).errors?.[0]?.extensions?.code;

  beforeAll(async () => {
    server = await startTestServer({ AUTH_RATE_LIMIT_PER_MINUTE: '100000', LOGIN_FAILURES_PER_EMAIL: '3' });
    url = server.url;
    org = await createOrganization(url);
  }, 120_000);
  afterAll(async () => server?.stop());

  it('changes the password: checks the current one, applies the policy, ends the other sessions, keeps this one, audits without secrets', async () => {
    const member = await addMember(url, org.members.OWNER.token, 'DEVELOPER');
    const other = await logIn(url, member.email);
    const [before] = await sql<{ password_hash: string }>('select password_hash from member where id = ?', [member.memberId]);

    expect(await gqlErr(url, CHANGE, { input: { currentPassword: 'not my password', newPassword: NEW_PASSWORD } }, member.token)).toMatchObject({
      code: 'BAD_USER_INPUT',
      message: expect.stringMatching(/currentPassword: is incorrect/),
    });
    expect((await gqlErr(url, CHANGE, { input: { currentPassword: PASSWORD, newPassword: 'password1' } }, member.token)).message).toMatch(/too common or too easy/);
    expect((await gqlErr(url, CHANGE, { input: { currentPassword: PASSWORD, newPassword: PASSWORD } }, member.token)).message).toMatch(/must differ/);
    expect(await code('{ me { id } }', other)).toBeUndefined();

    expect(await gqlOk(url, CHANGE, { input: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD } }, member.token)).toEqual({ changePassword: true });
    expect(await code('{ me { id } }', member.token)).toBeUndefined();
    expect(await code('{ me { id } }', other)).toBe('UNAUTHENTICATED');
    const [after] = await sql<{ password_hash: string }>('select password_hash from member where id = ?', [member.memberId]);
    expect(after.password_hash).toMatch(/^scrypt\$/);
    expect(after.password_hash).not.toBe(before.password_hash);
    expect((await gqlErr(url, LOG_IN, { input: { email: member.email, password: PASSWORD } })).code).toBe('UNAUTHENTICATED');
    expect((await gqlOk<{ logIn: { token: string } }>(url, LOG_IN, { input: { email: member.email, password: NEW_PASSWORD } })).logIn.token).toMatch(/^ngsess-/);

    const events = await sql<Record<string, unknown>>(`select * from audit_event where action = 'member.changePassword' and target_id = ?`, [member.memberId]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actor_type: 'member', actor_id: member.memberId });
    expect(JSON.stringify(events)).not.toContain(NEW_PASSWORD);
    expect(JSON.stringify(events)).not.toContain(PASSWORD);
  });

  it('counts wrong current passwords in the log-in throttle and refuses API keys', async () => {
    const member = await addMember(url, org.members.OWNER.token, 'ADMIN');
    for (let i = 0; i < 3; i++) {
      expect((await gqlErr(url, CHANGE, { input: { currentPassword: `guess ${i}`, newPassword: NEW_PASSWORD } }, member.token)).code).toBe('BAD_USER_INPUT');
    }
    // Three failures for this email from this address: the right one is refused too, as logIn would be.
    expect((await gqlErr(url, CHANGE, { input: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD } }, member.token)).code).toBe('RATE_LIMITED');
    expect((await gqlErr(url, LOG_IN, { input: { email: member.email, password: PASSWORD } })).code).toBe('RATE_LIMITED');

    const apiKey = (await gqlOk<{ createApiKey: { token: string } }>(url, 'mutation { createApiKey(input: { name: "bot" }) { token } }', {}, org.members.OWNER.token)).createApiKey
      .token;
    expect(await gqlErr(url, CHANGE, { input: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD } }, apiKey)).toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringMatching(/signed-in session/),
    });
  });

  it.skipIf(!process.env.TEST_DATABASE_URL)(
    'npm run reset-password -- <email> sets a new random password, prints it once, ends the sessions and audits it',
    async () => {
      const member = await addMember(url, org.members.OWNER.token, 'OWNER');
      const env = { ...process.env, DATABASE_URL: server.db.databaseUrl!, SECRET_KEY: randomBytes(32).toString('base64'), DATA_DIR: server.db.dataDir };
      const { stdout } = await promisify(execFile)('node', [RESET_PASSWORD, member.email.toUpperCase()], { env });
      const password = stdout.trim().split('\n').at(-1)!;
      expect(stdout).toContain(`New password for ${member.email}`);
      expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
      expect(await code('{ me { id } }', member.token)).toBe('UNAUTHENTICATED');
      expect((await gqlErr(url, LOG_IN, { input: { email: member.email, password: PASSWORD } })).code).toBe('UNAUTHENTICATED');
      await gqlOk(url, LOG_IN, { input: { email: member.email, password } });
      const events = await sql<Record<string, unknown>>(`select * from audit_event where action = 'member.resetPassword' and target_id = ?`, [member.memberId]);
      expect(events).toEqual([expect.objectContaining({ actor_type: 'system', account_id: org.accountId })]);
      expect(JSON.stringify(events)).not.toContain(password);

      const unknown = await promisify(execFile)('node', [RESET_PASSWORD, 'nobody@example.com'], { env }).catch((err: { code: number; stderr: string }) => err);
      expect(unknown).toMatchObject({ code: 1, stderr: expect.stringContaining('No member signs in with "nobody@example.com"') });
    },
    60_000,
  );
});
