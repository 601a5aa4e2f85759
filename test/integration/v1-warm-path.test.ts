import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayFixture, type GatewayFixture } from '../support/gateway-fixture.js';
import { balanceNano, createAccount, usageCostsOf, type TestAccount } from '../support/credits.js';
import { installQueryCounter, type QueryCounter } from '../support/query-counter.js';
import { postV1 } from '../support/v1-client.js';
import { gqlOk } from '../support/graphql.js';

/**
 * Issue 7: a warm /v1 request does not touch the database. The access context (key, account,
 * settings, configuration, decrypted provider keys) is cached, credit comes from the instance's
 * in-memory grant, and usage events leave through the batch writer.
 *
 * Every statement sent by any copy of `pg` is counted. Background work is switched off for the
 * measured window, deterministically: the credit controller's tick (lease renewal, idle return,
 * sweeps) is set to an hour, and the usage writer's timer is stopped (its queue is written by hand
 * afterwards). Whatever is counted in the window was therefore caused by the requests themselves.
 */

const HOUR = 60 * 60 * 1000;
const user = (content: string) => [{ role: 'user' as const, content }];

describe('/v1 warm path: zero database queries', () => {
  let f: GatewayFixture;
  let counter: QueryCounter;
  let own: TestAccount;
  let managed: TestAccount;

  beforeAll(async () => {
    counter = installQueryCounter();
    f = await startGatewayFixture(
      { MANAGED_OPENAI_API_KEY: 'sk-managed-openai' },
      // The alert delivery worker's poll is background work too.
      { credits: { timings: { tickMs: HOUR, leaseMs: HOUR, idleReturnMs: HOUR, sweepEveryMs: HOUR } }, alerts: { pollMs: HOUR } },
    );
    own = await createAccount(f, { purchaseUsd: '100.00', providerKeys: { openai: 'sk-user-openai', anthropic: 'sk-ant-user' } });
    managed = await createAccount(f, { purchaseUsd: '100.00' }); // gateway credentials
    // A model the catalog lacks but the provider lists (GET /models): cold once, then cached.
    f.upstream.models = ['fake-model', 'gpt-listed-only'];
    // A key budget is one more balance held as an in-memory grant: warm requests stay off the database too.
    await gqlOk(
      f.baseUrl,
      'mutation($id: ID!, $input: UpdateAccessKeyInput!) { updateAccessKey(id: $id, input: $input) { id } }',
      { id: own.accessKeyId, input: { limits: { budgetUsd: '50', budgetPeriod: 'DAY' } } },
      own.token,
    );
  });
  afterAll(async () => {
    counter?.uninstall();
    await f?.stop();
  });

  /** Every kind of request: three surfaces, streaming or not, own keys and gateway credentials. */
  async function oneOfEach(): Promise<number> {
    const openai = new OpenAI({ baseURL: `${f.baseUrl}/v1`, apiKey: own.accessToken, maxRetries: 0 });
    const anthropic = new Anthropic({ baseURL: f.baseUrl, apiKey: own.accessToken, maxRetries: 0 });
    const viaGateway = new OpenAI({ baseURL: `${f.baseUrl}/v1`, apiKey: managed.accessToken, maxRetries: 0 });
    let n = 0;

    const chat = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: user('hi') });
    expect(chat.choices[0].message.content).toBe('Hello from fake gpt-4o-mini');
    n++;
    let text = '';
    for await (const c of await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: user('hi'), stream: true })) {
      text += c.choices[0]?.delta?.content ?? '';
    }
    expect(text).toBe('Hello from fake gpt-4o-mini');
    n++;
    text = '';
    for await (const ev of await openai.responses.create({ model: 'gpt-4o-mini', input: 'hi', stream: true })) {
      if (ev.type === 'response.output_text.delta') text += ev.delta;
    }
    expect(text).toBe('Hello from fake gpt-4o-mini');
    n++;
    const msg = await anthropic.messages.create({ model: 'claude-haiku-4-5', max_tokens: 50, messages: user('hi') });
    expect(msg.content[0]).toMatchObject({ type: 'text', text: 'Hello from fake claude-haiku-4-5' });
    n++;
    const final = await anthropic.messages.stream({ model: 'claude-haiku-4-5', max_tokens: 50, messages: user('hi') }).finalMessage();
    expect(final.stop_reason).toBe('end_turn');
    n++;
    // Cross-format, and gateway credentials (priced at the catalog).
    const translated = await openai.chat.completions.create({ model: 'claude-haiku-4-5', messages: user('hi') });
    expect(translated.choices[0].message.content).toBe('Hello from fake claude-haiku-4-5');
    n++;
    // Known from the provider's own list (fetched on the cold request): no list call, no query.
    const listed = await openai.chat.completions.create({ model: 'gpt-listed-only', messages: user('hi') });
    expect(listed.choices[0].message.content).toBe('Hello from fake gpt-listed-only');
    n++;
    const managedChat = await viaGateway.chat.completions.create({ model: 'gpt-4o-mini', messages: user('hi') });
    expect(managedChat.choices[0].message.content).toBe('Hello from fake gpt-4o-mini');
    n++;
    text = '';
    for await (const c of await viaGateway.chat.completions.create({ model: 'gpt-4o-mini', messages: user('hi'), stream: true })) {
      text += c.choices[0]?.delta?.content ?? '';
    }
    expect(text).toBe('Hello from fake gpt-4o-mini');
    n++;
    return n;
  }

  it('counts the queries the ORM makes (the counter wraps the pg copy MikroORM really uses)', async () => {
    expect(await counter.coversOrm(f.server.services.orm)).toBe(true);
    counter.reset();
    await f.server.services.orm.em.fork().execute('select 1 as one');
    expect(counter.queries.map((q) => q.sql)).toEqual(['select 1 as one']);
  });

  it('a cold request loads its context and takes a credit grant; warm requests then make zero queries', async () => {
    const { services } = f.server;
    counter.reset();
    // Cold: one request per account (access context load + credit grant from PostgreSQL).
    for (const a of [own, managed]) {
      const res = await postV1(f, '/v1/chat/completions', { model: 'gpt-4o-mini', messages: user('hi') }, { token: a.accessToken });
      expect(res.status).toBe(200);
    }
    const listedCold = await postV1(f, '/v1/chat/completions', { model: 'gpt-listed-only', messages: user('hi') }, { token: own.accessToken });
    expect(listedCold.status).toBe(200);
    const cold = counter.queries.map((q) => q.sql);
    expect(cold.some((q) => /"access_key"/.test(q))).toBe(true);
    expect(cold.some((q) => /"credit_grant"/.test(q))).toBe(true);
    expect(cold.some((q) => /"budget_grant"/.test(q))).toBe(true);

    // Background off: write what is queued, then stop the usage writer's timer (credit ticks are hourly).
    await services.usage.stop();
    expect(services.usage.pending).toBe(0);
    counter.reset();

    let warm = 0;
    for (let round = 0; round < 3; round++) warm += await oneOfEach();
    // Let anything a request might have scheduled in the background (a grant top-up) run.
    await new Promise((r) => setTimeout(r, 100));

    // Each leaked query with the server frames of its stack (where it came from).
    const leaked = counter.queries.map((q) => [q.sql, ...q.stack.split('\n').filter((l) => l.includes('/server/src/'))].join('\n'));
    expect(leaked, `warm requests issued ${leaked.length} queries`).toEqual([]);
    // Inference only: the model-list calls (one per provider the key holds a key for) were the cold request's.
    expect(f.upstream.requests.filter((r) => r.method === 'POST').length).toBe(warm + 3);
    expect(f.upstream.requests.filter((r) => r.method === 'GET').map((r) => r.path).sort()).toEqual(['/anthropic/v1/models', '/openai/v1/models']);
    // Every request is still accounted for: queued, not lost.
    expect(services.usage.pending).toBe(warm);

    // Writing the batch is where the database work happens, and the books come out exact.
    const before = { own: await balanceNano(f, own.token), managed: await balanceNano(f, managed.token) };
    expect(counter.queries.length).toBeGreaterThan(0);
    expect(services.usage.pending).toBe(0);
    for (const a of [own, managed]) {
      const events = await usageCostsOf(f, a.accountId);
      expect(events.every((e) => e.status === 200 && e.totalCostNano > 0n)).toBe(true);
      const spent = events.reduce((s, e) => s + e.totalCostNano, 0n);
      expect(100_000_000_000n - (a === own ? before.own : before.managed)).toBe(spent);
    }
    expect((await usageCostsOf(f, own.accountId)).length + (await usageCostsOf(f, managed.accountId)).length).toBe(warm + 3);
  });
});
