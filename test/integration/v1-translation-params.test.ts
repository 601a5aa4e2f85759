import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccessKey, createProviderKey, startGatewayFixture, type GatewayFixture } from '../support/gateway-fixture.js';
import { fundAccount } from '../support/v1-client.js';

/** The id of the first tool call in an answer's content ('' when there is none). */
const toolUseId = (content: readonly { type: string; id?: string }[]): string => content.find((b) => b.type === 'tool_use')?.id ?? '';

/**
 * The request continuing a tool loop: the question, the first answer's content as the client got
 * it (`assistant`, possibly edited), and the tool's result for its call.
 */
function continuedLoop<B extends { type: string; id?: string }>(question: string, answer: readonly B[], result: string, assistant: readonly B[] = answer) {
  return [
    { role: 'user' as const, content: question },
    { role: 'assistant' as const, content: [...assistant] },
    { role: 'user' as const, content: [{ type: 'tool_result' as const, tool_use_id: toolUseId(answer), content: result }] },
  ];
}

describe('messages → chat translation parameters', () => {
  let f: GatewayFixture;
  let anthropic: Anthropic;
  beforeAll(async () => {
    f = await startGatewayFixture();
    await fundAccount(f.baseUrl, f.account.token);
    await createProviderKey(f, 'openai', 'sk-openai-translation');
    await createProviderKey(f, 'deepseek', 'sk-deepseek-translation');
    await createProviderKey(f, 'anthropic', 'sk-ant-translation');
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

  it("a conversation moving from DeepSeek back to Claude: DeepSeek's reasoning (unsigned thinking) and the thinking requirement do not earn Anthropic's 400", async () => {
    f.upstream.reset();
    const tools: Anthropic.Tool[] = [{ name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }];
    f.upstream.script({ kind: 'ok', reasoning: 'Need the weather.', toolCall: { name: 'get_weather', arguments: '{"city":"Oslo"}' } });
    const first = await anthropic.messages.create({ model: 'deepseek:deepseek-reasoner', max_tokens: 2000, tools, messages: [{ role: 'user', content: 'Weather in Oslo?' }] });
    expect(first.content[0]).toMatchObject({ type: 'thinking', thinking: 'Need the weather.', signature: '' });
    const { response } = await anthropic.messages
      .create({
        model: 'claude-haiku-4-5',
        max_tokens: 4000,
        thinking: { type: 'enabled', budget_tokens: 1024 },
        tools,
        messages: continuedLoop('Weather in Oslo?', first.content, '4°C'),
      })
      .withResponse();
    expect(response.status).toBe(200);
    const sent = f.upstream.requests[1];
    expect(sent.path).toBe('/anthropic/v1/messages');
    expect(JSON.stringify(sent.body)).not.toContain('Need the weather.');
    expect(sent.body).not.toHaveProperty('thinking');
    expect(response.headers.get('x-gateway-removed-params')).toBe('thinking');
  });

  it('Claude Code moving from DeepSeek back to Claude: the thinking it goes without is not cleared either (Anthropic refuses clear_thinking without thinking)', async () => {
    f.upstream.reset();
    const tools: Anthropic.Tool[] = [{ name: 'Bash', description: 'Run a command', input_schema: { type: 'object', properties: { command: { type: 'string' } } } }];
    f.upstream.script({ kind: 'ok', reasoning: 'Run it.', toolCall: { name: 'Bash', arguments: '{"command":"echo hi"}' } });
    // As Claude Code 2.1.332 sends it with a model on extended thinking (claude-sonnet-4-5; its
    // 32,000 max_tokens would make the SDK insist on streaming).
    const settings = {
      max_tokens: 16000,
      thinking: { type: 'enabled' as const, budget_tokens: 15999 },
      context_management: { edits: [{ type: 'clear_thinking_20251015' as const, keep: 'all' as const }] },
      betas: ['context-management-2025-06-27', 'interleaved-thinking-2025-05-14'],
      tools,
    };
    const first = await anthropic.beta.messages.create({ ...settings, model: 'deepseek:deepseek-reasoner', messages: [{ role: 'user', content: 'Run echo hi' }] });
    const { response } = await anthropic.beta.messages
      .create({
        ...settings,
        model: 'claude-sonnet-4-5',
        messages: continuedLoop('Run echo hi', first.content, 'hi'),
      })
      .withResponse();
    expect(response.status).toBe(200);
    const sent = f.upstream.requests[1].body as Record<string, unknown>;
    expect(sent).not.toHaveProperty('thinking');
    expect(sent).not.toHaveProperty('context_management');
    expect(response.headers.get('x-gateway-removed-params')).toBe('thinking,context_management.edits.clear_thinking_20251015');
  });

  it("a tool loop on DeepSeek from an Anthropic client: DeepSeek gets its reasoning back in reasoning_content, as its thinking mode requires", async () => {
    f.upstream.reset();
    const tools: Anthropic.Tool[] = [{ name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }];
    f.upstream.script({ kind: 'ok', reasoning: 'Need the weather.', toolCall: { name: 'get_weather', arguments: '{"city":"Oslo"}' } });
    const first = await anthropic.messages.create({ model: 'deepseek:deepseek-reasoner', max_tokens: 2000, tools, messages: [{ role: 'user', content: 'Weather in Oslo?' }] });
    const loop = (model: string, assistant = first.content) =>
      anthropic.messages.create({ model, max_tokens: 2000, tools, messages: continuedLoop('Weather in Oslo?', first.content, '4°C', assistant) });
    const sentAssistant = (i: number) => (f.upstream.requests[i].body as { messages: { role: string; reasoning_content?: string }[] }).messages.find((m) => m.role === 'assistant');
    const second = await loop('deepseek:deepseek-reasoner');
    expect(second.content[0]).toMatchObject({ type: 'text' });
    expect(sentAssistant(1)?.reasoning_content).toBe('Need the weather.');
    // A tool-call turn without reasoning (another vendor's, or none) goes with an empty one.
    await loop('deepseek:deepseek-reasoner', first.content.filter((b) => b.type !== 'thinking'));
    expect(sentAssistant(2)?.reasoning_content).toBe('');
    // Other chat vendors refuse the field: never sent to them.
    await loop('openai:gpt-4o-mini');
    expect(sentAssistant(3)).not.toHaveProperty('reasoning_content');
  });
});
