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
    // Claude's signature rides in encrypted_content, which the client asked for, to go back next turn.
    expect(final.output.find((o) => o.type === 'reasoning')).toMatchObject({
      summary: [{ type: 'summary_text', text: 'The user wants weather.' }],
      encrypted_content: 'gateway-anthropic-signature:sig_fake',
    });
    expect(final.usage?.output_tokens).toBeGreaterThan(0);

    const up = f.upstream.requests[0];
    expect(up.body).toMatchObject({
      stream: true,
      tools: [{ name: 'get_weather', description: 'Weather for a city', input_schema: WEATHER.parameters, strict: true }],
      thinking: { type: 'enabled', budget_tokens: 2048 },
    });
    // Encrypted reasoning is returned (Claude's own), so `include` is honoured: nothing removed.
    expect(response.headers.get('x-gateway-removed-params')).toBeNull();
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

  it('a tool loop with reasoning, as Codex runs it: Claude gets its signed thinking back; OpenAI later gets none of the items the gateway wrote', async () => {
    const callId = (item: OpenAI.Responses.ResponseOutputItem | undefined) => (item?.type === 'function_call' ? item.call_id : '');
    f.upstream.script({ kind: 'ok', reasoning: 'The user wants weather.', toolCall: { name: 'get_weather', arguments: '{"city":"Oslo"}' } });
    const settings = { tools: [WEATHER], reasoning: { effort: 'low' as const }, include: ['reasoning.encrypted_content' as const], store: false };
    const first = await openai.responses.create({ model: 'claude-haiku-4-5', input: 'Weather in Oslo?', ...settings });
    const call = first.output.find((o) => o.type === 'function_call');
    // Codex sends back every output item as it came, then the tool's result.
    const transcript: OpenAI.Responses.ResponseInputItem[] = [
      { role: 'user', content: 'Weather in Oslo?' },
      ...(first.output as OpenAI.Responses.ResponseInputItem[]),
      { type: 'function_call_output', call_id: callId(call), output: '4°C' },
    ];
    const second = await openai.responses.create({ model: 'claude-haiku-4-5', input: transcript, ...settings }).withResponse();
    expect(second.response.status).toBe(200);
    const toClaude = f.upstream.requests[1].body as { messages: unknown[]; thinking?: unknown };
    // The fake answers 400 as Anthropic does when thinking is on and the turn's thinking is missing.
    expect(toClaude.thinking).toMatchObject({ type: 'enabled' });
    expect(toClaude.messages[1]).toEqual({
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: 'The user wants weather.', signature: 'sig_fake' },
        { type: 'tool_use', id: callId(call), name: 'get_weather', input: { city: 'Oslo' } },
      ],
    });
    expect(second.response.headers.get('x-gateway-removed-params')).toBeNull();

    // The next turn goes to OpenAI itself (a model switch, or failover): Claude's reasoning item and
    // the ids the gateway made are not OpenAI's, which would answer 404 "Item not found".
    const third = await openai.responses.create({
      model: 'openai:gpt-5',
      input: [...transcript, ...(second.data.output as OpenAI.Responses.ResponseInputItem[]), { role: 'user', content: 'And Bergen?' }],
      ...settings,
    });
    expect(third.status).toBe('completed');
    const toOpenAi = f.upstream.requests[2];
    expect(toOpenAi.path).toBe('/openai/v1/responses');
    const sent = (toOpenAi.body as { input: { type?: string; id?: string }[] }).input;
    expect(sent.filter((item) => item.type === 'reasoning')).toEqual([]);
    expect(sent.filter((item) => item.id !== undefined)).toEqual([]);
    expect(sent.find((item) => item.type === 'function_call')).toMatchObject({ call_id: callId(call), name: 'get_weather' });
  });

  it('a chat client continuing a tool loop with reasoning_effort: Claude gets the request without thinking, named as removed, not a 400', async () => {
    const chat = new OpenAI({ baseURL: `${f.baseUrl}/v1`, apiKey: token, maxRetries: 0 });
    const { response } = await chat.chat.completions
      .create({
        model: 'claude-haiku-4-5',
        reasoning_effort: 'low',
        messages: [
          { role: 'user', content: 'Weather in Oslo?' },
          { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }] },
          { role: 'tool', tool_call_id: 'call_1', content: '4°C' },
        ],
      })
      .withResponse();
    expect(response.status).toBe(200);
    expect(f.upstream.requests[0].body).not.toHaveProperty('thinking');
    expect(response.headers.get('x-gateway-removed-params')).toBe('reasoning_effort');
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
    // error.code is one of OpenAI's ResponseErrorCode values; the gateway's code leads the message.
    expect(JSON.parse(frames.at(-1)!.data)).toMatchObject({ response: { status: 'failed', error: { code: 'server_error', message: expect.stringMatching(/^upstream_failed: /) } } });
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
