import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccessKey, createProviderKey, startGatewayFixture, type GatewayFixture } from '../support/gateway-fixture.js';
import { fundAccount } from '../support/v1-client.js';

describe('v1 smoke', () => {
  let f: GatewayFixture;
  let client: OpenAI;
  beforeAll(async () => {
    f = await startGatewayFixture();
    await fundAccount(f.baseUrl, f.account.token);
    await createProviderKey(f, 'openai', 'sk-test-openai-1');
    const key = await createAccessKey(f);
    client = new OpenAI({ baseURL: `${f.baseUrl}/v1`, apiKey: key.token, maxRetries: 0 });
  });
  afterAll(async () => f?.stop());

  it('serves a chat completion through the openai SDK', async () => {
    const res = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    expect(res.choices[0].message.content).toContain('Hello');
    expect(f.upstream.requests.at(-1)?.credential).toBe('sk-test-openai-1');
  });

  it('streams', async () => {
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text).toContain('Hello');
  });
});
