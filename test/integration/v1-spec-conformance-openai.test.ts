import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAccessKey, createProviderKey, startGatewayFixture, type GatewayFixture } from '../support/gateway-fixture.js';
import { openAISpecSource, specViolations, type OpenAISchemaName } from '../support/openai-spec.js';
import { fundAccount, parseSseText, postV1, type RawFrame, type V1Response } from '../support/v1-client.js';

/**
 * The gateway's OpenAI-format answers, read over HTTP as outside testers read them, checked
 * against OpenAI's published OpenAPI spec (test/fixtures/spec/openai-schemas.json; refresh it with
 * scripts/extract-openai-schemas.ts). Each answer is produced by an OpenAI-format upstream (passed
 * through) and by an Anthropic-format one (translated, where drift happens); /v1/responses also by
 * a chat-completions-only upstream (DeepSeek, translated from chat).
 *
 * Extra fields the gateway adds are allowed wherever the spec allows them (it says
 * `additionalProperties: false` almost nowhere on answers); the schemas are never loosened. Where
 * OpenAI's own answers differ from its spec, the gateway answers as OpenAI does, and the test
 * says so where it happens (marked EXCEPTION):
 * - `usage: null` on a Response that has not finished or has failed (stream snapshots);
 * - embeddings as base64 strings with `encoding_format: "base64"`.
 */

const WEATHER_PARAMETERS = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false };
const CHAT_TOOL = { type: 'function', function: { name: 'get_weather', description: 'Weather for a city', parameters: WEATHER_PARAMETERS } };
const RESPONSES_TOOL = { type: 'function', name: 'get_weather', description: 'Weather for a city', parameters: WEATHER_PARAMETERS, strict: true };
const TOOL_CALL = { name: 'get_weather', arguments: '{"city":"Paris"}' };

/** Models served by each kind of upstream (the simulated one speaks every format). */
const CHAT_UPSTREAMS = [
  ['OpenAI-format upstream (passed through)', 'gpt-4o-mini'],
  ['Anthropic-format upstream (translated)', 'claude-haiku-4-5'],
] as const;
const RESPONSES_UPSTREAMS = [
  ...CHAT_UPSTREAMS,
  ['chat-completions-only upstream (translated from chat)', 'deepseek-chat'],
] as const;

function expectConforms(schema: OpenAISchemaName, value: unknown, what: string): void {
  expect(specViolations(schema, value), `${what} against ${schema}: ${JSON.stringify(value)}`).toEqual([]);
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * EXCEPTION (spec vs OpenAI's own behaviour): the spec types `Response.usage` as a ResponseUsage
 * object, not nullable, yet OpenAI sends `"usage": null` on a response that has not finished
 * (`response.created`, `response.in_progress`) or has failed (`response.failed`), and the spec's
 * own examples of those events show exactly that. The gateway sends what OpenAI sends, so on
 * such a snapshot a null `usage` is taken as absent (the property is optional); anything else in
 * it, and `usage` on a finished response, is still checked.
 */
function unfinishedUsageAsAbsent(event: unknown): unknown {
  if (!isRecord(event) || !isRecord(event.response)) return event;
  const { usage, ...rest } = event.response;
  const unfinished = ['in_progress', 'queued', 'failed'].includes(String(rest.status));
  return unfinished && usage === null ? { ...event, response: rest } : event;
}

function expectEventConforms(event: unknown, what: string): void {
  expectConforms('ResponseStreamEvent', unfinishedUsageAsAbsent(event), what);
}

function expectJsonAnswer(res: V1Response, schema: OpenAISchemaName, what: string): void {
  expect(res.status, res.text).toBe(200);
  expectConforms(schema, res.json, what);
}

/** Every `data:` payload of a chat stream, checked to end with `[DONE]`. */
function chatChunks(res: V1Response): unknown[] {
  expect(res.status, res.text).toBe(200);
  const frames = parseSseText(res.text);
  expect(frames.at(-1)?.data).toBe('[DONE]');
  return frames.filter((f) => f.data !== '[DONE]').map((f) => JSON.parse(f.data) as unknown);
}

/** Every event of a Responses stream; the SSE `event:` name is the payload's `type`, as OpenAI sends it. */
function responseEvents(res: V1Response): { type: string }[] {
  expect(res.status, res.text).toBe(200);
  return parseSseText(res.text).map((f: RawFrame) => {
    const payload = JSON.parse(f.data) as { type: string };
    expect(f.event, f.data).toBe(payload.type);
    return payload;
  });
}

describe(`OpenAI-format /v1 answers conform to OpenAI's OpenAPI spec (${openAISpecSource()})`, () => {
  let f: GatewayFixture;
  let token: string;
  const post = (path: string, body: unknown) => postV1(f, path, body, { token });

  beforeAll(async () => {
    // Failover is exercised below with keys failing on purpose; the breaker has its own tests.
    f = await startGatewayFixture({ CIRCUIT_BREAKER_FAILURES: '0' });
    await fundAccount(f.baseUrl, f.account.token);
    await createProviderKey(f, 'openai', 'sk-openai-1', 0);
    await createProviderKey(f, 'openai', 'sk-openai-2', 1);
    await createProviderKey(f, 'anthropic', 'sk-ant-1');
    await createProviderKey(f, 'deepseek', 'sk-deepseek-1');
    token = (await createAccessKey(f)).token;
  });
  afterAll(async () => f?.stop());
  beforeEach(() => f.upstream.reset());

  it('the validator itself: rejects what the spec rejects, accepts its OpenAPI `nullable`s', () => {
    const chunk = { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: {}, finish_reason: null }], usage: null };
    expect(specViolations('CreateChatCompletionStreamResponse', chunk)).toEqual([]); // `nullable: true` rewritten by the extract script
    expect(specViolations('CreateChatCompletionStreamResponse', { ...chunk, choices: [{ index: 0, delta: {}, finish_reason: 'end_turn' }] })).not.toEqual([]);
    expect(specViolations('CreateChatCompletionResponse', { object: 'chat.completion' })).not.toEqual([]);
    expect(specViolations('ErrorResponse', { error: { message: 'm', type: 't', code: null } })).toEqual([expect.stringContaining("'param'")]);
    expect(specViolations('ResponseStreamEvent', { type: 'response.output_text.delta', sequence_number: 1 })).toEqual(
      expect.arrayContaining([expect.stringContaining("'delta'")]),
    );
  });

  describe.each(CHAT_UPSTREAMS)('POST /v1/chat/completions, %s', (_label, model) => {
    const messages = [{ role: 'user', content: 'Weather in Paris?' }];

    it('a text answer is a CreateChatCompletionResponse', async () => {
      expectJsonAnswer(await post('/v1/chat/completions', { model, messages }), 'CreateChatCompletionResponse', 'text answer');
    });

    it('a tool-calling answer is a CreateChatCompletionResponse', async () => {
      f.upstream.script({ kind: 'ok', toolCall: TOOL_CALL });
      const res = await post('/v1/chat/completions', { model, messages, tools: [CHAT_TOOL] });
      expectJsonAnswer(res, 'CreateChatCompletionResponse', 'tool call');
      expect(res.json).toMatchObject({ choices: [{ finish_reason: 'tool_calls', message: { tool_calls: [{ type: 'function', function: TOOL_CALL }] } }] });
    });

    it('an answer with reasoning is a CreateChatCompletionResponse', async () => {
      f.upstream.script({ kind: 'ok', reasoning: 'Thinking about Paris.' });
      expectJsonAnswer(await post('/v1/chat/completions', { model, messages, reasoning_effort: 'low' }), 'CreateChatCompletionResponse', 'reasoning');
    });

    it.each([
      ['text, without usage', {}, {}],
      ['text, usage in stream (stream_options.include_usage)', { stream_options: { include_usage: true } }, {}],
      ['tool call, usage in stream', { stream_options: { include_usage: true }, tools: [CHAT_TOOL] }, { toolCall: TOOL_CALL }],
      ['reasoning then text, usage in stream', { stream_options: { include_usage: true }, reasoning_effort: 'low' }, { reasoning: 'Thinking about Paris.' }],
    ])('streamed (%s): every chunk is a CreateChatCompletionStreamResponse', async (what, extra, step) => {
      f.upstream.script({ kind: 'ok', ...step });
      const chunks = chatChunks(await post('/v1/chat/completions', { model, messages, stream: true, ...extra }));
      expect(chunks.length).toBeGreaterThan(1);
      chunks.forEach((chunk, i) => expectConforms('CreateChatCompletionStreamResponse', chunk, `${what}: chunk ${i}`));
      if ('stream_options' in extra) expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { total_tokens: expect.any(Number) } });
    });
  });

  describe.each(RESPONSES_UPSTREAMS)('POST /v1/responses, %s', (_label, model) => {
    it('a text answer is a Response', async () => {
      const res = await post('/v1/responses', { model, input: 'Say hello', instructions: 'Be brief.' });
      expectJsonAnswer(res, 'Response', 'text answer');
      expect(res.json).toMatchObject({ object: 'response', status: 'completed' });
    });

    it('a function call is a Response', async () => {
      f.upstream.script({ kind: 'ok', toolCall: TOOL_CALL });
      const res = await post('/v1/responses', { model, input: 'Weather in Paris?', tools: [RESPONSES_TOOL] });
      expectJsonAnswer(res, 'Response', 'function call');
      expect(res.json).toMatchObject({ output: [{ type: 'function_call', ...TOOL_CALL }] });
    });

    it.each([
      ['text', {}, {}],
      ['function call', { tools: [RESPONSES_TOOL] }, { toolCall: TOOL_CALL }],
      ['reasoning, text and function call', { tools: [RESPONSES_TOOL], reasoning: { effort: 'low' } }, { reasoning: 'Thinking about Paris.', text: 'Let me look.', toolCall: TOOL_CALL }],
    ])('streamed (%s): every event is a ResponseStreamEvent', async (what, extra, step) => {
      f.upstream.script({ kind: 'ok', ...step });
      const events = responseEvents(await post('/v1/responses', { model, input: 'Weather in Paris?', stream: true, ...extra }));
      expect(events[0].type).toBe('response.created');
      expect(events.at(-1)?.type).toBe('response.completed');
      events.forEach((event, i) => expectEventConforms(event, `${what}: event ${i} (${event.type})`));
    });
  });

  // Codex's shape of request: a custom (freeform) tool beside a function, reasoning with its
  // encrypted content asked back. Translated upstreams only: the gateway writes these items itself.
  describe.each(RESPONSES_UPSTREAMS.slice(1))('POST /v1/responses as Codex sends it, %s', (_label, model) => {
    const body = {
      model,
      input: 'List the files',
      tools: [{ type: 'custom', name: 'exec', description: 'Run a shell command' }, RESPONSES_TOOL],
      reasoning: { effort: 'low' },
      include: ['reasoning.encrypted_content'],
      store: false,
    };
    const step = { kind: 'ok', reasoning: 'I should list them.', toolCall: { name: 'exec', arguments: '{"input":"ls -la"}' } } as const;

    it('a custom tool call after reasoning is a Response', async () => {
      f.upstream.script(step);
      const res = await post('/v1/responses', body);
      expectJsonAnswer(res, 'Response', 'custom tool call');
      expect(res.json).toMatchObject({ output: expect.arrayContaining([expect.objectContaining({ type: 'custom_tool_call', name: 'exec', input: 'ls -la' })]) });
    });

    it('streamed: every event is a ResponseStreamEvent', async () => {
      f.upstream.script(step);
      const events = responseEvents(await post('/v1/responses', { ...body, stream: true }));
      expect(events.map((e) => e.type)).toContain('response.custom_tool_call_input.done');
      events.forEach((event, i) => expectEventConforms(event, `custom tool: event ${i} (${event.type})`));
    });
  });

  describe('POST /v1/embeddings', () => {
    const body = { model: 'text-embedding-3-small', input: ['first text', 'second text'] };

    it('a CreateEmbeddingResponse', async () => {
      expectJsonAnswer(await post('/v1/embeddings', { ...body, encoding_format: 'float' }), 'CreateEmbeddingResponse', 'float embeddings');
    });

    /**
     * EXCEPTION (spec vs OpenAI's own behaviour): the spec types `Embedding.embedding` as an array
     * of numbers only, but with `encoding_format: "base64"` OpenAI answers each embedding as a
     * base64 string of little-endian float32s (the request's own docs say so, and the official
     * SDKs decode it). The gateway passes that through untouched (README, Embeddings), so here the
     * string is checked to be such base64 and the rest of the answer against the schema.
     */
    it('encoding_format base64: a CreateEmbeddingResponse but for the base64 embedding strings', async () => {
      const res = await post('/v1/embeddings', { ...body, encoding_format: 'base64' });
      expect(res.status, res.text).toBe(200);
      const answer = res.json as { data: { embedding: unknown }[] };
      for (const item of answer.data) {
        expect(item.embedding).toEqual(expect.stringMatching(/^[A-Za-z0-9+/]+={0,2}$/));
        expect(Buffer.from(item.embedding as string, 'base64').length % 4).toBe(0);
      }
      const asFloats = { ...answer, data: answer.data.map((item) => ({ ...item, embedding: [] })) };
      expectConforms('CreateEmbeddingResponse', asFloats, 'base64 embeddings, strings set aside');
    });
  });

  describe('GET /v1/models', () => {
    const get = (path: string) => fetch(`${f.baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });

    it('the list is a ListModelsResponse', async () => {
      const res = await get('/v1/models');
      expect(res.status).toBe(200);
      const body = (await res.json()) as { data: unknown[] };
      expect(body.data.length).toBeGreaterThan(0);
      expectConforms('ListModelsResponse', body, 'model list');
    });

    it.each(['gpt-4o-mini', 'claude-haiku-4-5', 'openai:gpt-4o-mini', 'text-embedding-3-small'])('GET /v1/models/%s is a Model', async (id) => {
      const res = await get(`/v1/models/${encodeURIComponent(id)}`);
      expect(res.status).toBe(200);
      expectConforms('Model', await res.json(), `model ${id}`);
    });
  });

  describe('error bodies are ErrorResponses', () => {
    const expectError = (res: V1Response, status: number, code: string, what: string) => {
      expect(res.status, res.text).toBe(status);
      expect(res.headers.get('x-gateway-error-code')).toBe(code);
      expectConforms('ErrorResponse', res.json, what);
    };
    const routes = [
      ['/v1/chat/completions', { messages: [{ role: 'user', content: 'hi' }] }],
      ['/v1/responses', { input: 'hi' }],
      ['/v1/embeddings', { input: 'hi' }],
    ] as const;

    it.each(routes)('%s: a bad access key (401), an unknown model (404), an invalid body (400)', async (route, body) => {
      const model = route === '/v1/embeddings' ? 'text-embedding-3-small' : 'gpt-4o-mini';
      expectError(await postV1(f, route, { model, ...body }, { token: 'ng-not-a-real-key' }), 401, 'invalid_api_key', 'bad key');
      expectError(await post(route, { model: 'gpt-4o-mnii', ...body }), 404, 'model_unknown', 'unknown model');
      expectError(await post(route, { model: 5, ...body }), 400, 'invalid_request', 'model not a string');
      expectError(await postV1(f, route, undefined, { token, raw: '{not json' }), 400, 'invalid_request', 'body not JSON');
    });

    it('GET /v1/models/{unknown id} (404)', async () => {
      const res = await fetch(`${f.baseUrl}/v1/models/gpt-4o-mnii`, { headers: { authorization: `Bearer ${token}` } });
      expectError({ status: res.status, headers: res.headers, text: '', json: await res.json() }, 404, 'model_unknown', 'unknown model id');
    });

    it.each(routes)('%s: every upstream attempt failing (429, then 503 after failover) gives a 502', async (route, body) => {
      f.upstream.script({ kind: 'status', status: 429 }, { kind: 'status', status: 503 });
      const model = route === '/v1/embeddings' ? 'text-embedding-3-small' : 'gpt-4o-mini';
      const res = await post(route, { model, ...body });
      expectError(res, 502, 'upstream_failed', 'all attempts failed');
      expect(res.headers.get('x-gateway-attempts')).toBe('2');
    });

    it.each(CHAT_UPSTREAMS)('an %s answering 400 (returned as is, not failed over): an ErrorResponse', async (_label, model) => {
      f.upstream.script({ kind: 'status', status: 400 });
      const res = await post('/v1/chat/completions', { model, messages: [{ role: 'user', content: 'hi' }] });
      expect(res.status, res.text).toBe(400);
      expectConforms('ErrorResponse', res.json, 'upstream 400');
    });

    it('an embedding model on chat (model_not_supported 400)', async () => {
      expectError(await post('/v1/chat/completions', { model: 'text-embedding-3-small', messages: [{ role: 'user', content: 'hi' }] }), 400, 'model_not_supported', 'model_not_supported');
    });

    // Five frames: past every upstream's preamble (Anthropic's message_start, block start and
    // ping are not yet an answer, so the gateway would still fail over), before the end.
    const BREAKS = [
      ['the connection drops', { kind: 'disconnectMidStream', afterChunks: 5 }],
      ['the upstream sends an error frame', { kind: 'errorFrame', afterChunks: 5 }],
    ] as const;
    const brokenStreams = CHAT_UPSTREAMS.flatMap(([label, model]) => BREAKS.map(([how, step]) => [label, model, how, step] as const));

    it.each(brokenStreams)('a chat stream from an %s (%s) broken after its first byte: %s, ends with an ErrorResponse frame', async (_label, model, _how, step) => {
      f.upstream.script(step);
      const res = await post('/v1/chat/completions', { model, messages: [{ role: 'user', content: 'hi' }], stream: true });
      expect(res.status).toBe(200);
      const frames = parseSseText(res.text);
      expect(frames.some((fr) => fr.data === '[DONE]')).toBe(false);
      const payloads = frames.map((fr) => JSON.parse(fr.data) as unknown);
      payloads.slice(0, -1).forEach((chunk, i) => expectConforms('CreateChatCompletionStreamResponse', chunk, `chunk ${i}`));
      expectConforms('ErrorResponse', payloads.at(-1), 'in-stream error');
    });

    const brokenResponses = RESPONSES_UPSTREAMS.flatMap(([label, model]) => BREAKS.map(([how, step]) => [label, model, how, step] as const));

    it.each(brokenResponses)('a Responses stream from an %s (%s) broken after its first byte: %s, ends with response.failed', async (_label, model, _how, step) => {
      f.upstream.script(step);
      const events = responseEvents(await post('/v1/responses', { model, input: 'hi', stream: true }));
      events.forEach((event, i) => expectEventConforms(event, `broken stream: event ${i} (${event.type})`));
      // A passed-through stream ends with the upstream's own `error` event when it sent one.
      const last = model === 'gpt-4o-mini' && step.kind === 'errorFrame' ? 'error' : 'response.failed';
      expect(events.at(-1)?.type).toBe(last);
    });
  });
});
