import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai-v7';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAccessKey, createProviderKey, startGatewayFixture, type GatewayFixture } from '../support/gateway-fixture.js';
import { fundAccount, usageEventFor } from '../support/v1-client.js';

/**
 * The newest SDK majors (openai 7 as `openai-v7`, @anthropic-ai/sdk 1.x) against /v1. The fake
 * upstream keeps each stream open a while after its final event, as real upstreams do, so a
 * client that stops reading at `[DONE]` / `message_stop` / `response.completed` closes first.
 */

const PROMPT = 'Say hello to the gateway please';
/** The fake upstream reports ceil(prompt chars / 4) input tokens and one output token per word. */
const REPORTED_INPUT = Math.ceil(PROMPT.length / 4);
const TAIL = { kind: 'ok', tailDelayMs: 400 } as const;
const COMPLETE = { status: 200, errorCode: null, tokensEstimated: false, inputTokens: REPORTED_INPUT };

describe('newest SDK majors against /v1', () => {
  let f: GatewayFixture;
  let token: string;
  let openai: OpenAI;
  let anthropic: Anthropic;
  /** Requests the SDKs made (retries included). */
  let calls = 0;
  const counting: typeof fetch = (input, init) => {
    calls++;
    return fetch(input, init);
  };

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
  beforeEach(() => {
    f.upstream.reset();
    calls = 0;
  });

  describe('a client that closes right after the final event has a complete answer', () => {
    it('chat stream (openai 7): provider-reported tokens, no error code', async () => {
      f.upstream.script(TAIL);
      const { data: stream, response } = await openai.chat.completions
        .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: PROMPT }], stream: true })
        .withResponse();
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
      expect(text).toBe('Hello from fake gpt-4o-mini');
      const ev = await usageEventFor(f, response.headers.get('x-request-id'));
      expect(ev).toMatchObject({ ...COMPLETE, outputTokens: 4 });
    });

    it('responses stream (openai 7)', async () => {
      f.upstream.script(TAIL);
      const { data: stream, response } = await openai.responses
        .create({ model: 'gpt-4o-mini', input: PROMPT, stream: true })
        .withResponse();
      const types: string[] = [];
      for await (const ev of stream) types.push(ev.type);
      expect(types.at(-1)).toBe('response.completed');
      const ev = await usageEventFor(f, response.headers.get('x-request-id'));
      expect(ev).toMatchObject({ ...COMPLETE, outputTokens: 4 });
    });

    it('messages stream (@anthropic-ai/sdk)', async () => {
      f.upstream.script(TAIL);
      const stream = anthropic.messages.stream({ model: 'claude-haiku-4-5', max_tokens: 64, messages: [{ role: 'user', content: PROMPT }] });
      const final = await stream.finalMessage();
      expect(final.content).toEqual([{ type: 'text', text: 'Hello from fake claude-haiku-4-5', citations: null }]);
      const { response } = await stream.withResponse();
      expect(response.headers.get('request-id')).toBe(response.headers.get('x-request-id'));
      const ev = await usageEventFor(f, response.headers.get('x-request-id'));
      expect(ev).toMatchObject({ ...COMPLETE, outputTokens: 4 });
    });

    it('chat stream served by an Anthropic model (translated)', async () => {
      f.upstream.script(TAIL);
      const { data: stream, response } = await openai.chat.completions
        .create({ model: 'claude-haiku-4-5', messages: [{ role: 'user', content: PROMPT }], stream: true, stream_options: { include_usage: true } })
        .withResponse();
      let text = '';
      let usage: OpenAI.CompletionUsage | null | undefined;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta?.content ?? '';
        usage = chunk.usage ?? usage;
      }
      expect(text).toBe('Hello from fake claude-haiku-4-5');
      expect(usage).toMatchObject({ prompt_tokens: REPORTED_INPUT, completion_tokens: 4 });
      const ev = await usageEventFor(f, response.headers.get('x-request-id'));
      expect(ev).toMatchObject({ ...COMPLETE, outputTokens: 4, provider: 'anthropic' });
    });

    it('messages stream served by an OpenAI model (translated)', async () => {
      f.upstream.script(TAIL);
      const stream = anthropic.messages.stream({ model: 'gpt-4o-mini', max_tokens: 64, messages: [{ role: 'user', content: PROMPT }] });
      const final = await stream.finalMessage();
      expect(final.content).toEqual([{ type: 'text', text: 'Hello from fake gpt-4o-mini', citations: null }]);
      expect(final.usage.output_tokens).toBe(4);
      const { response } = await stream.withResponse();
      const ev = await usageEventFor(f, response.headers.get('x-request-id'));
      expect(ev).toMatchObject({ ...COMPLETE, outputTokens: 4, provider: 'openai' });
    });
  });

  describe('retry hints', () => {
    it('an invalid key answers x-should-retry: false and neither SDK retries it', async () => {
      const o = new OpenAI({ baseURL: `${f.baseUrl}/v1`, apiKey: 'ng-invalid', maxRetries: 3, fetch: counting });
      const err = await o.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
      expect((err as InstanceType<typeof OpenAI.APIError>).headers?.get('x-should-retry')).toBe('false');
      expect(calls).toBe(1);

      calls = 0;
      const a = new Anthropic({ baseURL: f.baseUrl, apiKey: 'ng-invalid', maxRetries: 3, fetch: counting });
      const aerr = await a.messages.create({ model: 'claude-haiku-4-5', max_tokens: 8, messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
      expect(aerr).toBeInstanceOf(Anthropic.AuthenticationError);
      const headers = (aerr as InstanceType<typeof Anthropic.APIError>).headers;
      expect(headers?.get('x-should-retry')).toBe('false');
      expect(headers?.get('request-id')).toMatch(/\S/);
      expect(calls).toBe(1);
    });

    it('an upstream 400 passed through carries x-should-retry: false; a 429 does not', async () => {
      f.upstream.script({ kind: 'status', status: 400 });
      const err = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.BadRequestError);
      expect((err as InstanceType<typeof OpenAI.APIError>).headers?.get('x-should-retry')).toBe('false');

      f.upstream.script({ kind: 'status', status: 429 }, { kind: 'status', status: 429 });
      const limited = await anthropic.messages
        .create({ model: 'claude-haiku-4-5', max_tokens: 8, messages: [{ role: 'user', content: 'x' }] })
        .catch((e: unknown) => e);
      expect((limited as InstanceType<typeof Anthropic.APIError>).status).toBe(502);
      expect((limited as InstanceType<typeof Anthropic.APIError>).headers?.get('x-should-retry')).toBeNull();
    });

    it('non-streaming answers in both SDKs; Anthropic-format ones carry request-id', async () => {
      const chat = await openai.chat.completions.create({ model: 'claude-haiku-4-5', messages: [{ role: 'user', content: PROMPT }] });
      expect(chat.choices[0].message.content).toBe('Hello from fake claude-haiku-4-5');
      const { data, response } = await anthropic.messages
        .create({ model: 'gpt-4o-mini', max_tokens: 16, messages: [{ role: 'user', content: PROMPT }] })
        .withResponse();
      expect(data.content).toEqual([{ type: 'text', text: 'Hello from fake gpt-4o-mini', citations: null }]);
      expect(response.headers.get('request-id')).toBe(response.headers.get('x-request-id'));
    });
  });
});
