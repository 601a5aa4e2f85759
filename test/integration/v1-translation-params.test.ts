import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccessKey, createProviderKey, startGatewayFixture, type GatewayFixture } from '../support/gateway-fixture.js';
import { fundAccount } from '../support/v1-client.js';

describe('messages → chat translation parameters', () => {
  let f: GatewayFixture;
  let anthropic: Anthropic;
  beforeAll(async () => {
    f = await startGatewayFixture();
    await fundAccount(f.baseUrl, f.account.token);
    await createProviderKey(f, 'openai', 'sk-openai-translation');
    anthropic = new Anthropic({ baseURL: f.baseUrl, apiKey: (await createAccessKey(f)).token, maxRetries: 0 });
  });
  afterAll(async () => f?.stop());

  it('sends max_completion_tokens to OpenAI reasoning models, which refuse max_tokens', async () => {
    const msg = await anthropic.messages.create({ model: 'openai:gpt-5-mini', max_tokens: 77, messages: [{ role: 'user', content: 'hi' }] });
    expect(msg.content[0]).toMatchObject({ type: 'text', text: 'Hello from fake gpt-5-mini' });
    const sent = f.upstream.requests.at(-1)?.body as Record<string, unknown>;
    expect(sent.max_completion_tokens).toBe(77);
    expect(sent).not.toHaveProperty('max_tokens');
  });

  it('keeps max_tokens for other chat models', async () => {
    await anthropic.messages.create({ model: 'openai:gpt-4o-mini', max_tokens: 33, messages: [{ role: 'user', content: 'hi' }] });
    const sent = f.upstream.requests.at(-1)?.body as Record<string, unknown>;
    expect(sent.max_tokens).toBe(33);
    expect(sent).not.toHaveProperty('max_completion_tokens');
  });
});
