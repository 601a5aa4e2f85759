import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAccount, type TestAccount } from '../support/credits.js';
import { startGatewayFixture, type GatewayFixture } from '../support/gateway-fixture.js';

/**
 * Issue 12: the requests real agents send, recorded by scripts/record-agent-requests.ts (Claude
 * Code 2.1.332 `claude -p`, Codex CLI 0.171.0 `codex exec`, Vercel AI SDK 6 `generateObject` on
 * its OpenAI Responses, OpenAI Chat and Anthropic providers; AI SDK 7 sends the same bodies),
 * replayed through the official SDKs against the gateway: to the provider speaking the client's
 * format and to one of the other format. Each must come back as a complete, valid answer in the client's format, so a regression
 * shows up without the CLIs installed. The recorder writes each client's newest recording under
 * its name; an older version still in use keeps its recording beside it, named with its version
 * (claude-code-2.1.197: other betas, no `thinking.display`, a 64k `max_tokens`). The
 * `-multiturn` recordings are tool loops with reasoning (see the recorder), whose second request
 * carries the first turn's reasoning back.
 */

interface Fixture {
  name: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

const DIR = join(import.meta.dirname, '../fixtures/agents');
const fixtures: Fixture[] = readdirSync(DIR).flatMap((client) =>
  readdirSync(join(DIR, client)).map((file) => ({ name: `${client}/${file}`, ...(JSON.parse(readFileSync(join(DIR, client, file), 'utf8')) as Omit<Fixture, 'name'>) })),
);
const fixture = (name: string): Fixture => {
  const found = fixtures.find((f) => f.name === name);
  if (!found) throw new Error(`no fixture ${name}`);
  return structuredClone(found);
};

/** The headers a client sent that steer the gateway (format versions, betas), never credentials. */
const steering = (f: Fixture) =>
  Object.fromEntries(Object.entries(f.headers).filter(([k]) => k.startsWith('anthropic-') || k === 'openai-beta' || k === 'originator'));

describe('recorded agent requests replayed against the gateway', () => {
  let f: GatewayFixture;
  let a: TestAccount;
  let openai: OpenAI;
  let anthropic: Anthropic;

  beforeAll(async () => {
    f = await startGatewayFixture();
    a = await createAccount(f, { purchaseUsd: '20.00', providerKeys: { openai: 'sk-replay-openai', anthropic: 'sk-ant-replay' } });
    openai = new OpenAI({ baseURL: `${f.baseUrl}/v1`, apiKey: a.accessToken, maxRetries: 0 });
    anthropic = new Anthropic({ baseURL: f.baseUrl, apiKey: a.accessToken, maxRetries: 0 });
  });
  afterAll(async () => {
    await f?.stop();
  });
  beforeEach(() => f.upstream.reset());

  const lastUpstream = () => f.upstream.requests.filter((r) => r.method === 'POST').at(-1);

  it('has the recordings of every client', () => {
    expect(fixtures.map((x) => x.name).sort()).toEqual([
      'ai-sdk-generate-object/01-v1-responses.json',
      'ai-sdk-generate-object/02-v1-chat-completions.json',
      'ai-sdk-generate-object/03-v1-messages.json',
      'claude-code-2.1.197/01-v1-messages.json',
      'claude-code-multiturn/01-v1-messages.json',
      'claude-code-multiturn/02-v1-messages.json',
      'claude-code/01-v1-messages.json',
      'codex-multiturn/01-v1-responses.json',
      'codex-multiturn/02-v1-responses.json',
      'codex/01-v1-responses.json',
    ]);
    // The agents' own default models are what they send unchanged.
    expect(fixture('claude-code/01-v1-messages.json').body.model).toBe('claude-opus-5-5');
    expect(fixture('claude-code-2.1.197/01-v1-messages.json').body.model).toBe('claude-opus-4-8');
    expect(fixture('codex/01-v1-responses.json').body.model).toBe('gpt-6.2-sol');
  });

  describe('Claude Code (streamed /v1/messages?beta=true with tools, thinking, betas)', () => {
    for (const [recording, model, provider] of [
      ['claude-code/01-v1-messages.json', 'claude-opus-5-5', 'anthropic'],
      ['claude-code/01-v1-messages.json', 'gpt-6.2-sol', 'openai'],
      ['claude-code-2.1.197/01-v1-messages.json', 'claude-opus-4-8', 'anthropic'],
      ['claude-code-2.1.197/01-v1-messages.json', 'gpt-6.2-sol', 'openai'],
    ] as const) {
      it(`${recording.split('/')[0]}: answers a complete Anthropic stream from ${provider}`, async () => {
        const rec = fixture(recording);
        const body = { ...rec.body, model } as unknown as Anthropic.Beta.MessageCreateParamsStreaming;
        const stream = anthropic.beta.messages.stream(body, { headers: steering(rec) });
        const events: string[] = [];
        stream.on('streamEvent', (e) => events.push(e.type));
        const message = await stream.finalMessage();
        expect(events[0]).toBe('message_start');
        expect(events.at(-1)).toBe('message_stop');
        expect(message.stop_reason).toBe('end_turn');
        expect(message.content.filter((c) => c.type === 'text').map((c) => (c as { text: string }).text).join('')).toBe(`Hello from fake ${model}`);
        expect(lastUpstream()?.path).toMatch(new RegExp(`^/${provider}/v1/`));
        if (provider === 'anthropic') {
          // Same format: the body reaches the provider as Claude Code wrote it.
          expect(lastUpstream()?.body).toEqual(body);
        }
      });
    }
  });

  describe('Codex CLI (streamed /v1/responses with its tool namespace and reasoning)', () => {
    for (const [model, provider] of [
      ['gpt-6.2-sol', 'openai'],
      ['claude-opus-4-8', 'anthropic'],
    ] as const) {
      it(`answers a complete Responses stream from ${provider}`, async () => {
        const rec = fixture('codex/01-v1-responses.json');
        const body = { ...rec.body, model } as unknown as OpenAI.Responses.ResponseCreateParamsStreaming;
        const stream = await openai.responses.create(body, { headers: steering(rec) });
        let text = '';
        const types: string[] = [];
        for await (const event of stream) {
          types.push(event.type);
          if (event.type === 'response.output_text.delta') text += event.delta;
        }
        expect(types[0]).toBe('response.created');
        expect(types.at(-1)).toBe('response.completed');
        expect(text).toBe(`Hello from fake ${model}`);
        expect(lastUpstream()?.path).toMatch(new RegExp(`^/${provider}/v1/`));
      });
    }

    it('keeps the tools its default model is given in an additional_tools item (namespaces, a custom grammar tool) when Claude serves it', async () => {
      const rec = fixture('codex/01-v1-responses.json');
      const declared = (rec.body.input as { type?: string; tools?: { type: string; name: string; tools?: { name: string }[] }[] }[]).find((i) => i.type === 'additional_tools');
      const expected = (declared?.tools ?? []).flatMap((ns) => (ns.tools ?? []).map((t) => `${ns.name}__${t.name}`));
      expect(expected).toContain('functions__exec');
      const body = { ...rec.body, model: 'claude-opus-4-8' } as unknown as OpenAI.Responses.ResponseCreateParamsStreaming;
      const { data: stream, response } = await openai.responses.create(body, { headers: steering(rec) }).withResponse();
      for await (const event of stream) expect(event.type).not.toBe('response.failed');
      const sent = lastUpstream()?.body as { tools?: { name: string; input_schema: { properties: Record<string, unknown> } }[] };
      expect((sent.tools ?? []).map((t) => t.name)).toEqual(expected);
      // `exec` takes raw JavaScript: offered as one text input.
      expect(sent.tools?.find((t) => t.name === 'functions__exec')?.input_schema.properties).toHaveProperty('input');
      expect(response.headers.get('x-gateway-removed-params') ?? '').not.toMatch(/additional_tools|namespace|custom/);
    });
  });

  describe('tool loops with reasoning: the request continuing the loop, as the agent sent it', () => {
    const THOUGHT = 'The user wants me to run echo hi.';

    it("Codex on Claude: Claude gets its signed thinking back from the reasoning item's encrypted_content", async () => {
      const rec = fixture('codex-multiturn/02-v1-responses.json');
      // Codex echoes the reasoning item the gateway wrote, its rs_gw… id and encrypted_content included.
      expect(rec.body.input).toContainEqual(expect.objectContaining({ type: 'reasoning', id: expect.stringMatching(/^rs_gw/), encrypted_content: 'gateway-anthropic-signature:sig_fake' }));
      const { data: stream, response } = await openai.responses.create(rec.body as unknown as OpenAI.Responses.ResponseCreateParamsStreaming, { headers: steering(rec) }).withResponse();
      const types: string[] = [];
      for await (const event of stream) types.push(event.type);
      expect(types.at(-1)).toBe('response.completed');
      const sent = lastUpstream();
      expect(sent?.path).toBe('/anthropic/v1/messages');
      const body = sent?.body as { thinking?: unknown; messages: { role: string; content: unknown[] }[] };
      // The simulated Anthropic refuses the loop (400) when thinking is on and the turn's thinking is missing.
      expect(body.thinking).toMatchObject({ type: 'enabled' });
      expect(body.messages.at(-2)?.content[0]).toEqual({ type: 'thinking', thinking: THOUGHT, signature: 'sig_fake' });
      expect(response.headers.get('x-gateway-removed-params')).not.toMatch(/thinking|reasoning|include/);
    });

    it('Codex moving from Claude to OpenAI: none of the items the gateway wrote reach OpenAI', async () => {
      const rec = fixture('codex-multiturn/02-v1-responses.json');
      const body = { ...rec.body, model: 'openai:gpt-5' } as unknown as OpenAI.Responses.ResponseCreateParamsStreaming;
      for await (const event of await openai.responses.create(body, { headers: steering(rec) })) expect(event.type).not.toBe('response.failed');
      const sent = lastUpstream();
      expect(sent?.path).toBe('/openai/v1/responses');
      const input = (sent?.body as { input: { type?: string; id?: string; call_id?: string }[] }).input;
      expect(input.filter((item) => item.type === 'reasoning')).toEqual([]);
      expect(input.filter((item) => /^(rs|msg|fc)_gw/.test(item.id ?? ''))).toEqual([]);
      expect(input.find((item) => item.type === 'function_call')).toMatchObject({ call_id: 'toolu_fake000001' });
    });

    it("Claude Code moving from DeepSeek to Claude: DeepSeek's unsigned thinking, then thinking and its clearing go (named), not Anthropic's 400", async () => {
      const rec = fixture('claude-code-multiturn/02-v1-messages.json');
      // Recorded through a virtual model whose first target (DeepSeek) answered the first turn.
      expect(rec.body.model).toBe('claude-sonnet-4-5-mix');
      const body = { ...rec.body, model: 'claude-sonnet-4-5' } as unknown as Anthropic.Beta.MessageCreateParamsStreaming;
      const { data: stream, response } = await anthropic.beta.messages.create(body, { headers: steering(rec) }).withResponse();
      const types: string[] = [];
      for await (const event of stream) types.push(event.type);
      expect(types.at(-1)).toBe('message_stop');
      const sent = lastUpstream();
      expect(sent?.path).toBe('/anthropic/v1/messages');
      expect(sent?.body).not.toHaveProperty('thinking');
      expect(sent?.body).not.toHaveProperty('context_management');
      expect(sent?.rawBody).not.toContain(THOUGHT);
      expect(response.headers.get('x-gateway-removed-params')).toBe('thinking,context_management.edits.clear_thinking_20251015');
    });
  });

  describe('Vercel AI SDK generateObject (json schema on each provider path)', () => {
    const schemaReached = () => expect(lastUpstream()?.rawBody).toContain('"population"');

    it('Responses path: to OpenAI and, translated, to Anthropic', async () => {
      for (const model of ['gpt-6.2-sol', 'claude-opus-4-8']) {
        const rec = fixture('ai-sdk-generate-object/01-v1-responses.json');
        const res = await openai.responses.create({ ...rec.body, model } as unknown as OpenAI.Responses.ResponseCreateParamsNonStreaming);
        expect(res.status).toBe('completed');
        expect(res.output_text).toBe(`Hello from fake ${model}`);
        schemaReached();
      }
    });

    it('Chat Completions path: to OpenAI and, translated, to Anthropic', async () => {
      for (const model of ['gpt-6.2-sol', 'claude-opus-4-8']) {
        const rec = fixture('ai-sdk-generate-object/02-v1-chat-completions.json');
        const res = await openai.chat.completions.create({ ...rec.body, model } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming);
        expect(res.object).toBe('chat.completion');
        expect(res.choices[0].message.content).toBe(`Hello from fake ${model}`);
        schemaReached();
      }
    });

    it('Anthropic path: to Anthropic and, translated, to OpenAI', async () => {
      for (const model of ['claude-opus-4-8', 'gpt-6.2-sol']) {
        const rec = fixture('ai-sdk-generate-object/03-v1-messages.json');
        const res = await anthropic.messages.create({ ...rec.body, model } as unknown as Anthropic.MessageCreateParamsNonStreaming, {
          headers: steering(rec),
          // The AI SDK asks for max_tokens 128000 without streaming; the Anthropic SDK refuses that unless a timeout is given.
          timeout: 60_000,
        });
        expect(res.type).toBe('message');
        expect(res.content[0]).toMatchObject({ type: 'text', text: `Hello from fake ${model}` });
        schemaReached();
      }
    });
  });
});
