import { createOpenAI } from '@ai-sdk/openai';
import { generateText, streamText, tool, jsonSchema } from 'ai';
import OpenAI from 'openai-v7';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAccessKey, createProviderKey, startGatewayFixture, type GatewayFixture } from '../support/gateway-fixture.js';
import { createCustomProvider, fundAccount, parseSseText, postV1, usageEventFor } from '../support/v1-client.js';

/** /v1/responses (Codex, the AI SDK's default OpenAI path) served by providers that do not speak it. */

const PROMPT = 'Say hello to the gateway please';
const INSTRUCTIONS = 'Be brief.';
/** The fake upstream reports ceil(input chars / 4) input tokens (system and messages joined by a newline). */
const REPORTED_INPUT = Math.ceil(`${INSTRUCTIONS}\n${PROMPT}`.length / 4);
const WEATHER = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'Weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  strict: true,
};

describe('/v1/responses from every provider', () => {
  let f: GatewayFixture;
  let token: string;
  let openai: OpenAI;

  beforeAll(async () => {
    f = await startGatewayFixture({ CUSTOM_PROVIDER_ALLOW_PRIVATE: '127.0.0.0/8' });
    await fundAccount(f.baseUrl, f.account.token);
    await createProviderKey(f, 'anthropic', 'sk-ant-user');
    await createProviderKey(f, 'deepseek', 'sk-deepseek-user');
    await createProviderKey(f, 'openai', 'sk-openai-user');
    await createCustomProvider(f, { providerId: 'local', baseUrl: `http://127.0.0.1:${f.upstream.port}/custom/v1`, apiFormat: 'OPENAI', models: ['my-llama'] });
    token = (await createAccessKey(f)).token;
    openai = new OpenAI({ baseURL: `${f.baseUrl}/v1`, apiKey: token, maxRetries: 0 });
  });
  afterAll(async () => f?.stop());
  beforeEach(() => f.upstream.reset());

  it('Anthropic model, not streamed: text, usage, instructions and max_output_tokens translated', async () => {
    const { data, response } = await openai.responses
      .create({ model: 'claude-haiku-4-5', instructions: INSTRUCTIONS, input: PROMPT, max_output_tokens: 100, store: false })
      .withResponse();
    expect(data.output_text).toBe('Hello from fake claude-haiku-4-5');
    expect(data.status).toBe('completed');
    // The request's settings are repeated as OpenAI's answers repeat them, defaults where it left one out.
    expect(data).toMatchObject({ instructions: INSTRUCTIONS, max_output_tokens: 100, tools: [], temperature: 1, top_p: 1, previous_response_id: null });
    expect(data.usage).toMatchObject({ input_tokens: REPORTED_INPUT, output_tokens: 4, total_tokens: REPORTED_INPUT + 4 });
    const up = f.upstream.requests[0];
    expect(up.path).toBe('/anthropic/v1/messages');
    expect(up.body).toMatchObject({ model: 'claude-haiku-4-5', system: INSTRUCTIONS, max_tokens: 100, messages: [{ role: 'user', content: PROMPT }] });
    expect(up.body).not.toHaveProperty('input');
    // `store: false` is honoured (nothing is stored), so nothing is reported removed.
    expect(response.headers.get('x-gateway-removed-params')).toBeNull();
    const ev = await usageEventFor(f, response.headers.get('x-request-id'));
    expect(ev).toMatchObject({ endpoint: '/v1/responses', provider: 'anthropic', status: 200, errorCode: null, tokensEstimated: false, inputTokens: REPORTED_INPUT, outputTokens: 4 });
  });

  it('Anthropic model, streamed with a function tool and reasoning; the client closes at response.completed', async () => {
    f.upstream.script({ kind: 'ok', reasoning: 'The user wants weather.', toolCall: { name: 'get_weather', arguments: '{"city":"Paris"}' }, tailDelayMs: 300 });
    const { data: stream, response } = await openai.responses
      .create({
        model: 'claude-haiku-4-5',
        input: [{ role: 'user', content: 'Weather in Paris?' }],
        tools: [WEATHER],
        reasoning: { effort: 'low' },
        include: ['reasoning.encrypted_content'],
        stream: true,
      })
      .withResponse();
    const types: string[] = [];
    let final: OpenAI.Responses.Response | undefined;
    for await (const e of stream) {
      types.push(e.type);
      if (e.type === 'response.completed') final = e.response;
    }
    if (!final) throw new Error('no response.completed');
    expect(types[0]).toBe('response.created');
    expect(types.at(-1)).toBe('response.completed');
    expect(types).toContain('response.reasoning_summary_text.delta');
    expect(types).toContain('response.function_call_arguments.delta');
    expect(final.tools).toMatchObject([{ type: 'function', name: 'get_weather' }]);
    expect(final.reasoning).toMatchObject({ effort: 'low' });
    const call = final.output.find((o) => o.type === 'function_call');
    expect(call).toMatchObject({ type: 'function_call', name: 'get_weather', arguments: '{"city":"Paris"}', status: 'completed' });
    expect(final.output.find((o) => o.type === 'reasoning')).toMatchObject({ summary: [{ type: 'summary_text', text: 'The user wants weather.' }] });
    expect(final.usage?.output_tokens).toBeGreaterThan(0);

    const up = f.upstream.requests[0];
    expect(up.body).toMatchObject({
      stream: true,
      tools: [{ name: 'get_weather', description: 'Weather for a city', input_schema: WEATHER.parameters, strict: true }],
      thinking: { type: 'enabled', budget_tokens: 2048 },
    });
    // Anthropic cannot return OpenAI's encrypted reasoning: said, not silently ignored.
    expect(response.headers.get('x-gateway-removed-params')).toBe('include');
    const ev = await usageEventFor(f, response.headers.get('x-request-id'));
    expect(ev).toMatchObject({ status: 200, errorCode: null, tokensEstimated: false });

    // The tool result goes back as a function_call_output and reaches Anthropic as a tool_result.
    const next = await openai.responses.create({
      model: 'claude-haiku-4-5',
      input: [
        { role: 'user', content: 'Weather in Paris?' },
        { type: 'function_call', call_id: call!.type === 'function_call' ? call!.call_id : '', name: 'get_weather', arguments: '{"city":"Paris"}' },
        { type: 'function_call_output', call_id: call!.type === 'function_call' ? call!.call_id : '', output: '21°C' },
      ],
      tools: [WEATHER],
    });
    expect(next.output_text).toBe('Hello from fake claude-haiku-4-5');
    expect((f.upstream.requests[1].body as { messages: unknown[] }).messages).toEqual([
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', content: [{ type: 'tool_use', id: expect.any(String), name: 'get_weather', input: { city: 'Paris' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: expect.any(String), content: '21°C' }] },
    ]);
  });

  it('previous_response_id and conversation need a provider serving Responses itself: refused for Claude, skipped as a fallback', async () => {
    // Translated, the stored turns would be lost and the answer would look complete.
    for (const field of [{ previous_response_id: 'resp_abc' }, { conversation: 'conv_123' }]) {
      const res = await postV1(f, '/v1/responses', { model: 'claude-haiku-4-5', input: 'What is my name?', ...field }, { token });
      expect(res.status).toBe(400);
      expect(res.json).toMatchObject({ error: { code: 'model_not_supported', message: expect.stringContaining(Object.keys(field)[0]) } });
    }
    expect(f.upstream.requests).toHaveLength(0);

    const served = await postV1(
      f,
      '/v1/responses',
      { model: 'openai:gpt-4o-mini', models: ['claude-haiku-4-5'], input: 'What is my name?', previous_response_id: 'resp_abc' },
      { token },
    );
    expect(served.status).toBe(200);
    expect(served.headers.get('x-gateway-rejected-models')).toBe('claude-haiku-4-5');
    expect(f.upstream.requests).toHaveLength(1);
    expect(f.upstream.requests[0].body).toMatchObject({ model: 'gpt-4o-mini', previous_response_id: 'resp_abc' });
  });

  it('a chat-completions-only provider (DeepSeek), streamed: text and reported usage', async () => {
    f.upstream.script({ kind: 'ok', tailDelayMs: 300 });
    const { data: stream, response } = await openai.responses
      .create({ model: 'deepseek-chat', instructions: INSTRUCTIONS, input: PROMPT, stream: true })
      .withResponse();
    let text = '';
    let final: OpenAI.Responses.Response | undefined;
    for await (const e of stream) {
      if (e.type === 'response.output_text.delta') text += e.delta;
      if (e.type === 'response.completed') final = e.response;
    }
    if (!final) throw new Error('no response.completed');
    expect(text).toBe('Hello from fake deepseek-chat');
    expect(final.output).toEqual([expect.objectContaining({ type: 'message', content: [expect.objectContaining({ type: 'output_text', text })] })]);
    expect(final.usage).toMatchObject({ input_tokens: REPORTED_INPUT, output_tokens: 4 });
    const up = f.upstream.requests[0];
    expect(up.path).toBe('/deepseek/v1/chat/completions');
    expect(up.body).toMatchObject({ stream: true, stream_options: { include_usage: true }, messages: [{ role: 'system', content: INSTRUCTIONS }, { role: 'user', content: PROMPT }] });
    const ev = await usageEventFor(f, response.headers.get('x-request-id'));
    expect(ev).toMatchObject({ provider: 'deepseek', errorCode: null, tokensEstimated: false, inputTokens: REPORTED_INPUT, outputTokens: 4 });
  });

  it('a custom OpenAI-format provider, not streamed', async () => {
    const res = await openai.responses.create({ model: 'local:my-llama', input: PROMPT });
    expect(res.output_text).toBe('Hello from fake my-llama');
    expect(f.upstream.requests[0].path).toBe('/custom/v1/chat/completions');
  });

  it('a broken translated stream ends with response.failed, never response.completed', async () => {
    f.upstream.script({ kind: 'disconnectMidStream', afterChunks: 5 });
    const res = await postV1(f, '/v1/responses', { model: 'claude-haiku-4-5', input: PROMPT, stream: true }, { token });
    const frames = parseSseText(res.text);
    expect(frames[0].event).toBe('response.created');
    expect(frames.at(-1)?.event).toBe('response.failed');
    expect(JSON.parse(frames.at(-1)!.data)).toMatchObject({ response: { status: 'failed', error: { code: 'upstream_failed' } } });
    expect(frames.some((fr) => fr.event === 'response.completed')).toBe(false);
    const ev = await usageEventFor(f, res.headers.get('x-request-id'));
    expect(ev.errorCode).toBe('upstream_stream_interrupted');
  });

  it('the Vercel AI SDK default OpenAI provider (Responses) reaches Claude: generateText with a tool, streamText', async () => {
    const provider = createOpenAI({ baseURL: `${f.baseUrl}/v1`, apiKey: token });
    f.upstream.script({ kind: 'ok', toolCall: { name: 'get_weather', arguments: '{"city":"Paris"}' } });
    const result = await generateText({
      model: provider('claude-haiku-4-5'),
      prompt: 'Weather in Paris?',
      tools: { get_weather: tool({ description: 'Weather', inputSchema: jsonSchema<{ city: string }>({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }) }) },
      maxRetries: 0,
    });
    expect(result.toolCalls).toEqual([expect.objectContaining({ toolName: 'get_weather', input: { city: 'Paris' } })]);
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    expect(f.upstream.requests[0].path).toBe('/anthropic/v1/messages');

    const streamed = streamText({ model: provider('claude-haiku-4-5'), prompt: PROMPT, maxRetries: 0 });
    expect(await streamed.text).toBe('Hello from fake claude-haiku-4-5');
    expect((await streamed.usage).outputTokens).toBe(4);
  });
});
