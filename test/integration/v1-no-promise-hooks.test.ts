import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayFixture, type GatewayFixture } from '../support/gateway-fixture.js';
import { createAccount } from '../support/credits.js';
import { gqlOk } from '../support/graphql.js';

/**
 * Issue 13: no async_hooks on the /v1 path. On Node < 24 an AsyncLocalStorage that has run once
 * (MikroORM's transaction and flush contexts) switches promise hooks on for the whole process, and
 * every promise of every later /v1 request pays for them. The ORM's storages are scoped
 * (db/orm-async-context.ts): once its transactions are over the hooks are off again. This checks
 * the hooks themselves, after the kinds of work that used to leave them on.
 */

/** The four promise hooks Node has installed in V8 (init, before, after, settled); all unset when none is. */
function promiseHooks(): string[] {
  // No public API exposes them; the binding is deprecated but present on every supported Node.
  const binding = (process as unknown as { binding(name: string): { getPromiseHooks(): unknown[] } }).binding('async_wrap');
  return binding.getPromiseHooks().map((h) => typeof h);
}

const OFF = ['undefined', 'undefined', 'undefined', 'undefined'];

describe('/v1 without async_hooks promise hooks', () => {
  let f: GatewayFixture;

  beforeAll(async () => {
    f = await startGatewayFixture();
  });
  afterAll(async () => {
    await f?.stop();
  });

  it('are off after start-up (migrations) and sign-up', () => {
    expect(promiseHooks()).toEqual(OFF);
  });

  it('stay off after admin mutations, a cold credit grant and /v1 requests', async () => {
    const account = await createAccount(f, { purchaseUsd: '20.00', providerKeys: { openai: 'sk-user-openai' } });
    await gqlOk(
      f.baseUrl,
      'mutation($id: ID!, $input: UpdateAccessKeyInput!) { updateAccessKey(id: $id, input: $input) { id } }',
      { id: account.accessKeyId, input: { limits: { budgetUsd: '5', budgetPeriod: 'DAY' } } },
      account.token,
    );
    const openai = new OpenAI({ baseURL: `${f.baseUrl}/v1`, apiKey: account.accessToken, maxRetries: 0 });
    for (let i = 0; i < 3; i++) {
      const chat = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
      expect(chat.choices[0].message.content).toBe('Hello from fake gpt-4o-mini');
    }
    // The usage batch (its own transaction with the charges) is written too.
    await f.server.services.usage.flush();
    expect(promiseHooks()).toEqual(OFF);
  });
});
