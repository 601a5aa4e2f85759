import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { billableUsage, type BuildRequestInput, type ProviderEndpoint, type WireAdapter } from '../../server/src/gateway/adapters/adapter.js';
import { adapterFor } from '../../server/src/gateway/adapters/index.js';
import { contentLiteral } from '../../server/src/gateway/adapters/openai-chat.js';
import { SseParser, type SseEvent } from '../../server/src/gateway/sse.js';

const fixture = (path: string): string => readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8');
const json = (path: string): unknown => JSON.parse(fixture(path));

function events(path: string): SseEvent[] {
  const parser = new SseParser();
  return [...parser.push(fixture(path)), ...parser.flush()];
}

const openai: ProviderEndpoint = {
  id: 'openai',
  baseUrl: 'https://api.openai.com/v1',
  apiFormat: 'openai',
  authStyle: 'bearer',
  fixedHeaders: {},
  stripParams: [],
  supportsStreamUsage: true,
};

const anthropic: ProviderEndpoint = {
  id: 'anthropic',
  baseUrl: 'https://api.anthropic.com/v1/',
  apiFormat: 'anthropic',
  authStyle: 'x-api-key',
  fixedHeaders: { 'anthropic-version': '2023-06-01' },
  stripParams: [],
  supportsStreamUsage: false,
};

function input(overrides: Partial<BuildRequestInput>): BuildRequestInput {
  return {
    endpoint: openai,
    model: 'gpt-4o-mini',
    credential: 'sk-test-123',
    body: { model: 'openai:gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] },
    stream: false,
    forwardHeaders: {},
    ...overrides,
  };
}

describe('adapterFor', () => {
  it('returns the adapter for each surface with its path and format', () => {
    expect(adapterFor('chat')).toMatchObject({ surface: 'chat', format: 'openai', path: '/chat/completions' });
    expect(adapterFor('responses')).toMatchObject({ surface: 'responses', format: 'openai', path: '/responses' });
    expect(adapterFor('messages')).toMatchObject({ surface: 'messages', format: 'anthropic', path: '/messages' });
  });
});

describe('buildRequest', () => {
  const chat = adapterFor('chat');

  it('appends the path before the base URL query string', () => {
    const built = chat.buildRequest(input({ endpoint: { ...openai, baseUrl: 'https://x.example/openai/v1?api-version=2024-10-21' } }));
    expect(built.url).toBe('https://x.example/openai/v1/chat/completions?api-version=2024-10-21');
    expect(adapterFor('messages').buildRequest(input({ endpoint: anthropic })).url).toBe('https://api.anthropic.com/v1/messages');
    expect(adapterFor('responses').buildRequest(input({})).url).toBe('https://api.openai.com/v1/responses');
  });

  it('rewrites the model, removes `models` and stripped params, and keeps everything else', () => {
    const built = chat.buildRequest(
      input({
        endpoint: { ...openai, stripParams: ['logit_bias'] },
        body: { model: 'openai:gpt-4o-mini', models: ['anthropic:claude'], logit_bias: { 1: 2 }, temperature: 0.2, messages: [] },
      }),
    );
    expect(JSON.parse(built.body)).toEqual({ model: 'gpt-4o-mini', temperature: 0.2, messages: [] });
    expect(built.body.startsWith('{"model":"gpt-4o-mini"')).toBe(true);
    expect(built.injectedStreamUsage).toBe(false);
  });

  it('does not mutate the caller body', () => {
    const body = { model: 'a', models: ['b'], stream: true };
    chat.buildRequest(input({ body, stream: true }));
    expect(body).toEqual({ model: 'a', models: ['b'], stream: true });
  });

  it('sets bearer or x-api-key auth, fixed headers, and forwarded headers', () => {
    expect(chat.buildRequest(input({})).headers).toEqual({
      'content-type': 'application/json',
      authorization: 'Bearer sk-test-123',
    });
    const headers = adapterFor('messages').buildRequest(
      input({
        endpoint: anthropic,
        credential: 'sk-ant-xyz',
        forwardHeaders: {
          'anthropic-version': '2023-01-01',
          'anthropic-beta': 'prompt-caching-2024-07-31',
          authorization: 'Bearer ng-client-token',
          'accept-encoding': 'gzip',
        },
      }),
    ).headers;
    expect(headers).toEqual({
      'anthropic-version': '2023-01-01',
      'anthropic-beta': 'prompt-caching-2024-07-31',
      'content-type': 'application/json',
      'x-api-key': 'sk-ant-xyz',
    });
  });

  it('adds the required anthropic-version when neither catalog nor client set one', () => {
    const headers = adapterFor('messages').buildRequest(input({ endpoint: { ...anthropic, fixedHeaders: {} } })).headers;
    expect(headers['anthropic-version']).toBe('2023-06-01');
  });

  it('sends no credential header for an unauthenticated custom provider', () => {
    const headers = chat.buildRequest(input({ credential: null })).headers;
    expect(headers.authorization).toBeUndefined();
    expect(headers['x-api-key']).toBeUndefined();
  });

  it('asks for stream usage when the client did not, and says so', () => {
    const built = chat.buildRequest(input({ stream: true, body: { model: 'x', stream: true, stream_options: { foo: 1 } } }));
    expect(JSON.parse(built.body).stream_options).toEqual({ foo: 1, include_usage: true });
    expect(built.injectedStreamUsage).toBe(true);
  });

  it('leaves stream_options alone when the client asked for usage or the provider cannot', () => {
    const asked = chat.buildRequest(input({ stream: true, body: { model: 'x', stream: true, stream_options: { include_usage: true } } }));
    expect(asked.injectedStreamUsage).toBe(false);
    const unsupported = chat.buildRequest(input({ stream: true, endpoint: { ...openai, supportsStreamUsage: false } }));
    expect(JSON.parse(unsupported.body).stream_options).toBeUndefined();
    expect(unsupported.injectedStreamUsage).toBe(false);
    expect(JSON.parse(unsupported.body).stream).toBe(true);
  });

  it('never injects stream usage for responses or messages', () => {
    for (const surface of ['responses', 'messages'] as const) {
      const built = adapterFor(surface).buildRequest(input({ stream: true }));
      expect(built.injectedStreamUsage).toBe(false);
      expect(JSON.parse(built.body).stream_options).toBeUndefined();
    }
  });
});

describe('readUsage', () => {
  it('reads each format', () => {
    expect(adapterFor('chat').readUsage(json('chat/completion.json'))).toEqual({ inputTokens: 24, outputTokens: 8 });
    expect(adapterFor('responses').readUsage(json('responses/completion.json'))).toEqual({ inputTokens: 36, outputTokens: 87 });
    // Anthropic input counts exclude cache writes and reads; billing needs all of them, and each
    // part apart (priced at its own rate).
    expect(adapterFor('messages').readUsage(json('messages/completion-tool-use.json'))).toEqual({
      inputTokens: 1404,
      outputTokens: 71,
      cacheReadTokens: 1000,
      cacheWriteTokens: 20,
    });
  });

  it('reads prompt-cache counts in each vendor’s fields: OpenAI and DeepSeek reads, Anthropic writes by lifetime', () => {
    expect(adapterFor('chat').readUsage({ usage: { prompt_tokens: 100, completion_tokens: 5, prompt_tokens_details: { cached_tokens: 64 } } })).toMatchObject({
      inputTokens: 100,
      cacheReadTokens: 64,
    });
    expect(adapterFor('chat').readUsage({ usage: { prompt_tokens: 100, completion_tokens: 5, prompt_cache_hit_tokens: 90, prompt_cache_miss_tokens: 10 } })).toMatchObject({
      inputTokens: 100,
      cacheReadTokens: 90,
    });
    expect(adapterFor('responses').readUsage({ usage: { input_tokens: 100, output_tokens: 5, input_tokens_details: { cached_tokens: 32 } } })).toEqual({
      inputTokens: 100,
      outputTokens: 5,
      cacheReadTokens: 32,
    });
    // OpenRouter adds what a Claude model wrote to its cache.
    expect(adapterFor('chat').readUsage({ usage: { prompt_tokens: 100, completion_tokens: 5, prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 70 } } })).toEqual({
      inputTokens: 100,
      outputTokens: 5,
      cacheWriteTokens: 70,
    });
    const anthropic = { input_tokens: 10, output_tokens: 5, cache_read_input_tokens: 50, cache_creation_input_tokens: 40, cache_creation: { ephemeral_5m_input_tokens: 15, ephemeral_1h_input_tokens: 25 } };
    expect(adapterFor('messages').readUsage({ usage: anthropic })).toEqual({ inputTokens: 100, outputTokens: 5, cacheReadTokens: 50, cacheWriteTokens: 40, cacheWrite1hTokens: 25 });
  });

  it('reads hosted web searches: Anthropic’s server_tool_use, OpenAI’s web_search_call items', () => {
    expect(adapterFor('messages').readUsage({ usage: { input_tokens: 10, output_tokens: 5, server_tool_use: { web_search_requests: 3, web_fetch_requests: 2 } } })).toEqual({
      inputTokens: 10,
      outputTokens: 5,
      webSearchCalls: 3,
    });
    const output = [{ type: 'web_search_call', id: 'ws_1' }, { type: 'web_search_call', id: 'ws_2' }, { type: 'message', content: [] }];
    expect(adapterFor('responses').readUsage({ output, usage: { input_tokens: 10, output_tokens: 5 } })).toEqual({ inputTokens: 10, outputTokens: 5, webSearchCalls: 2 });
    // Streamed: the count arrives with message_delta, after message_start counted the input.
    const observer = adapterFor('messages').observeStream({ hideUsageChunk: false });
    observer.observe({ event: 'message_start', data: JSON.stringify({ type: 'message_start', message: { usage: { input_tokens: 10, output_tokens: 1 } } }) });
    observer.observe({ event: 'message_delta', data: JSON.stringify({ type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 5, server_tool_use: { web_search_requests: 4 } } }) });
    expect(observer.usage()).toEqual({ inputTokens: 10, outputTokens: 5, webSearchCalls: 4 });
  });

  it('a Messages stream keeps message_start\'s 1-hour cache writes when message_delta repeats the counts without their split (regression: billed as 5-minute writes)', () => {
    const observer = adapterFor('messages').observeStream({ hideUsageChunk: false });
    const start = { input_tokens: 10, output_tokens: 1, cache_read_input_tokens: 50, cache_creation_input_tokens: 40, cache_creation: { ephemeral_5m_input_tokens: 15, ephemeral_1h_input_tokens: 25 } };
    observer.observe({ event: 'message_start', data: JSON.stringify({ type: 'message_start', message: { usage: start } }) });
    // Anthropic's MessageDeltaUsage: cumulative input and cache counts, no cache_creation.
    const delta = { input_tokens: 10, output_tokens: 5, cache_read_input_tokens: 50, cache_creation_input_tokens: 40, output_tokens_details: null, server_tool_use: null };
    observer.observe({ event: 'message_delta', data: JSON.stringify({ type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: delta }) });
    expect(observer.usage()).toEqual({ inputTokens: 100, outputTokens: 5, cacheReadTokens: 50, cacheWriteTokens: 40, cacheWrite1hTokens: 25 });
  });

  it('bills cache counts that do not fit within the input as plain input', () => {
    expect(billableUsage({ inputTokens: 100, outputTokens: 5, cacheReadTokens: 60, cacheWriteTokens: 40, cacheWrite1hTokens: 40 })).toEqual({
      inputTokens: 100,
      outputTokens: 5,
      cacheReadTokens: 60,
      cacheWriteTokens: 40,
      cacheWrite1hTokens: 40,
    });
    for (const bad of [{ cacheReadTokens: 101 }, { cacheReadTokens: 60, cacheWriteTokens: 41 }, { cacheWriteTokens: 10, cacheWrite1hTokens: 11 }, { cacheReadTokens: -1 }, { cacheReadTokens: 0.5 }]) {
      expect(billableUsage({ inputTokens: 100, outputTokens: 5, ...bad }), JSON.stringify(bad)).toEqual({ inputTokens: 100, outputTokens: 5 });
    }
    // A web search count that is not a count is not believed either; the rest stands.
    expect(billableUsage({ inputTokens: 100, outputTokens: 5, cacheReadTokens: 10, webSearchCalls: -3 })).toEqual({ inputTokens: 100, outputTokens: 5, cacheReadTokens: 10 });
    expect(billableUsage({ inputTokens: 100, outputTokens: 5, cacheReadTokens: 500, webSearchCalls: 3 })).toEqual({ inputTokens: 100, outputTokens: 5, webSearchCalls: 3 });
  });

  it('returns undefined without usage', () => {
    expect(adapterFor('chat').readUsage({ id: 'x' })).toBeUndefined();
    expect(adapterFor('messages').readUsage(null)).toBeUndefined();
    expect(adapterFor('responses').readUsage({ usage: null })).toBeUndefined();
  });
});

function observeAll(adapter: WireAdapter, path: string, hideUsageChunk = false) {
  const observer = adapter.observeStream({ hideUsageChunk });
  const observations = events(path).map((e) => observer.observe(e));
  return { observer, observations };
}

describe('isErrorBody and readOutputText', () => {
  const answers = {
    chat: { choices: [{ message: { content: 'Hel' } }, { message: { content: 'lo' } }] },
    responses: { output_text: 'Hel', output: [{ content: [{ type: 'output_text', text: 'lo' }] }] },
    messages: { content: [{ type: 'text', text: 'Hel' }, { type: 'tool_use' }, { type: 'text', text: 'lo' }] },
  } as const;

  it.each(['chat', 'responses', 'messages'] as const)('%s: an answer is not an error; its text is read', (surface) => {
    const adapter = adapterFor(surface);
    expect(adapter.isErrorBody(answers[surface])).toBe(false);
    expect(adapter.readOutputText(answers[surface])).toBe('Hello');
    expect(adapter.readOutputText({ nothing: true })).toBe('');
  });

  it.each(['chat', 'responses', 'messages'] as const)('%s: a 200 error body of either shape is an error', (surface) => {
    const adapter = adapterFor(surface);
    expect(adapter.isErrorBody({ error: { message: 'overloaded' } })).toBe(true);
    expect(adapter.isErrorBody({ type: 'error', error: { type: 'overloaded_error' } })).toBe(true);
    expect(adapter.isErrorBody({ ...answers[surface], error: { message: 'partial' } })).toBe(false);
    expect(adapter.isErrorBody({ error: null })).toBe(false);
  });
});

describe('observeStream (chat)', () => {
  const chat = adapterFor('chat');

  it('reports content, usage, and [DONE]', () => {
    const { observer, observations } = observeAll(chat, 'chat/stream-usage.sse');
    expect(observations.map((o) => o.meaningful)).toEqual([true, true, true, true, true, true, true]);
    expect(observations.map((o) => o.done)).toEqual([false, false, false, false, false, false, true]);
    expect(observations.some((o) => o.drop)).toBe(false);
    expect(observer.usage()).toEqual({ inputTokens: 19, outputTokens: 8 });
    expect(observer.outputText()).toBe('Hello! How can I help?');
  });

  it('drops the usage-only chunk the gateway injected', () => {
    const { observer, observations } = observeAll(chat, 'chat/stream-usage.sse', true);
    expect(observations.map((o) => o.drop)).toEqual([false, false, false, false, false, true, false]);
    expect(observations[5].meaningful).toBe(false);
    expect(observer.usage()).toEqual({ inputTokens: 19, outputTokens: 8 });
  });

  it('collects tool call arguments as generated text', () => {
    const { observer } = observeAll(chat, 'chat/stream-tool-calls.sse');
    expect(observer.outputText()).toBe('get_weather{"location":"Paris"}get_time{"tz":"CET"}');
    expect(observer.usage()).toEqual({ inputTokens: 84, outputTokens: 41, cacheReadTokens: 64 });
  });

  it('turns an in-band error frame into a classified failure', () => {
    const { observations } = observeAll(chat, 'chat/stream-error-frame.sse');
    expect(observations[0].error).toMatchObject({ failureClass: 'transient', vendorCode: 'server_error' });
    expect(observations[0].error?.message).toContain('The server had an error');
  });

  it('uses an OpenRouter-style numeric error code as the status', () => {
    const observer = chat.observeStream({ hideUsageChunk: false });
    const obs = observer.observe({ data: '{"id":"gen-1","error":{"code":429,"message":"Provider returned error"},"choices":[]}' });
    expect(obs.error).toMatchObject({ failureClass: 'rate_limit', status: 429 });
  });

  it('reads usage, finish reasons and errors also from frames written with JSON whitespace', () => {
    const observer = chat.observeStream({ hideUsageChunk: false });
    observer.observe({ data: '{"choices": [ {"index": 0, "delta": {"content": "Hi"}, "finish_reason": null}]}' });
    // Usage on a content chunk (continuous usage stats, as vLLM sends them).
    observer.observe({ data: '{"choices": [{"index": 0, "delta": {"content": "!"}, "finish_reason": null}], "usage": {"prompt_tokens": 3, "completion_tokens": 2}}' });
    expect(observer.usage()).toEqual({ inputTokens: 3, outputTokens: 2 });
    observer.observe({ data: '{"choices": [{"index": 0, "delta": {}, "finish_reason": "length"}]}' });
    expect(observer.finishReasons()).toEqual(['length']);
    expect(observer.outputText()).toBe('Hi!');
    const failing = chat.observeStream({ hideUsageChunk: false });
    expect(failing.observe({ data: '{"choices": [{"delta": {}}], "error": {"message": "boom", "type": "server_error"}}' }).error).toMatchObject({ failureClass: 'transient' });
  });

  it('reads the finish reason of one choice while another is still generating', () => {
    const observer = chat.observeStream({ hideUsageChunk: false });
    observer.observe({ data: '{"choices":[{"index":0,"delta":{"content":"a"},"finish_reason":null},{"index":1,"delta":{},"finish_reason":"stop"}]}' });
    expect(observer.finishReasons()).toEqual(['stop']);
  });

  it('counts nothing before the first choice as meaningful, and no text from choice-less frames after it', () => {
    const observer = chat.observeStream({ hideUsageChunk: false });
    expect(observer.observe({ data: '{"id":"","choices":[],"prompt_filter_results":[]}' }).meaningful).toBe(false);
    expect(observer.observe({ data: '{"id":"c","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}' }).meaningful).toBe(true);
    // Once an answer has begun only errors, usage and finish reasons matter (Azure ends with content-filter frames).
    expect(observer.observe({ data: '{"id":"c","choices":[],"content_filter_results":{}}' }).error).toBeUndefined();
    observer.observe({ data: '{"id":"c","choices":[{"index":0,"delta":{"content":"!"},"finish_reason":"stop"}]}' });
    expect(observer.outputText()).toBe('Hi!');
    expect(observer.finishReasons()).toEqual(['stop']);
    expect(observer.usage()).toBeUndefined();
  });

  it('keeps the text of OpenAI content deltas for the estimate, escapes and all, in stream order', () => {
    const observer = chat.observeStream({ hideUsageChunk: false });
    const delta = (deltaJson: string, before = ''): string =>
      `{"id":"c",${before}"choices":[{"index":0,"delta":${deltaJson},"logprobs":null,"finish_reason":null}],"usage":null}`;
    const content = (text: string, before = ''): string => delta(`{"content":${JSON.stringify(text)}}`, before);
    for (const data of [
      content('He'),
      content('llo "q" \\ é\n'),
      content('a token longer than thirteen characters'),
      content('"delta":{"content":}]'),
      // The same key earlier in the frame: the literal is the one inside the choice.
      content('!', '"x":{"delta":{"content":"not this"}},'),
      // Not the one-choice, content-only shape: kept whole and parsed at the end.
      delta('{"content":" and","role":"assistant"}'),
      `{"id":"c","choices":[{"index":0,"delta":{"content":" two"},"logprobs":null,"finish_reason":null},{"index":1,"delta":{"content":" choices"},"logprobs":null,"finish_reason":null}]}`,
      delta('{"reasoning_content":" thought"}'),
    ]) {
      expect(observer.observe({ data })).toMatchObject({ meaningful: true, drop: false, done: false });
    }
    expect(observer.outputText()).toBe('Hello "q" \\ é\na token longer than thirteen characters"delta":{"content":}]! and two choices thought');
  });

  it('finds the content literal of one content delta after another (the regex keeps no position between frames)', () => {
    const frame = (id: string, text: string): string =>
      `{"id":"${id}","choices":[{"index":0,"delta":{"content":${JSON.stringify(text)}},"logprobs":null,"finish_reason":null}]}`;
    expect(contentLiteral(frame('a-much-longer-id-than-the-next', 'one'))).toBe('"one"');
    expect(contentLiteral(frame('b', 'two'))).toBe('"two"');
    expect(contentLiteral('{"choices":[{"index":0,"delta":{"content":"x"},"finish_reason":null}]}')).toBeUndefined();
    expect(contentLiteral(frame('c', 'three'))).toBe('"three"');
  });

  it('does not count a choices-less, usage-less chunk as output', () => {
    const observer = chat.observeStream({ hideUsageChunk: false });
    expect(observer.observe({ data: '{"id":"","choices":[],"prompt_filter_results":[]}' })).toMatchObject({ meaningful: false, drop: false });
    expect(observer.usage()).toBeUndefined();
  });
});

describe('observeStream (responses)', () => {
  const responses = adapterFor('responses');

  it('reads usage from response.completed and marks it done', () => {
    const { observer, observations } = observeAll(responses, 'responses/stream.sse');
    expect(observations.at(-1)).toMatchObject({ done: true, meaningful: true });
    expect(observations.filter((o) => o.done)).toHaveLength(1);
    expect(observer.usage()).toEqual({ inputTokens: 11, outputTokens: 4 });
    expect(observer.outputText()).toBe('Hi there!');
  });

  it('reports response.failed and error events as errors', () => {
    const { observations } = observeAll(responses, 'responses/stream-failed.sse');
    expect(observations[1]).toMatchObject({ done: true, error: { failureClass: 'transient', vendorCode: 'server_error' } });
    const observer = responses.observeStream({ hideUsageChunk: false });
    const obs = observer.observe({ event: 'error', data: '{"type":"error","code":"rate_limit_exceeded","message":"Slow down","param":null}' });
    expect(obs.error).toMatchObject({ failureClass: 'rate_limit', message: 'Slow down' });
  });
});

describe('observeStream (messages)', () => {
  const messages = adapterFor('messages');

  it('tracks usage across message_start and message_delta, text and tool input', () => {
    const { observer, observations } = observeAll(messages, 'messages/stream-tool-use.sse');
    // message_start, ping and content_block_start hold the commit until the first content.
    const firstMeaningful = observations.findIndex((o) => o.meaningful);
    expect(observations.slice(0, firstMeaningful).every((o) => !o.meaningful && !o.drop)).toBe(true);
    expect(firstMeaningful).toBeGreaterThanOrEqual(3);
    expect(observations[1].meaningful).toBe(false); // ping
    expect(observations.at(-1)?.done).toBe(true);
    expect(observer.usage()).toEqual({ inputTokens: 572, outputTokens: 89, cacheReadTokens: 100 });
    expect(observer.outputText()).toBe(
      'Okay, let\'s check the weather for San Francisco, CA:{"location": "San Francisco, CA", "unit": "fahrenheit"}',
    );
  });

  it('classifies an overloaded error event as transient', () => {
    const { observations } = observeAll(messages, 'messages/stream-overloaded.sse');
    expect(observations[0].error).toBeUndefined();
    expect(observations[1].error).toEqual({ failureClass: 'transient', vendorCode: 'overloaded_error', message: 'Overloaded' });
  });
});

describe('parseError', () => {
  const chat = adapterFor('chat');
  const messages = adapterFor('messages');

  it('reads OpenAI error bodies', () => {
    expect(chat.parseError(429, { 'retry-after': '20' }, fixture('chat/error-rate-limit.json'))).toMatchObject({
      failureClass: 'rate_limit',
      status: 429,
      vendorCode: 'rate_limit_exceeded',
      retryAfterSeconds: 20,
    });
    expect(chat.parseError(429, {}, fixture('chat/error-insufficient-quota.json'))).toMatchObject({
      failureClass: 'quota',
      vendorCode: 'insufficient_quota',
    });
    expect(chat.parseError(404, {}, fixture('chat/error-model-not-found.json'))).toMatchObject({
      failureClass: 'model_access',
      message: 'The model `gpt-5-turbo-ultra` does not exist or you do not have access to it.',
    });
    expect(chat.parseError(400, {}, fixture('chat/error-context-length.json')).failureClass).toBe('caller_fault');
  });

  it('reads Anthropic error bodies', () => {
    expect(messages.parseError(529, {}, fixture('messages/error-overloaded.json'))).toEqual({
      failureClass: 'transient',
      status: 529,
      vendorCode: 'overloaded_error',
      message: 'Overloaded',
    });
    expect(messages.parseError(404, {}, fixture('messages/error-model-not-found.json')).failureClass).toBe('model_access');
    expect(messages.parseError(400, {}, fixture('messages/error-credit-balance.json')).failureClass).toBe('quota');
    expect(messages.parseError(429, {}, fixture('messages/error-rate-limit.json')).failureClass).toBe('rate_limit');
  });

  it('truncates long messages', () => {
    const long = JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message: 'x'.repeat(5000) } });
    const failure = messages.parseError(400, {}, long);
    expect(failure.message.length).toBe(500);
    expect(failure.message.endsWith('…')).toBe(true);
  });

  it('classifies empty, HTML and plain-text bodies by status', () => {
    expect(chat.parseError(502, {}, '')).toEqual({ failureClass: 'transient', status: 502, message: 'Bad Gateway' });
    expect(chat.parseError(503, {}, '<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>')).toMatchObject({
      failureClass: 'transient',
      message: 'Service Unavailable',
    });
    expect(chat.parseError(400, {}, 'bad request: missing messages')).toMatchObject({
      failureClass: 'caller_fault',
      message: 'bad request: missing messages',
    });
    expect(chat.parseError(500, {}, '{"error": "truncated')).toMatchObject({ failureClass: 'transient', message: '{"error": "truncated' });
  });

  it('redacts keys a vendor echoes back', () => {
    const failure = chat.parseError(401, {}, '{"error":{"message":"Invalid key sk-abcdefghijklmnop1234 for org"}}');
    expect(failure.failureClass).toBe('credential');
    expect(failure.message).toBe('Invalid key sk-[redacted] for org');
    expect(chat.parseError(401, {}, fixture('chat/error-invalid-api-key.json')).message).toContain('sk-proj-****');
  });

  it('reads Google-style and bare-message bodies', () => {
    expect(
      chat.parseError(429, {}, '[{"error":{"code":429,"message":"Resource has been exhausted (e.g. check quota).","status":"RESOURCE_EXHAUSTED"}}]'),
    ).toMatchObject({ vendorCode: 'RESOURCE_EXHAUSTED', message: 'Resource has been exhausted (e.g. check quota).' });
    expect(chat.parseError(400, {}, '{"message":"bad model param","code":"invalid_model"}')).toMatchObject({
      vendorCode: 'invalid_model',
      message: 'bad model param',
    });
  });
});
