import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';

interface Frame {
  event?: string;
  data: string;
}

/** Minimal SSE split, enough to check the fake's framing (the real parser lives in gateway/sse.ts). */
function parseSse(text: string): Frame[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const frame: Frame = { data: '' };
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) frame.event = line.slice(7);
        if (line.startsWith('data: ')) frame.data += line.slice(6);
      }
      return frame;
    });
}

let fake: FakeUpstream;

beforeAll(async () => {
  fake = await startFakeUpstream();
});

beforeEach(() => fake.reset());

afterAll(async () => {
  await fake.close();
});

// Bodies are asserted field by field; a loose type keeps the assertions readable.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const readJson = (res: Response) => res.json() as Promise<any>;

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${fake.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test-1', ...headers },
    body: JSON.stringify(body),
  });
}

const chatBody = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello to the test suite' }] };
const messagesBody = { model: 'claude-sonnet-4', max_tokens: 100, messages: [{ role: 'user', content: 'Say hello to the test suite' }] };
const responsesBody = { model: 'gpt-4.1', input: 'Say hello to the test suite' };

describe('startFakeUpstream', () => {
  it('listens on 127.0.0.1 with a /v1 base URL', () => {
    expect(fake.url).toBe(`http://127.0.0.1:${fake.port}/v1`);
  });

  it('records path, query, lower-case headers, parsed body and credential', async () => {
    await fetch(`${fake.url}/chat/completions?api-version=2`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Api-Key': 'sk-ant-1' },
      body: JSON.stringify(chatBody),
    });
    expect(fake.requests).toHaveLength(1);
    const [recorded] = fake.requests;
    expect(recorded).toMatchObject({ method: 'POST', path: '/v1/chat/completions', query: '?api-version=2', format: 'chat', credential: 'sk-ant-1' });
    expect(recorded.headers['x-api-key']).toBe('sk-ant-1');
    expect(recorded.body).toEqual(chatBody);
    expect(recorded.receivedAt).toBeGreaterThan(0);
  });

  describe('OpenAI chat completions', () => {
    it('answers non-streaming with text and deterministic usage', async () => {
      const res = await post('/chat/completions', chatBody);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-request-id')).toMatch(/^req_fake/);
      const body = await readJson(res);
      expect(body).toMatchObject({
        object: 'chat.completion',
        model: 'gpt-4o-mini',
        choices: [{ index: 0, message: { role: 'assistant', content: 'Hello from fake gpt-4o-mini' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 7, completion_tokens: 4, total_tokens: 11 },
      });
      expect(body.id).toMatch(/^chatcmpl-/);
      expect(fake.requests[0].credential).toBe('sk-test-1');
    });

    it('streams chunks, then a usage chunk with empty choices, then [DONE] when include_usage is set', async () => {
      const res = await post('/chat/completions', { ...chatBody, stream: true, stream_options: { include_usage: true } });
      expect(res.headers.get('content-type')).toContain('text/event-stream');
      const frames = parseSse(await res.text());
      expect(frames.at(-1)?.data).toBe('[DONE]');
      const chunks = frames.slice(0, -1).map((f) => JSON.parse(f.data));
      const text = chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('');
      expect(text).toBe('Hello from fake gpt-4o-mini');
      expect(chunks.at(-2).choices[0].finish_reason).toBe('stop');
      expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 7, completion_tokens: 4 } });
    });

    it('streams without a usage chunk when include_usage is absent', async () => {
      const frames = parseSse(await (await post('/chat/completions', { ...chatBody, stream: true })).text());
      expect(frames.some((f) => f.data.includes('"usage"'))).toBe(false);
    });

    it('returns tool calls', async () => {
      fake.script({ kind: 'ok', toolCall: { name: 'get_weather', arguments: '{"city":"Paris"}' } });
      const body = await readJson(await post('/chat/completions', chatBody));
      expect(body.choices[0]).toMatchObject({
        finish_reason: 'tool_calls',
        message: { content: null, tool_calls: [{ type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
      });
      fake.script({ kind: 'ok', toolCall: { name: 'get_weather', arguments: '{"city":"Paris"}' } });
      const frames = parseSse(await (await post('/chat/completions', { ...chatBody, stream: true })).text());
      const args = frames
        .slice(0, -1)
        .map((f) => JSON.parse(f.data).choices[0]?.delta?.tool_calls?.[0]?.function?.arguments ?? '')
        .join('');
      expect(args).toBe('{"city":"Paris"}');
    });

    it('omits usage when told to', async () => {
      fake.script({ kind: 'ok', usage: false, text: 'no usage here' });
      const body = await readJson(await post('/chat/completions', chatBody));
      expect(body.usage).toBeUndefined();
      expect(body.choices[0].message.content).toBe('no usage here');
    });
  });

  describe('Anthropic messages', () => {
    it('answers non-streaming in the Messages shape', async () => {
      const body = await readJson(await post('/messages', messagesBody, { 'anthropic-version': '2023-06-01' }));
      expect(body).toMatchObject({
        type: 'message',
        role: 'assistant',
        model: 'claude-sonnet-4',
        content: [{ type: 'text', text: 'Hello from fake claude-sonnet-4' }],
        stop_reason: 'end_turn',
        usage: { input_tokens: 7, output_tokens: 4 },
      });
      expect(body.id).toMatch(/^msg_/);
      expect(fake.requests[0].headers['anthropic-version']).toBe('2023-06-01');
    });

    it('streams the full event sequence with event lines', async () => {
      fake.script({ kind: 'ok', text: 'one two three', chunks: 3 });
      const frames = parseSse(await (await post('/messages', { ...messagesBody, stream: true })).text());
      expect(frames.map((f) => f.event)).toEqual([
        'message_start',
        'content_block_start',
        'ping',
        'content_block_delta',
        'content_block_delta',
        'content_block_delta',
        'content_block_stop',
        'message_delta',
        'message_stop',
      ]);
      for (const frame of frames) expect(JSON.parse(frame.data).type).toBe(frame.event);
      const text = frames.filter((f) => f.event === 'content_block_delta').map((f) => JSON.parse(f.data).delta.text).join('');
      expect(text).toBe('one two three');
      expect(JSON.parse(frames[0].data).message.usage.input_tokens).toBe(7);
      expect(JSON.parse(frames[7].data).usage).toMatchObject({ input_tokens: 7, output_tokens: 3 });
    });

    it('returns tool_use blocks', async () => {
      fake.script({ kind: 'ok', toolCall: { name: 'get_weather', arguments: '{"city":"Paris"}' } });
      const body = await readJson(await post('/messages', messagesBody));
      expect(body.stop_reason).toBe('tool_use');
      expect(body.content).toEqual([{ type: 'tool_use', id: expect.stringMatching(/^toolu_/), name: 'get_weather', input: { city: 'Paris' }, caller: { type: 'direct' } }]);
    });

    it('answers errors in the Anthropic shape (529 is overloaded_error)', async () => {
      fake.script({ kind: 'status', status: 529 });
      const res = await post('/messages', messagesBody);
      expect(res.status).toBe(529);
      expect(await res.json()).toEqual({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
    });
  });

  describe('OpenAI responses', () => {
    it('answers non-streaming with output_text and usage', async () => {
      const body = await readJson(await post('/responses', responsesBody));
      expect(body).toMatchObject({
        object: 'response',
        status: 'completed',
        output: [{ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Hello from fake gpt-4.1' }] }],
        usage: { input_tokens: 7, output_tokens: 4, total_tokens: 11 },
      });
      expect(body.id).toMatch(/^resp_/);
    });

    it('streams created, text deltas and completed with usage', async () => {
      const frames = parseSse(await (await post('/responses', { ...responsesBody, stream: true })).text());
      const events = frames.map((f) => f.event);
      expect(events[0]).toBe('response.created');
      expect(events.at(-1)).toBe('response.completed');
      expect(frames.some((f) => f.data === '[DONE]')).toBe(false);
      const text = frames.filter((f) => f.event === 'response.output_text.delta').map((f) => JSON.parse(f.data).delta).join('');
      expect(text).toBe('Hello from fake gpt-4.1');
      expect(JSON.parse(frames.at(-1)!.data).response.usage).toMatchObject({ input_tokens: 7, output_tokens: 4 });
      const sequence = frames.map((f) => JSON.parse(f.data).sequence_number);
      expect(sequence).toEqual(sequence.map((_, i) => i));
    });

    it('returns function_call items', async () => {
      fake.script({ kind: 'ok', toolCall: { name: 'lookup', arguments: '{"q":1}' } });
      const body = await readJson(await post('/responses', responsesBody));
      expect(body.output).toEqual([expect.objectContaining({ type: 'function_call', name: 'lookup', arguments: '{"q":1}' })]);
    });
  });

  describe('scripted faults', () => {
    it('consumes the global queue FIFO, then succeeds', async () => {
      fake.script({ kind: 'status', status: 429, headers: { 'retry-after': '2' } }, { kind: 'status', status: 500 });
      const first = await post('/chat/completions', chatBody);
      expect(first.status).toBe(429);
      expect(first.headers.get('retry-after')).toBe('2');
      expect(await first.json()).toMatchObject({ error: { type: 'requests', code: 'rate_limit_exceeded' } });
      const second = await post('/chat/completions', chatBody);
      expect(second.status).toBe(500);
      expect(await second.json()).toMatchObject({ error: { type: 'server_error' } });
      expect((await post('/chat/completions', chatBody)).status).toBe(200);
    });

    it('checks matcher queues before the global queue', async () => {
      fake.script({ kind: 'status', status: 500 });
      fake.scriptFor((req) => req.credential === 'sk-bad', { kind: 'status', status: 401 });
      const bad = await post('/chat/completions', chatBody, { authorization: 'Bearer sk-bad' });
      expect(bad.status).toBe(401);
      expect(await bad.json()).toMatchObject({ error: { code: 'invalid_api_key' } });
      // The matcher queue is empty now, so the same credential falls through to the global queue.
      expect((await post('/chat/completions', chatBody, { authorization: 'Bearer sk-bad' })).status).toBe(500);
      expect((await post('/chat/completions', chatBody, { authorization: 'Bearer sk-bad' })).status).toBe(200);
    });

    it('delays before responding', async () => {
      fake.script({ kind: 'delay', ms: 150, then: { kind: 'status', status: 503 } });
      const started = Date.now();
      const res = await post('/chat/completions', chatBody);
      expect(res.status).toBe(503);
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    });

    it('hangs until the client aborts', async () => {
      fake.script({ kind: 'hang' });
      const controller = new AbortController();
      const attempt = fetch(`${fake.url}/chat/completions`, { method: 'POST', body: JSON.stringify(chatBody), signal: controller.signal });
      const winner = await Promise.race([attempt.then(() => 'answered'), new Promise((r) => setTimeout(() => r('hung'), 200))]);
      expect(winner).toBe('hung');
      controller.abort();
      await expect(attempt).rejects.toMatchObject({ name: 'AbortError' });
      expect((await post('/chat/completions', chatBody)).status).toBe(200);
    });

    it('resets the socket before headers', async () => {
      fake.script({ kind: 'reset' });
      const error = await post('/chat/completions', chatBody).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TypeError);
      expect(fake.requests).toHaveLength(1);
    });

    it('disconnects mid-stream after some chunks', async () => {
      fake.script({ kind: 'disconnectMidStream', afterChunks: 2 });
      const res = await request(`${fake.url}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...chatBody, stream: true }),
      });
      expect(res.statusCode).toBe(200);
      let received = '';
      const error = await (async () => {
        for await (const chunk of res.body) received += Buffer.from(chunk).toString();
      })().catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'UND_ERR_SOCKET' });
      expect(parseSse(received)).toHaveLength(2);
    });

    it('sends malformed JSON with a 200', async () => {
      fake.script({ kind: 'malformedJson' });
      const res = await post('/chat/completions', chatBody);
      expect(res.status).toBe(200);
      await expect(res.json()).rejects.toThrow();
    });

    it('sends an in-band error as the first frame of a 200 stream, per format', async () => {
      fake.script({ kind: 'errorFrame' }, { kind: 'errorFrame' }, { kind: 'errorFrame' });
      const chat = parseSse(await (await post('/chat/completions', { ...chatBody, stream: true })).text());
      expect(JSON.parse(chat[0].data)).toMatchObject({ error: { type: 'server_error' } });
      const messages = parseSse(await (await post('/messages', { ...messagesBody, stream: true })).text());
      expect(messages[0].event).toBe('error');
      expect(JSON.parse(messages[0].data)).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
      const responses = parseSse(await (await post('/responses', { ...responsesBody, stream: true })).text());
      expect(responses[0]).toMatchObject({ event: 'error' });
    });

    it('trickles a stream with pauses between chunks', async () => {
      fake.script({ kind: 'trickle', chunkDelayMs: 40, chunks: 3 });
      const res = await request(`${fake.url}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...chatBody, stream: true }),
      });
      const arrivals: number[] = [];
      let text = '';
      for await (const chunk of res.body) {
        arrivals.push(Date.now());
        text += Buffer.from(chunk).toString();
      }
      expect(arrivals.at(-1)! - arrivals[0]).toBeGreaterThanOrEqual(100);
      expect(parseSse(text).at(-1)?.data).toBe('[DONE]');
    });

    it('reset() clears recorded requests in place and drops queued steps', async () => {
      const requests = fake.requests;
      fake.script({ kind: 'status', status: 500 });
      fake.scriptFor(() => true, { kind: 'status', status: 401 });
      fake.reset();
      expect((await post('/chat/completions', chatBody)).status).toBe(200);
      expect(requests).toBe(fake.requests);
      expect(requests).toHaveLength(1);
    });
  });
});
