import Anthropic from '@anthropic-ai/sdk';
import { zodOutputFormat } from '@anthropic-ai/sdk/helpers/zod';
import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAI as createOpenAIv3 } from '@ai-sdk/openai-v3';
import { generateText, Output } from 'ai';
import { generateObject } from 'ai-v6';
import OpenAI from 'openai-v7';
import { zodResponseFormat } from 'openai-v7/helpers/zod';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAccessKey, createProviderKey, startGatewayFixture, type GatewayFixture } from '../support/gateway-fixture.js';
import { fundAccount } from '../support/v1-client.js';

/** Structured output and limits across formats; what cannot be translated is named, never dropped. */

const City = z.object({ city: z.string(), population: z.number() });
const ANSWER = '{"city":"Paris","population":2100000}';

describe('structured output and request limits across formats', () => {
  let f: GatewayFixture;
  let openai: OpenAI;
  let anthropic: Anthropic;
  let token: string;

  beforeAll(async () => {
    f = await startGatewayFixture();
    await fundAccount(f.baseUrl, f.account.token);
    await createProviderKey(f, 'openai', 'sk-user-openai');
    await createProviderKey(f, 'anthropic', 'sk-ant-user');
    token = (await createAccessKey(f)).token;
    openai = new OpenAI({ baseURL: `${f.baseUrl}/v1`, apiKey: token, maxRetries: 0 });
    anthropic = new Anthropic({ baseURL: f.baseUrl, apiKey: token, maxRetries: 0 });
  });
  afterAll(async () => f?.stop());
  beforeEach(() => f.upstream.reset());

  it('chat.completions.parse (json_schema) to Claude becomes output_config.format', async () => {
    f.upstream.script({ kind: 'ok', text: ANSWER });
    const { data, response } = await openai.chat.completions
      .parse({ model: 'claude-haiku-4-5', messages: [{ role: 'user', content: 'Biggest French city?' }], response_format: zodResponseFormat(City, 'city'), seed: 7 })
      .withResponse();
    expect(data.choices[0].message.parsed).toEqual({ city: 'Paris', population: 2100000 });
    const body = f.upstream.requests[0].body as Record<string, unknown>;
    expect(body.output_config).toEqual({ format: { type: 'json_schema', schema: expect.objectContaining({ type: 'object', required: ['city', 'population'] }) } });
    expect(body).not.toHaveProperty('response_format');
    // seed has no Anthropic equivalent: removed and named.
    expect(body).not.toHaveProperty('seed');
    expect(response.headers.get('x-gateway-removed-params')).toBe('seed');
  });

  it('streamed chat with json_schema to Claude', async () => {
    f.upstream.script({ kind: 'ok', text: ANSWER });
    const stream = openai.chat.completions.stream({ model: 'claude-haiku-4-5', messages: [{ role: 'user', content: 'x' }], response_format: zodResponseFormat(City, 'city') });
    const final = await stream.finalChatCompletion();
    expect(final.choices[0].message.parsed).toEqual({ city: 'Paris', population: 2100000 });
    expect(f.upstream.requests[0].body).toMatchObject({ stream: true, output_config: { format: { type: 'json_schema' } } });
  });

  it('messages.parse (output_config.format) to an OpenAI model becomes response_format json_schema', async () => {
    f.upstream.script({ kind: 'ok', text: ANSWER }, { kind: 'ok', text: ANSWER });
    const parsed = await anthropic.messages.parse({
      model: 'gpt-4o-mini',
      max_tokens: 200,
      messages: [{ role: 'user', content: 'Biggest French city?' }],
      output_config: { format: zodOutputFormat(City) },
    });
    expect(parsed.parsed_output).toEqual({ city: 'Paris', population: 2100000 });
    expect(f.upstream.requests[0].body).toMatchObject({
      response_format: { type: 'json_schema', json_schema: { name: 'response', schema: expect.objectContaining({ type: 'object' }) } },
    });
    expect(f.upstream.requests[0].body).not.toHaveProperty('output_config');

    const stream = anthropic.messages.stream({
      model: 'gpt-4o-mini',
      max_tokens: 200,
      messages: [{ role: 'user', content: 'x' }],
      output_config: { format: zodOutputFormat(City) },
    });
    const final = await stream.finalMessage();
    expect(final.content).toEqual([{ type: 'text', text: ANSWER, citations: null }]);
    expect(f.upstream.requests[1].body).toMatchObject({ stream: true, response_format: { type: 'json_schema' } });
  });

  it('AI SDK 6 generateObject (chat and Responses paths, @ai-sdk/openai 3) against Claude', async () => {
    const provider = createOpenAIv3({ baseURL: `${f.baseUrl}/v1`, apiKey: token });
    f.upstream.script({ kind: 'ok', text: ANSWER }, { kind: 'ok', text: ANSWER });
    const viaChat = await generateObject({ model: provider.chat('claude-haiku-4-5'), schema: City, prompt: 'Biggest French city?', maxRetries: 0 });
    expect(viaChat.object).toEqual({ city: 'Paris', population: 2100000 });
    const viaResponses = await generateObject({ model: provider('claude-haiku-4-5'), schema: City, prompt: 'Biggest French city?', maxRetries: 0 });
    expect(viaResponses.object).toEqual({ city: 'Paris', population: 2100000 });
    for (const req of f.upstream.requests) {
      expect(req.path).toBe('/anthropic/v1/messages');
      expect(req.body).toMatchObject({ output_config: { format: { type: 'json_schema', schema: expect.objectContaining({ type: 'object' }) } } });
    }
  });

  it("AI SDK 7 generateText with Output.object (generateObject's successor) on both paths, and through @ai-sdk/anthropic", async () => {
    const provider = createOpenAI({ baseURL: `${f.baseUrl}/v1`, apiKey: token });
    const anthropicProvider = createAnthropic({ baseURL: `${f.baseUrl}/v1`, apiKey: token });
    const models = [provider.chat('claude-haiku-4-5'), provider('claude-haiku-4-5'), anthropicProvider('gpt-4o-mini')];
    // @ai-sdk/anthropic asks a model it does not know (here an OpenAI one) for a `json` tool call instead of output_config.
    f.upstream.script({ kind: 'ok', text: ANSWER }, { kind: 'ok', text: ANSWER }, { kind: 'ok', toolCall: { name: 'json', arguments: ANSWER } });
    for (const model of models) {
      const { output } = await generateText({ model, output: Output.object({ schema: City }), prompt: 'Biggest French city?', maxRetries: 0 });
      expect(output).toEqual({ city: 'Paris', population: 2100000 });
    }
    const [chat, responses, messages] = f.upstream.requests;
    for (const req of [chat, responses]) {
      expect(req.path).toBe('/anthropic/v1/messages');
      expect(req.body).toMatchObject({ output_config: { format: { type: 'json_schema', schema: expect.objectContaining({ type: 'object' }) } } });
    }
    expect(messages.path).toBe('/openai/v1/chat/completions');
    expect(messages.body).toMatchObject({ tool_choice: 'required', tools: [{ type: 'function', function: { name: 'json', parameters: expect.objectContaining({ type: 'object' }) } }] });
  });

  it('json_object has no Anthropic equivalent: removed and named', async () => {
    const { response } = await openai.chat.completions
      .create({ model: 'claude-haiku-4-5', messages: [{ role: 'user', content: 'x' }], response_format: { type: 'json_object' } })
      .withResponse();
    expect(response.headers.get('x-gateway-removed-params')).toBe('response_format');
    expect(f.upstream.requests[0].body).not.toHaveProperty('output_config');
  });

  it('max_tokens above the serving model limit is clamped; translated message_start carries an input estimate', async () => {
    await openai.chat.completions.create({ model: 'claude-haiku-4-5', messages: [{ role: 'user', content: 'x' }], max_tokens: 1_000_000 });
    expect((f.upstream.requests[0].body as { max_tokens: number }).max_tokens).toBe(64_000);

    const prompt = 'Count the words in this sentence for me, please, and answer briefly.';
    const raw = await anthropic.messages.create({ model: 'gpt-4o-mini', max_tokens: 1_000_000, stream: true, messages: [{ role: 'user', content: prompt }] });
    let startInput = -1;
    for await (const ev of raw) if (ev.type === 'message_start') startInput = ev.message.usage.input_tokens;
    expect(startInput).toBeGreaterThan(5);
    expect((f.upstream.requests[1].body as { max_tokens: number }).max_tokens).toBe(16_384);
  });
});
