import { createAnthropic } from '@ai-sdk/anthropic';
import AnthropicV0 from '@anthropic-ai/sdk-v0';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAI as createOpenAIv3 } from '@ai-sdk/openai-v3';
import { ChatAnthropic } from '@langchain/anthropic';
import type { AIMessageChunk } from '@langchain/core/messages';
import { ChatOpenAI, OpenAIEmbeddings } from '@langchain/openai';
import { generateText, jsonSchema, stepCountIs, streamText, tool, type JSONSchema7 } from 'ai';
import { generateText as generateTextV6, streamText as streamTextV6 } from 'ai-v6';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_EMBEDDING_DIMENSIONS } from '../support/fake-embeddings.js';
import { createAccount } from '../support/credits.js';
import { startGatewayFixture, type GatewayFixture } from '../support/gateway-fixture.js';
import { usageEventFor } from '../support/v1-client.js';

/**
 * The agent frameworks users put in front of /v1, at their newest majors, changing only base URL
 * and key: the Vercel AI SDK 7 with its OpenAI and Anthropic providers (and AI SDK 6, which many
 * apps still run), LangChain's ChatOpenAI, ChatAnthropic and OpenAIEmbeddings, and the Anthropic
 * SDK's 0.x line (still released beside 1.x, and the one inside Claude Code). Each goes through
 * the gateway to the simulated upstream, in its own format and across formats.
 */

const PROMPT = 'Say hello to the gateway please';
/** The fake upstream reports ceil(prompt chars / 4) input tokens and one output token per word. */
const REPORTED_INPUT = Math.ceil(PROMPT.length / 4);
const CITY_SCHEMA: JSONSchema7 = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false };
const WEATHER_TOOL = { type: 'function' as const, function: { name: 'get_weather', description: 'Weather for a city', parameters: CITY_SCHEMA } };

describe('agent frameworks against /v1', () => {
  let f: GatewayFixture;
  let token: string;
  /** Request ids the gateway answered with, read from the response headers the SDKs saw. */
  let requestIds: string[];
  /** A fetch that records the gateway's x-request-id, given to the SDKs that take one. */
  const recordingFetch: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    const id = response.headers.get('x-request-id');
    if (id) requestIds.push(id);
    return response;
  };

  beforeAll(async () => {
    f = await startGatewayFixture();
    token = (await createAccount(f, { purchaseUsd: '100.00', providerKeys: { openai: 'sk-user-openai', anthropic: 'sk-ant-user' } })).accessToken;
  });
  afterAll(async () => f?.stop());
  beforeEach(() => {
    f.upstream.reset();
    requestIds = [];
  });

  describe('Vercel AI SDK 7', () => {
    it('@ai-sdk/anthropic: generateText reaches Anthropic through /v1/messages with the access key, usage included', async () => {
      const anthropic = createAnthropic({ baseURL: `${f.baseUrl}/v1`, apiKey: token, fetch: recordingFetch });
      const result = await generateText({ model: anthropic('claude-haiku-4-5'), prompt: PROMPT, maxRetries: 0 });
      expect(result.text).toBe('Hello from fake claude-haiku-4-5');
      expect(result.usage).toMatchObject({ inputTokens: REPORTED_INPUT, outputTokens: 4 });
      const up = f.upstream.requests[0];
      expect(up.path).toBe('/anthropic/v1/messages');
      expect(up.credential).toBe('sk-ant-user');
      expect(up.body).toMatchObject({ model: 'claude-haiku-4-5', messages: [{ role: 'user', content: [{ type: 'text', text: PROMPT }] }] });
      const ev = await usageEventFor(f, requestIds[0]);
      expect(ev).toMatchObject({ endpoint: '/v1/messages', provider: 'anthropic', status: 200, inputTokens: REPORTED_INPUT, outputTokens: 4 });
    });

    it('@ai-sdk/anthropic: a tool call round trip over two steps, the second carrying the tool result', async () => {
      f.upstream.script({ kind: 'ok', toolCall: { name: 'get_weather', arguments: '{"city":"Paris"}' } }, { kind: 'ok', text: 'Sunny in Paris' });
      const anthropic = createAnthropic({ baseURL: `${f.baseUrl}/v1`, apiKey: token });
      const seen: string[] = [];
      const result = await generateText({
        model: anthropic('claude-haiku-4-5'),
        prompt: 'Weather in Paris?',
        tools: {
          get_weather: tool({
            description: 'Weather for a city',
            inputSchema: jsonSchema<{ city: string }>(CITY_SCHEMA),
            execute: async ({ city }) => {
              seen.push(city);
              return { city, forecast: 'sunny' };
            },
          }),
        },
        stopWhen: stepCountIs(2),
        maxRetries: 0,
      });
      expect(seen).toEqual(['Paris']);
      expect(result.text).toBe('Sunny in Paris');
      expect(result.steps).toHaveLength(2);
      expect(f.upstream.requests).toHaveLength(2);
      expect(f.upstream.requests[0].body).toMatchObject({ tools: [expect.objectContaining({ name: 'get_weather' })] });
      const second = f.upstream.requests[1].body as { messages: { role: string; content: { type: string; tool_use_id?: string }[] }[] };
      const toolUse = second.messages[1].content.find((b) => b.type === 'tool_use') as { id: string } | undefined;
      expect(toolUse).toBeDefined();
      expect(second.messages[2].content).toEqual([expect.objectContaining({ type: 'tool_result', tool_use_id: toolUse?.id })]);
    });

    it('@ai-sdk/anthropic: streamText to an OpenAI model (translated both ways), text and usage arrive', async () => {
      const anthropic = createAnthropic({ baseURL: `${f.baseUrl}/v1`, apiKey: token });
      const streamed = streamText({ model: anthropic('gpt-4o-mini'), prompt: PROMPT, maxRetries: 0 });
      expect(await streamed.text).toBe('Hello from fake gpt-4o-mini');
      expect(await streamed.usage).toMatchObject({ inputTokens: REPORTED_INPUT, outputTokens: 4 });
      expect(f.upstream.requests[0].path).toBe('/openai/v1/chat/completions');
      expect(f.upstream.requests[0].body).toMatchObject({ model: 'gpt-4o-mini', stream: true });
    });

    it('@ai-sdk/openai .chat(): chat completions, streamed and not, with usage', async () => {
      const openai = createOpenAI({ baseURL: `${f.baseUrl}/v1`, apiKey: token });
      const result = await generateText({ model: openai.chat('gpt-4o-mini'), prompt: PROMPT, maxRetries: 0 });
      expect(result.text).toBe('Hello from fake gpt-4o-mini');
      expect(result.usage).toMatchObject({ inputTokens: REPORTED_INPUT, outputTokens: 4 });
      expect(f.upstream.requests[0].path).toBe('/openai/v1/chat/completions');

      const streamed = streamText({ model: openai.chat('claude-haiku-4-5'), prompt: PROMPT, maxRetries: 0 });
      expect(await streamed.text).toBe('Hello from fake claude-haiku-4-5');
      expect(await streamed.usage).toMatchObject({ inputTokens: REPORTED_INPUT, outputTokens: 4 });
      expect(f.upstream.requests[1].path).toBe('/anthropic/v1/messages');
    });

    it('@ai-sdk/openai default model path (Responses API): streamed tool call', async () => {
      f.upstream.script({ kind: 'ok', toolCall: { name: 'get_weather', arguments: '{"city":"Oslo"}' } });
      const openai = createOpenAI({ baseURL: `${f.baseUrl}/v1`, apiKey: token });
      const streamed = streamText({
        model: openai('gpt-4o-mini'),
        prompt: 'Weather in Oslo?',
        tools: { get_weather: tool({ description: 'Weather for a city', inputSchema: jsonSchema<{ city: string }>(CITY_SCHEMA) }) },
        maxRetries: 0,
      });
      expect(await streamed.toolCalls).toEqual([expect.objectContaining({ toolName: 'get_weather', input: { city: 'Oslo' } })]);
      expect(await streamed.finishReason).toBe('tool-calls');
      expect(f.upstream.requests[0].path).toBe('/openai/v1/responses');
    });
  });

  describe('Vercel AI SDK 6 (@ai-sdk/openai 3)', () => {
    it('generateText and streamText on its default (Responses) path, to OpenAI and to Anthropic', async () => {
      const openai = createOpenAIv3({ baseURL: `${f.baseUrl}/v1`, apiKey: token });
      const result = await generateTextV6({ model: openai('gpt-4o-mini'), prompt: PROMPT, maxRetries: 0 });
      expect(result.text).toBe('Hello from fake gpt-4o-mini');
      expect(result.usage.outputTokens).toBe(4);
      expect(f.upstream.requests[0].path).toBe('/openai/v1/responses');

      const streamed = streamTextV6({ model: openai('claude-haiku-4-5'), prompt: PROMPT, maxRetries: 0 });
      expect(await streamed.text).toBe('Hello from fake claude-haiku-4-5');
      expect((await streamed.usage).outputTokens).toBe(4);
      expect(f.upstream.requests[1].path).toBe('/anthropic/v1/messages');
    });
  });

  describe('Anthropic SDK 0.x', () => {
    it('messages.create, a streamed tool call translated from OpenAI, and count_tokens', async () => {
      const anthropic = new AnthropicV0({ baseURL: f.baseUrl, apiKey: token, maxRetries: 0 });
      const msg = await anthropic.messages.create({ model: 'claude-haiku-4-5', max_tokens: 64, messages: [{ role: 'user', content: PROMPT }] });
      expect(msg.content).toEqual([expect.objectContaining({ type: 'text', text: 'Hello from fake claude-haiku-4-5' })]);
      expect(msg.usage).toMatchObject({ input_tokens: REPORTED_INPUT, output_tokens: 4 });

      f.upstream.script({ kind: 'ok', toolCall: { name: 'get_weather', arguments: '{"city":"Kyiv"}' } });
      const stream = anthropic.messages.stream({
        model: 'gpt-4o-mini',
        max_tokens: 64,
        tools: [{ name: 'get_weather', description: 'Weather for a city', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }],
        messages: [{ role: 'user', content: 'Weather in Kyiv?' }],
      });
      const final = await stream.finalMessage();
      expect(final.stop_reason).toBe('tool_use');
      expect(final.content).toEqual([expect.objectContaining({ type: 'tool_use', name: 'get_weather', input: { city: 'Kyiv' } })]);
      // The exact count arrives in message_delta (message_start had the gateway's estimate), and the SDK keeps it.
      expect(final.usage.input_tokens).toBe(Math.ceil('Weather in Kyiv?'.length / 4));
      expect(f.upstream.requests[1].path).toBe('/openai/v1/chat/completions');

      const counted = await anthropic.messages.countTokens({ model: 'claude-haiku-4-5', messages: [{ role: 'user', content: PROMPT }] });
      expect(counted.input_tokens).toBeGreaterThan(0);
      expect(f.upstream.requests[2].path).toBe('/anthropic/v1/messages/count_tokens');
    });
  });

  describe('LangChain', () => {
    const chatOpenAI = (model: string) =>
      new ChatOpenAI({ model, apiKey: token, maxRetries: 0, configuration: { baseURL: `${f.baseUrl}/v1`, fetch: recordingFetch } });
    const chatAnthropic = (model: string) =>
      new ChatAnthropic({ model, apiKey: token, maxRetries: 0, anthropicApiUrl: f.baseUrl, clientOptions: { fetch: recordingFetch } });
    /** PROMPT streamed, its chunks joined into one message as a LangChain app does. */
    const streamJoined = async (chat: ChatOpenAI | ChatAnthropic): Promise<AIMessageChunk | undefined> => {
      let joined: AIMessageChunk | undefined;
      for await (const chunk of await chat.stream(PROMPT)) joined = joined ? joined.concat(chunk) : chunk;
      return joined;
    };

    it('ChatOpenAI: invoke with usage metadata, and the usage event under the access key', async () => {
      const reply = await chatOpenAI('gpt-4o-mini').invoke(PROMPT);
      expect(reply.content).toBe('Hello from fake gpt-4o-mini');
      expect(reply.usage_metadata).toMatchObject({ input_tokens: REPORTED_INPUT, output_tokens: 4 });
      expect(f.upstream.requests[0]).toMatchObject({ path: '/openai/v1/chat/completions', credential: 'sk-user-openai' });
      const ev = await usageEventFor(f, requestIds[0]);
      expect(ev).toMatchObject({ endpoint: '/v1/chat/completions', provider: 'openai', model: 'gpt-4o-mini', status: 200, outputTokens: 4 });
    });

    it('ChatOpenAI: stream to an Anthropic model, chunks join to the answer with usage', async () => {
      const joined = await streamJoined(chatOpenAI('claude-haiku-4-5'));
      expect(joined?.content).toBe('Hello from fake claude-haiku-4-5');
      expect(joined?.usage_metadata).toMatchObject({ input_tokens: REPORTED_INPUT, output_tokens: 4 });
      expect(f.upstream.requests[0].path).toBe('/anthropic/v1/messages');
    });

    it('ChatOpenAI: bindTools returns the tool call with parsed arguments', async () => {
      f.upstream.script({ kind: 'ok', toolCall: { name: 'get_weather', arguments: '{"city":"Lima"}' } });
      const reply = await chatOpenAI('gpt-4o-mini').bindTools([WEATHER_TOOL]).invoke('Weather in Lima?');
      expect(reply.tool_calls).toEqual([expect.objectContaining({ name: 'get_weather', args: { city: 'Lima' } })]);
      expect(f.upstream.requests[0].body).toMatchObject({ tools: [expect.objectContaining({ function: expect.objectContaining({ name: 'get_weather' }) })] });
    });

    it('ChatAnthropic: invoke and stream through /v1/messages, with usage metadata', async () => {
      const model = chatAnthropic('claude-haiku-4-5');
      const reply = await model.invoke(PROMPT);
      expect(reply.content).toBe('Hello from fake claude-haiku-4-5');
      expect(reply.usage_metadata).toMatchObject({ input_tokens: REPORTED_INPUT, output_tokens: 4 });
      expect(f.upstream.requests[0]).toMatchObject({ path: '/anthropic/v1/messages', credential: 'sk-ant-user' });
      const ev = await usageEventFor(f, requestIds[0]);
      expect(ev).toMatchObject({ endpoint: '/v1/messages', provider: 'anthropic', status: 200, outputTokens: 4 });

      const joined = await streamJoined(chatAnthropic('gpt-4o-mini'));
      const text = typeof joined?.content === 'string' ? joined.content : joined?.content.map((b) => ('text' in b ? b.text : '')).join('');
      expect(text).toBe('Hello from fake gpt-4o-mini');
      // An OpenAI stream reports its input only at the end, so the translated message_start carries
      // the gateway's estimate (tiktoken) and message_delta the exact count. LangChain reads input
      // tokens from message_start only; the usage event, which bills, has the exact count.
      expect(joined?.usage_metadata?.output_tokens).toBe(4);
      expect(joined?.usage_metadata?.input_tokens).toBeGreaterThan(0);
      expect(f.upstream.requests[1].path).toBe('/openai/v1/chat/completions');
      expect(await usageEventFor(f, requestIds[1])).toMatchObject({ provider: 'openai', streamed: true, inputTokens: REPORTED_INPUT, outputTokens: 4 });
    });

    it('ChatAnthropic: bindTools returns the tool call with parsed arguments', async () => {
      f.upstream.script({ kind: 'ok', toolCall: { name: 'get_weather', arguments: '{"city":"Rome"}' } });
      const reply = await chatAnthropic('claude-haiku-4-5').bindTools([WEATHER_TOOL]).invoke('Weather in Rome?');
      expect(reply.tool_calls).toEqual([expect.objectContaining({ name: 'get_weather', args: { city: 'Rome' } })]);
      expect(f.upstream.requests[0].body).toMatchObject({ tools: [expect.objectContaining({ name: 'get_weather' })] });
    });

    it('OpenAIEmbeddings: embedQuery and embedDocuments', async () => {
      const embeddings = new OpenAIEmbeddings({ model: 'text-embedding-3-small', apiKey: token, maxRetries: 0, configuration: { baseURL: `${f.baseUrl}/v1` } });
      const one = await embeddings.embedQuery('hello');
      expect(one).toHaveLength(FAKE_EMBEDDING_DIMENSIONS);
      const many = await embeddings.embedDocuments(['a', 'b', 'c']);
      expect(many).toHaveLength(3);
      expect(many[0]).not.toEqual(many[1]);
      expect(f.upstream.requests.map((r) => r.path)).toEqual(['/openai/v1/embeddings', '/openai/v1/embeddings']);
    });
  });
});
