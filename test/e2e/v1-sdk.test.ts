import { randomBytes } from 'node:crypto';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { gqlOk, signUpAccount } from '../support/graphql.js';
import { spawnServer, type SpawnedServer } from '../support/spawn-server.js';
import { fundAccount, parseSseText } from '../support/v1-client.js';

/** The gateway as its own process, driven by the official SDKs the way an application would. */
describe('gateway process serving /v1 to the official SDKs', () => {
  let db: TestDatabase;
  let upstream: FakeUpstream;
  let server: SpawnedServer;
  let token: string;
  let requests = 0;

  beforeAll(async () => {
    db = await createTestDatabase();
    upstream = await startFakeUpstream();
    server = await spawnServer({
      ...(db.databaseUrl ? { DATABASE_URL: db.databaseUrl, SECRET_KEY: randomBytes(32).toString('base64') } : {}),
      DATA_DIR: db.dataDir,
      PROVIDER_BASE_URL_OPENAI: `http://127.0.0.1:${upstream.port}/openai/v1`,
      PROVIDER_BASE_URL_ANTHROPIC: `http://127.0.0.1:${upstream.port}/anthropic/v1`,
      SHUTDOWN_GRACE_MS: '10000',
    });
    const session = (await signUpAccount(server.url)).token;
    await fundAccount(server.url, session);
    for (const [provider, key] of [
      ['openai', 'sk-e2e-openai'],
      ['anthropic', 'sk-e2e-anthropic'],
    ]) {
      await gqlOk(
        server.url,
        'mutation($input: CreateProviderKeyInput!) { createProviderKey(input: $input) { id } }',
        { input: { provider, name: provider, key } },
        session,
      );
    }
    const created = await gqlOk<{ createAccessKey: { token: string } }>(
      server.url,
      'mutation { createAccessKey(input: { name: "e2e" }) { token } }',
      {},
      session,
    );
    token = created.createAccessKey.token;
  });
  afterAll(async () => {
    await server?.stop();
    await upstream?.close();
    await db?.drop();
  });

  it('serves chat completions (stream), responses and messages (stream) and lists models', async () => {
    const openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: token, maxRetries: 0 });
    const stream = await openai.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    requests++;
    expect(text).toBe('Hello from fake gpt-4o-mini');
    expect(usage?.completion_tokens).toBe(4);

    const response = await openai.responses.create({ model: 'gpt-4o-mini', input: 'hi' });
    requests++;
    expect(response.output_text).toBe('Hello from fake gpt-4o-mini');

    const anthropic = new Anthropic({ baseURL: server.url, apiKey: token, maxRetries: 0 });
    const message = await anthropic.messages
      .stream({ model: 'claude-haiku-4-5', max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] })
      .finalMessage();
    requests++;
    expect(message.content[0]).toMatchObject({ type: 'text', text: 'Hello from fake claude-haiku-4-5' });

    const ids: string[] = [];
    for await (const m of openai.models.list()) ids.push(m.id);
    expect(ids).toEqual(expect.arrayContaining(['openai:gpt-4o-mini', 'anthropic:claude-haiku-4-5']));
    // The list also asks each provider for its own model list, with the account's key for it.
    const inference = upstream.requests.filter((r) => r.method === 'POST');
    expect(inference.map((r) => r.credential)).toEqual(['sk-e2e-openai', 'sk-e2e-openai', 'sk-e2e-anthropic']);
    expect(upstream.requests.filter((r) => r.method === 'GET').map((r) => [r.path, r.credential]).sort()).toEqual([
      ['/anthropic/v1/models', 'sk-e2e-anthropic'],
      ['/openai/v1/models', 'sk-e2e-openai'],
    ]);
  });

  it('SIGTERM drains an in-flight stream to its end, exits 0 and flushes usage events', async () => {
    upstream.script({ kind: 'trickle', chunks: 20, chunkDelayMs: 50 });
    const res = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(200);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let raw = decoder.decode((await reader.read()).value);
    const exited = server.stop('SIGTERM');
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      raw += decoder.decode(value, { stream: true });
    }
    requests++;
    expect(parseSseText(raw).at(-1)?.data).toBe('[DONE]');
    expect(await exited).toBe(0);

    if (db.databaseUrl) {
      const client = new pg.Client({ connectionString: db.databaseUrl });
      await client.connect();
      try {
        const { rows } = await client.query<{ n: string }>('select count(*) as n from usage_event where status = 200');
        expect(Number(rows[0].n)).toBe(requests);
      } finally {
        await client.end();
      }
    }
  });
});
