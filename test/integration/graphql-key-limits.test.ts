/**
 * Access-key limits and account token caps over GraphQL: set on create, changed and cleared on
 * update, validated, and `spentUsd` / `periodResetsAt` from the key's spend (controlled clock).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../../server/src/db/pool.js';
import { gqlErr, gqlOk, signUpAccount } from '../support/graphql.js';
import { startTestServer, type TestServer } from '../support/test-app.js';

const KEY_FIELDS = `id limits { budgetUsd budgetPeriod requestsPerMinute tokensPerMinute expiresAt } spentUsd periodResetsAt`;
const CREATE = `mutation($input: CreateAccessKeyInput!) { createAccessKey(input: $input) { accessKey { ${KEY_FIELDS} } } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateAccessKeyInput!) { updateAccessKey(id: $id, input: $input) { ${KEY_FIELDS} } }`;
const LIST = `{ accessKeys(first: 10) { nodes { ${KEY_FIELDS} } } }`;
const SETTINGS = `mutation($input: AccountSettingsInput!) { updateAccountSettings(input: $input) { settings { totalTimeoutMs maxInputTokens maxOutputTokens } } }`;

interface Key {
  id: string;
  limits: { budgetUsd: string | null; budgetPeriod: string | null; requestsPerMinute: number | null; tokensPerMinute: number | null; expiresAt: string | null };
  spentUsd: string;
  periodResetsAt: string | null;
}

describe('access-key limits and token caps (GraphQL)', () => {
  let server: TestServer;
  const clock = Date.parse('2026-06-17T10:00:00Z'); // a Wednesday

  beforeAll(async () => {
    server = await startTestServer({}, { credits: { now: () => clock } });
  });
  afterAll(async () => server?.stop());

  it('sets limits on create, changes only what is given, null clears; spentUsd and periodResetsAt follow the period', async () => {
    const { token, accountId } = await signUpAccount(server.url);
    const created = (
      await gqlOk<{ createAccessKey: { accessKey: Key } }>(
        server.url,
        CREATE,
        { input: { name: 'limited', limits: { budgetUsd: '25', budgetPeriod: 'WEEK', requestsPerMinute: 60, expiresAt: '2027-01-01T00:00:00Z' } } },
        token,
      )
    ).createAccessKey.accessKey;
    expect(created.limits).toEqual({ budgetUsd: '25.00', budgetPeriod: 'WEEK', requestsPerMinute: 60, tokensPerMinute: null, expiresAt: '2027-01-01T00:00:00.000Z' });
    expect(created.spentUsd).toBe('0.00');
    expect(created.periodResetsAt).toBe('2026-06-22T00:00:00.000Z'); // next Monday, UTC

    // Spend as the usage writer records it: today and last week.
    await inTransaction(server.services.sql, (client) =>
      server.services.credits.applyCharges(client, [
        { accountId, requestId: randomUUID(), amountNano: 0n, accessKeyId: created.id, spendNano: 1_250_000_000n, at: new Date(clock) },
        { accountId, requestId: randomUUID(), amountNano: 0n, accessKeyId: created.id, spendNano: 500_000_000n, at: new Date(clock - 7 * 86_400_000) },
      ]),
    );
    const listed = (await gqlOk<{ accessKeys: { nodes: Key[] } }>(server.url, LIST, {}, token)).accessKeys.nodes;
    expect(listed.find((k) => k.id === created.id)?.spentUsd).toBe('1.25');

    const updated = (
      await gqlOk<{ updateAccessKey: Key }>(server.url, UPDATE, { id: created.id, input: { limits: { tokensPerMinute: 10_000, budgetPeriod: 'TOTAL' } } }, token)
    ).updateAccessKey;
    expect(updated.limits).toMatchObject({ budgetUsd: '25.00', budgetPeriod: 'TOTAL', requestsPerMinute: 60, tokensPerMinute: 10_000 });
    expect(updated.spentUsd).toBe('1.75');
    expect(updated.periodResetsAt).toBeNull();

    const cleared = (
      await gqlOk<{ updateAccessKey: Key }>(
        server.url,
        UPDATE,
        { id: created.id, input: { limits: { budgetUsd: null, requestsPerMinute: null, expiresAt: null } } },
        token,
      )
    ).updateAccessKey;
    expect(cleared.limits).toEqual({ budgetUsd: null, budgetPeriod: null, requestsPerMinute: null, tokensPerMinute: 10_000, expiresAt: null });
    expect(cleared.spentUsd).toBe('1.75'); // all time without a budget

    const monthly = (await gqlOk<{ updateAccessKey: Key }>(server.url, UPDATE, { id: created.id, input: { limits: { budgetUsd: '0.000000001' } } }, token))
      .updateAccessKey;
    expect(monthly.limits).toMatchObject({ budgetUsd: '0.000000001', budgetPeriod: 'MONTH' });
    expect(monthly.periodResetsAt).toBe('2026-07-01T00:00:00.000Z');
  });

  it('refuses bad limits with BAD_USER_INPUT naming the field', async () => {
    const { token } = await signUpAccount(server.url);
    for (const [limits, field] of [
      [{ budgetUsd: '-1' }, 'budgetUsd'],
      [{ budgetUsd: '0' }, 'budgetUsd'],
      [{ budgetUsd: 'ten' }, 'budgetUsd'],
      [{ budgetUsd: '1.0000000001' }, 'budgetUsd'],
      [{ requestsPerMinute: 0 }, 'requestsPerMinute'],
      [{ tokensPerMinute: -5 }, 'tokensPerMinute'],
    ] as const) {
      const err = await gqlErr(server.url, CREATE, { input: { name: 'bad', limits } }, token);
      expect(err.code, JSON.stringify(limits)).toBe('BAD_USER_INPUT');
      expect(err.message).toContain(field);
    }
    const wrongEnum = await gqlErr(server.url, CREATE, { input: { name: 'bad', limits: { budgetPeriod: 'YEAR' } } }, token);
    expect(wrongEnum.code).toBe('BAD_USER_INPUT');
  });

  it('account token caps: set, kept when omitted, cleared with null, validated', async () => {
    const { token } = await signUpAccount(server.url);
    type S = { updateAccountSettings: { settings: { totalTimeoutMs: number; maxInputTokens: number | null; maxOutputTokens: number | null } } };
    expect((await gqlOk<S>(server.url, SETTINGS, { input: { maxInputTokens: 1000, maxOutputTokens: 200 } }, token)).updateAccountSettings.settings).toMatchObject({
      maxInputTokens: 1000,
      maxOutputTokens: 200,
    });
    expect((await gqlOk<S>(server.url, SETTINGS, { input: { totalTimeoutMs: 90_000 } }, token)).updateAccountSettings.settings).toEqual({
      totalTimeoutMs: 90_000,
      maxInputTokens: 1000,
      maxOutputTokens: 200,
    });
    expect((await gqlOk<S>(server.url, SETTINGS, { input: { maxInputTokens: null } }, token)).updateAccountSettings.settings).toMatchObject({
      maxInputTokens: null,
      maxOutputTokens: 200,
    });
    expect((await gqlErr(server.url, SETTINGS, { input: { maxOutputTokens: 0 } }, token)).code).toBe('BAD_USER_INPUT');
  });
});
