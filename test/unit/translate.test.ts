import { readFileSync } from 'node:fs';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { SseParser, type SseEvent } from '../../server/src/gateway/sse.js';
import {
  streamErrorFrame,
  toAnthropicErrorBody,
  toOpenAiErrorBody,
  translateErrorBody,
} from '../../server/src/gateway/translate/error-body.js';
import { finishFromAnthropic, forAnthropic } from '../../server/src/gateway/formats/anthropic-messages.js';
import { planFor, type StreamTranslator } from '../../server/src/gateway/formats/index.js';
import { finishFromChat } from '../../server/src/gateway/formats/openai-chat.js';
import type { ModelSpec } from '../../server/src/catalog/types.js';

type Json = Record<string, unknown>;
const ANTHROPIC = { apiFormat: 'anthropic', surfaces: ['messages'] } as const;
const OPENAI_CHAT = { apiFormat: 'openai', surfaces: ['chat'] } as const;

/** The pairwise views the suite was written against, now each a trip through the pivot. */
const chatRequestToMessages = (body: Json, spec?: ModelSpec) => planFor('chat', ANTHROPIC).request(body, spec).body;
const messagesRequestToChat = (body: Json, spec?: ModelSpec) => planFor('messages', OPENAI_CHAT).request(body, spec).body;
const messagesResponseToChat = (json: unknown, model: string) => planFor('chat', ANTHROPIC).response(json, model, {});
const chatResponseToMessages = (json: unknown, model: string) => planFor('messages', OPENAI_CHAT).response(json, model, {});
const createMessagesToChatStream = (model: string, o: { includeUsage?: boolean } = {}) =>
  planFor('chat', ANTHROPIC).stream(model, { includeUsage: o.includeUsage === true, request: {} }) as StreamTranslator;
const createChatToMessagesStream = (model: string) => planFor('messages', OPENAI_CHAT).stream(model, { includeUsage: false, request: {} }) as StreamTranslator;

const fixture = (path: string): string => readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8');

function events(text: string): SseEvent[] {
  const parser = new SseParser();
  return [...parser.push(text), ...parser.flush()];
}

function translate(translator: StreamTranslator, path: string): string {
  let out = '';
  for (const e of events(fixture(path))) out += translator.push(e).frames.join('');
  return out + translator.end().join('');
}

/** The official SDKs, fed our bytes through a fake fetch: what real clients will make of them. */
function sseResponse(body: string): typeof fetch {
  return (async () => new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } })) as typeof fetch;
}

describe('chatRequestToMessages', () => {
  const body = {
    model: 'claude-sonnet-4',
    models: ['gpt-4o'],
    messages: [
      { role: 'system', content: 'You are terse.' },
      { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is in these images?' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg', detail: 'high' } },
        ],
      },
      {
        role: 'assistant',
        content: 'Let me look.',
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"cat"}' } },
          { id: 'call_2', type: 'function', function: { name: 'lookup', arguments: '{"q":"dog"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: 'a cat' },
      { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: 'a dog' }] },
      { role: 'user', content: 'Thanks, summarise.' },
    ],
    tools: [
      {
        type: 'function',
        function: { name: 'lookup', description: 'Look things up', parameters: { type: 'object', properties: { q: { type: 'string' } } } },
      },
    ],
    tool_choice: 'required',
    parallel_tool_calls: false,
    max_completion_tokens: 300,
    temperature: 1.4,
    top_p: 0.9,
    stop: 'END',
    stream: true,
    user: 'user-42',
    presence_penalty: 0.5,
  };

  it('names the fields Anthropic has no place for', () => {
    expect(planFor('chat', ANTHROPIC).request(body, undefined).removed).toEqual(['presence_penalty']);
  });

  it('maps every supported field', () => {
    expect(chatRequestToMessages(body)).toEqual({
      model: 'claude-sonnet-4',
      system: [
        { type: 'text', text: 'You are terse.' },
        { type: 'text', text: 'Answer in French.' },
      ],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in these images?' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
            { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Let me look.' },
            { type: 'tool_use', id: 'call_1', name: 'lookup', input: { q: 'cat' } },
            { type: 'tool_use', id: 'call_2', name: 'lookup', input: { q: 'dog' } },
          ],
        },
        {
          // consecutive tool results and the following user text share one user turn
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'call_1', content: 'a cat' },
            { type: 'tool_result', tool_use_id: 'call_2', content: 'a dog' },
            { type: 'text', text: 'Thanks, summarise.' },
          ],
        },
      ],
      max_tokens: 300,
      temperature: 1,
      top_p: 0.9,
      stop_sequences: ['END'],
      stream: true,
      metadata: { user_id: 'user-42' },
      tools: [{ name: 'lookup', description: 'Look things up', input_schema: { type: 'object', properties: { q: { type: 'string' } } } }],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
    });
  });

  it('defaults max_tokens, uses a plain system string, and drops tool_choice without tools', () => {
    expect(
      chatRequestToMessages({
        model: 'm',
        messages: [
          { role: 'system', content: 'Be nice.' },
          { role: 'user', content: 'hi' },
        ],
        tool_choice: 'auto',
        max_tokens: null,
      }),
    ).toEqual({ model: 'm', system: 'Be nice.', messages: [{ role: 'user', content: 'hi' }], max_tokens: 4096 });
  });

  it('maps a named tool choice and tolerates malformed tool arguments', () => {
    const out = chatRequestToMessages({
      messages: [{ role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{oops' } }] }],
      tools: [{ type: 'function', function: { name: 'f' } }],
      tool_choice: { type: 'function', function: { name: 'f' } },
    });
    expect(out.messages).toEqual([{ role: 'assistant', content: [{ type: 'tool_use', id: 'c', name: 'f', input: {} }] }]);
    expect(out.tools).toEqual([{ name: 'f', input_schema: { type: 'object', properties: {} } }]);
    expect(out.tool_choice).toEqual({ type: 'tool', name: 'f' });
  });
});

describe('messagesRequestToChat', () => {
  it('maps every supported field', () => {
    expect(
      messagesRequestToChat({
        model: 'gpt-4o',
        system: [{ type: 'text', text: 'Rule one.' }, { type: 'text', text: 'Rule two.', cache_control: { type: 'ephemeral' } }],
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Look:' },
              { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/4AAQ' } },
            ],
          },
          {
            role: 'assistant',
            content: [
              { type: 'thinking', thinking: 'hmm', signature: 'sig' },
              { type: 'text', text: 'Checking.' },
              { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
            ],
          },
          {
            role: 'user',
            content: [
              { type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: '21°C' }] },
              { type: 'text', text: 'And tomorrow?' },
            ],
          },
        ],
        tools: [
          { name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } },
          { type: 'web_search_20250305', name: 'web_search', max_uses: 3 },
        ],
        tool_choice: { type: 'any', disable_parallel_tool_use: true },
        max_tokens: 1024,
        temperature: 0.3,
        top_k: 5,
        stop_sequences: ['###'],
        stream: true,
        metadata: { user_id: 'u-1' },
      }),
    ).toEqual({
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'Rule one.\nRule two.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Look:' },
            { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/4AAQ' } },
          ],
        },
        {
          role: 'assistant',
          content: 'Checking.',
          tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
        },
        { role: 'tool', tool_call_id: 'toolu_1', content: '21°C' },
        { role: 'user', content: 'And tomorrow?' },
      ],
      max_tokens: 1024,
      temperature: 0.3,
      stop: ['###'],
      stream: true,
      stream_options: { include_usage: true },
      user: 'u-1',
      tools: [
        { type: 'function', function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } },
      ],
      tool_choice: 'required',
      parallel_tool_calls: false,
    });
  });

  it('names what chat completions cannot take: top_k and server tools', () => {
    const { removed } = planFor('messages', OPENAI_CHAT).request(
      { messages: [{ role: 'user', content: 'hi' }], top_k: 5, tools: [{ type: 'web_search_20250305', name: 'web_search' }], container: 'c1' },
      undefined,
    );
    expect(removed.sort()).toEqual(['container', 'tools.web_search_20250305', 'top_k']);
  });

  it('can name max_completion_tokens for reasoning models, clamped to the model limit', () => {
    const spec = { maxTokensParam: 'max_completion_tokens', maxOutputTokens: 40 } as ModelSpec;
    const out = messagesRequestToChat({ messages: [{ role: 'user', content: 'hi' }], max_tokens: 50 }, spec);
    expect(out).toEqual({ messages: [{ role: 'user', content: 'hi' }], max_completion_tokens: 40 });
  });

  describe('reasoning to thinking', () => {
    const spec = { maxOutputTokens: 64_000 } as ModelSpec;
    const toMessages = (body: Json) => planFor('chat', ANTHROPIC).request({ messages: [{ role: 'user', content: 'hi' }], ...body }, spec);

    it('without a client limit, max_tokens grows to hold the effort budget and an answer', () => {
      expect(toMessages({ reasoning_effort: 'high' }).body).toMatchObject({ max_tokens: 17_408, thinking: { type: 'enabled', budget_tokens: 16_384 } });
      // Bounded by the model: the budget shrinks to leave room for an answer.
      const small = planFor('chat', ANTHROPIC).request({ messages: [{ role: 'user', content: 'hi' }], reasoning_effort: 'high' }, { maxOutputTokens: 8192 } as ModelSpec);
      expect(small.body).toMatchObject({ max_tokens: 8192, thinking: { budget_tokens: 7168 } });
    });

    it("never raises the client's max_completion_tokens: the budget fits under it, or the reasoning is named as removed", () => {
      expect(toMessages({ reasoning_effort: 'high', max_completion_tokens: 1000 })).toMatchObject({ body: { max_tokens: 1000 }, removed: ['reasoning_effort'] });
      expect(toMessages({ reasoning_effort: 'high', max_completion_tokens: 1000 }).body).not.toHaveProperty('thinking');
      expect(toMessages({ reasoning_effort: 'high', max_completion_tokens: 1500 }).body).toMatchObject({ max_tokens: 1500, thinking: { budget_tokens: 1024 } });
      expect(toMessages({ reasoning_effort: 'high', max_completion_tokens: 4000 }).body).toMatchObject({ max_tokens: 4000, thinking: { budget_tokens: 2976 } });
      expect(toMessages({ reasoning_effort: 'low', max_completion_tokens: 20_000 }).body).toMatchObject({ max_tokens: 20_000, thinking: { budget_tokens: 2048 } });
      const responses = planFor('responses', ANTHROPIC).request({ input: 'hi', reasoning: { effort: 'medium' }, max_output_tokens: 800 }, spec);
      expect(responses).toMatchObject({ body: { max_tokens: 800 }, removed: ['reasoning'] });
    });

    // Anthropic: "When thinking is enabled, a final assistant message must start with a thinking block".
    const toolLoop = [
      { role: 'user', content: 'weather in Oslo?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo"}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: '4°C' },
    ];

    it('leaves thinking out, and names it, when a chat client continues a tool loop (chat cannot carry the signed thinking back)', () => {
      const continued = planFor('chat', ANTHROPIC).request({ messages: toolLoop, reasoning_effort: 'medium' }, spec);
      expect(continued.body).not.toHaveProperty('thinking');
      expect(continued.removed).toEqual(['reasoning_effort']);
      expect(continued.body.max_tokens).toBe(4096);
      // A new user turn after the loop needs no earlier thinking: it is kept.
      const next = planFor('chat', ANTHROPIC).request(
        { messages: [...toolLoop, { role: 'assistant', content: 'It is 4°C.' }, { role: 'user', content: 'and Bergen?' }], reasoning_effort: 'medium' },
        spec,
      );
      expect(next.body).toMatchObject({ thinking: { type: 'enabled' } });
      expect(next.removed).toEqual([]);
    });

    it("keeps thinking when the turn's first assistant message opens with Claude's signed thinking (Responses round trip)", () => {
      const claudeAnswer = {
        id: 'msg_1',
        type: 'message',
        role: 'assistant',
        model: 'claude-sonnet-4-5',
        content: [
          { type: 'thinking', thinking: 'Need the weather tool.', signature: 'sig-abc' },
          { type: 'tool_use', id: 'toolu_1', name: 'weather', input: { city: 'Oslo' } },
        ],
        stop_reason: 'tool_use',
        usage: { input_tokens: 10, output_tokens: 5 },
      };
      const plan = planFor('responses', ANTHROPIC);
      // Like OpenAI, encrypted reasoning only for a client that includes it.
      expect((plan.response(claudeAnswer, 'claude-sonnet-4-5', {}) as { output: Json[] }).output[0]).not.toHaveProperty('encrypted_content');
      const first = plan.response(claudeAnswer, 'claude-sonnet-4-5', { include: ['reasoning.encrypted_content'] }) as { output: Json[] };
      const [reasoning, call] = first.output;
      expect(reasoning).toMatchObject({ type: 'reasoning', encrypted_content: 'gateway-anthropic-signature:sig-abc' });
      expect(String(reasoning.id)).toMatch(/^rs_gw/);
      expect(String(call.id)).toMatch(/^fc_gw/);
      const second = plan.request(
        {
          input: [{ role: 'user', content: 'weather in Oslo?' }, ...first.output, { type: 'function_call_output', call_id: 'toolu_1', output: '4°C' }],
          reasoning: { effort: 'medium' },
          include: ['reasoning.encrypted_content'],
        },
        spec,
      );
      expect(second.removed).toEqual([]);
      expect(second.body).toMatchObject({ thinking: { type: 'enabled' } });
      expect((second.body.messages as Json[])[1]).toEqual({
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'Need the weather tool.', signature: 'sig-abc' },
          { type: 'tool_use', id: 'toolu_1', name: 'weather', input: { city: 'Oslo' } },
        ],
      });
    });

    it('streams the signature into the reasoning item, for the next turn to send back', () => {
      const stream = planFor('responses', ANTHROPIC).stream('claude-sonnet-4-5', { includeUsage: false, request: { include: ['reasoning.encrypted_content'] } }) as StreamTranslator;
      const frames = [
        { event: 'message_start', data: { type: 'message_start', message: { id: 'msg_2', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', content: [], usage: { input_tokens: 3, output_tokens: 1 } } } },
        { event: 'content_block_start', data: { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } } },
        { event: 'content_block_delta', data: { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'Hmm.' } } },
        { event: 'content_block_delta', data: { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'sig-xyz' } } },
        { event: 'content_block_stop', data: { type: 'content_block_stop', index: 0 } },
        { event: 'message_delta', data: { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 2 } } },
        { event: 'message_stop', data: { type: 'message_stop' } },
      ];
      let out = '';
      for (const f of frames) out += stream.push({ event: f.event, data: JSON.stringify(f.data) }).frames.join('');
      const done = events(out).find((e) => e.event === 'response.output_item.done');
      expect(JSON.parse(done!.data).item).toMatchObject({ type: 'reasoning', encrypted_content: 'gateway-anthropic-signature:sig-xyz' });
    });

    it('carries redacted thinking (Anthropic-encrypted, no text) through a Responses client and back, streamed or not', () => {
      const plan = planFor('responses', ANTHROPIC);
      const include = { include: ['reasoning.encrypted_content'] };
      const claudeAnswer = {
        id: 'msg_3',
        type: 'message',
        role: 'assistant',
        model: 'claude-sonnet-4-5',
        content: [
          { type: 'redacted_thinking', data: 'EnCrYpTeD' },
          { type: 'tool_use', id: 'toolu_7', name: 'weather', input: { city: 'Oslo' } },
        ],
        stop_reason: 'tool_use',
        usage: { input_tokens: 10, output_tokens: 5 },
      };
      const first = plan.response(claudeAnswer, 'claude-sonnet-4-5', include) as { output: Json[] };
      expect(first.output[0]).toMatchObject({ type: 'reasoning', summary: [], encrypted_content: 'gateway-anthropic-redacted:EnCrYpTeD' });
      const second = plan.request(
        { input: [{ role: 'user', content: 'weather in Oslo?' }, ...first.output, { type: 'function_call_output', call_id: 'toolu_7', output: '4°C' }], reasoning: { effort: 'medium' }, ...include },
        spec,
      );
      expect(second.removed).toEqual([]);
      expect((second.body.messages as Json[])[1]).toEqual({
        role: 'assistant',
        content: [
          { type: 'redacted_thinking', data: 'EnCrYpTeD' },
          { type: 'tool_use', id: 'toolu_7', name: 'weather', input: { city: 'Oslo' } },
        ],
      });

      const stream = plan.stream('claude-sonnet-4-5', { includeUsage: false, request: include }) as StreamTranslator;
      let out = '';
      for (const f of [
        { type: 'message_start', message: { id: 'msg_4', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', content: [], usage: { input_tokens: 3, output_tokens: 1 } } },
        { type: 'content_block_start', index: 0, content_block: { type: 'redacted_thinking', data: 'EnCrYpTeD' } },
        { type: 'content_block_stop', index: 0 },
        { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } },
        { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'Hi' } },
        { type: 'content_block_stop', index: 1 },
        { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 2 } },
        { type: 'message_stop' },
      ]) {
        out += stream.push({ event: f.type, data: JSON.stringify(f) }).frames.join('');
      }
      const completed = JSON.parse(events(out).find((e) => e.event === 'response.completed')!.data) as { response: { output: Json[] } };
      expect(completed.response.output.map((o) => o.type)).toEqual(['reasoning', 'message']);
      expect(completed.response.output[0]).toMatchObject({ encrypted_content: 'gateway-anthropic-redacted:EnCrYpTeD' });
    });

    it("does not take OpenAI's own encrypted reasoning for Anthropic's signature", () => {
      const body = planFor('responses', ANTHROPIC).request(
        { input: [{ type: 'reasoning', id: 'rs_68ab', summary: [{ type: 'summary_text', text: 'x' }], encrypted_content: 'gAAAAB…' }, { role: 'user', content: 'go on' }] },
        spec,
      ).body;
      expect(JSON.stringify(body)).not.toContain('gAAAAB');
      expect(JSON.stringify(body)).not.toContain('"thinking"');
    });
  });

  it('sends a tool-only assistant turn with null content', () => {
    const out = messagesRequestToChat({
      messages: [{ role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'f', input: {} }] }],
    });
    expect(out.messages).toEqual([
      { role: 'assistant', content: null, tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '{}' } }] },
    ]);
  });
});

describe('finish reasons', () => {
  it('map both ways', () => {
    expect(['end_turn', 'stop_sequence', 'max_tokens', 'tool_use', 'refusal', null].map(finishFromAnthropic)).toEqual([
      'stop',
      'stop',
      'length',
      'tool_calls',
      'content_filter',
      'stop',
    ]);
    expect(['stop', 'length', 'tool_calls', 'function_call', 'content_filter', null].map(finishFromChat)).toEqual([
      'stop',
      'length',
      'tool_calls',
      'tool_calls',
      'content_filter',
      'stop',
    ]);
    const stops = ['stop', 'length', 'tool_calls', 'content_filter'].map(
      (finish_reason) => chatResponseToMessages({ choices: [{ message: { content: 'x' }, finish_reason }] }, 'm').stop_reason,
    );
    expect(stops).toEqual(['end_turn', 'max_tokens', 'tool_use', 'refusal']);
  });
});

describe('messagesResponseToChat', () => {
  it('converts text, tool use, stop reason and usage', () => {
    const out = messagesResponseToChat(JSON.parse(fixture('messages/completion-tool-use.json')), 'anthropic:claude-sonnet-4');
    expect(out).toEqual({
      id: 'msg_01Aq9w938a90dw8q',
      object: 'chat.completion',
      created: expect.any(Number),
      // The model that answered, as the upstream names it (a same-format answer passes its own).
      model: 'claude-sonnet-4-20250514',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: "I'll check the current weather in Paris for you.",
            tool_calls: [
              {
                id: 'toolu_01A09q90qw90lq917835lq9',
                type: 'function',
                function: { name: 'get_weather', arguments: '{"location":"Paris, France","unit":"celsius"}' },
              },
            ],
            refusal: null,
          },
          logprobs: null,
          finish_reason: 'tool_calls',
        },
      ],
      usage: { prompt_tokens: 1404, completion_tokens: 71, total_tokens: 1475, prompt_tokens_details: { cached_tokens: 1000 } },
    });
  });
});

describe('chatResponseToMessages', () => {
  it('converts tool calls with parsed input and cached usage', () => {
    expect(chatResponseToMessages(JSON.parse(fixture('chat/completion-tool-calls.json')), 'gpt-4o')).toEqual({
      id: 'chatcmpl-BuZ2ToolCallsX9',
      type: 'message',
      role: 'assistant',
      model: 'gpt-4o-2024-08-06',
      content: [{ type: 'tool_use', id: 'call_pH3dFq2w1Ck8ZbX', name: 'get_weather', input: { location: 'Paris', unit: 'celsius' }, caller: { type: 'direct' } }],
      stop_reason: 'tool_use',
      stop_sequence: null,
      // Every field of Anthropic's Message and Usage, null where OpenAI has no equivalent.
      stop_details: null,
      container: null,
      diagnostics: null,
      usage: {
        input_tokens: 18,
        output_tokens: 18,
        cache_read_input_tokens: 64,
        cache_creation_input_tokens: 0,
        cache_creation: null,
        output_tokens_details: null,
        server_tool_use: null,
        service_tier: null,
        inference_geo: null,
        speed: null,
      },
    });
  });

  it('names the attempt\'s model when the upstream answer names none', () => {
    const { model: _omitted, ...nameless } = JSON.parse(fixture('chat/completion.json')) as Record<string, unknown>;
    expect(chatResponseToMessages(nameless, 'gpt-4o-mini').model).toBe('gpt-4o-mini');
    expect(messagesResponseToChat({ ...(JSON.parse(fixture('messages/completion-tool-use.json')) as object), model: '' }, 'claude-haiku-4-5').model).toBe(
      'claude-haiku-4-5',
    );
  });

  it('converts plain text', () => {
    const out = chatResponseToMessages(JSON.parse(fixture('chat/completion.json')), 'gpt-4o-mini');
    expect(out.content).toEqual([{ type: 'text', text: 'The capital of France is Paris.', citations: null }]);
    expect(out.stop_reason).toBe('end_turn');
    expect(out.usage).toMatchObject({ input_tokens: 24, output_tokens: 8, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 });
  });
});

describe('createMessagesToChatStream', () => {
  it('produces chunks the OpenAI SDK assembles into the same answer', async () => {
    const sse = translate(createMessagesToChatStream('anthropic:claude-sonnet-4', { includeUsage: true }), 'messages/stream-tool-use.sse');
    expect(sse.endsWith('data: [DONE]\n\n')).toBe(true);
    const client = new OpenAI({ apiKey: 'test', baseURL: 'http://fake.invalid/v1', fetch: sseResponse(sse), maxRetries: 0 });
    const stream = client.chat.completions.stream({ model: 'x', messages: [{ role: 'user', content: 'hi' }], stream_options: { include_usage: true } });
    const completion = await stream.finalChatCompletion();
    expect(completion.id).toBe('msg_01XFDUDYJgAACzvnptvVoYEL');
    expect(completion.model).toBe('anthropic:claude-sonnet-4');
    const choice = completion.choices[0];
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBe("Okay, let's check the weather for San Francisco, CA:");
    expect(choice.message.tool_calls).toHaveLength(1);
    const call = choice.message.tool_calls![0] as { id: string; function: { name: string; arguments: string } };
    expect(call.id).toBe('toolu_01T1x1fJ34qAmk2tNTrN7Up6');
    expect(call.function.name).toBe('get_weather');
    expect(JSON.parse(call.function.arguments)).toEqual({ location: 'San Francisco, CA', unit: 'fahrenheit' });
    expect(completion.usage).toMatchObject({ prompt_tokens: 572, completion_tokens: 89, total_tokens: 661 });
  });

  it('sends no usage chunk unless the client asked for one', () => {
    const frames = events(translate(createMessagesToChatStream('m'), 'messages/stream-tool-use.sse'));
    expect(frames.at(-1)?.data).toBe('[DONE]');
    expect(frames.some((f) => f.data.includes('"usage"'))).toBe(false);
    const last = JSON.parse(frames.at(-2)!.data);
    expect(last.choices[0]).toEqual({ index: 0, delta: {}, logprobs: null, finish_reason: 'tool_calls' });
  });

  it('ends a failed stream with an error frame and never [DONE]', () => {
    const translator = createMessagesToChatStream('m');
    const sse = translate(translator, 'messages/stream-overloaded.sse');
    const frames = events(sse);
    expect(frames.at(-1)?.data).toBe(JSON.stringify({ error: { message: 'Overloaded', type: 'overloaded_error', param: null, code: 'overloaded_error' } }));
    expect(sse).not.toContain('[DONE]');
  });

  it('does not fake a finish for a stream cut off mid-answer', () => {
    const translator = createMessagesToChatStream('m');
    const all = events(fixture('messages/stream-tool-use.sse'));
    for (const e of all.slice(0, 5)) translator.push(e);
    expect(translator.end()).toEqual([]);
  });
});

describe('createChatToMessagesStream', () => {
  it('produces events the Anthropic SDK assembles into tool_use blocks', async () => {
    const sse = translate(createChatToMessagesStream('openai:gpt-4o'), 'chat/stream-tool-calls.sse');
    const names = events(sse).map((e) => e.event);
    expect(names).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    const client = new Anthropic({ apiKey: 'test', baseURL: 'http://fake.invalid', fetch: sseResponse(sse), maxRetries: 0 });
    const message = await client.messages.stream({ model: 'x', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }).finalMessage();
    expect(message.model).toBe('openai:gpt-4o');
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toEqual([
      { type: 'tool_use', id: 'call_pH3dFq2w1Ck8ZbX', name: 'get_weather', input: { location: 'Paris' }, caller: { type: 'direct' } },
      { type: 'tool_use', id: 'call_Zr8uV0nYq4Lm2Te', name: 'get_time', input: { tz: 'CET' }, caller: { type: 'direct' } },
    ]);
    expect(message.usage.output_tokens).toBe(41);
    expect(message.usage.input_tokens).toBe(20);
    expect(message.usage.cache_read_input_tokens).toBe(64);
  });

  it('streams text as one text block ending in end_turn', async () => {
    const sse = translate(createChatToMessagesStream('gpt-4o-mini'), 'chat/stream-usage.sse');
    const client = new Anthropic({ apiKey: 'test', baseURL: 'http://fake.invalid', fetch: sseResponse(sse), maxRetries: 0 });
    const message = await client.messages.stream({ model: 'x', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }).finalMessage();
    expect(message.content).toEqual([{ type: 'text', text: 'Hello! How can I help?', citations: null }]);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage).toMatchObject({ input_tokens: 19, output_tokens: 8 });
  });

  it('turns an in-band OpenAI error into an Anthropic error event', () => {
    const translator = createChatToMessagesStream('m');
    const sse = translate(translator, 'chat/stream-error-frame.sse');
    const frames = events(sse);
    expect(frames).toHaveLength(1);
    expect(frames[0].event).toBe('error');
    expect(JSON.parse(frames[0].data)).toEqual({
      type: 'error',
      error: { type: 'api_error', message: 'The server had an error while processing your request. Sorry about that!' },
    });
    expect(sse).not.toContain('message_stop');
  });

  it('does not fake message_stop when the upstream stops early', () => {
    const translator = createChatToMessagesStream('m');
    const all = events(fixture('chat/stream-usage.sse'));
    for (const e of all.slice(0, 3)) translator.push(e);
    expect(translator.end()).toEqual([]);
  });
});

describe('error bodies', () => {
  it('build each format', () => {
    expect(toOpenAiErrorBody('upstream_failed', 'All failed', 'server_error')).toEqual({
      error: { message: 'All failed', type: 'server_error', param: null, code: 'upstream_failed' },
    });
    expect(toAnthropicErrorBody('api_error', 'upstream_failed: All failed', 'req-1')).toEqual({
      type: 'error',
      error: { type: 'api_error', message: 'upstream_failed: All failed' },
      request_id: 'req-1',
    });
  });

  it('translate an upstream 4xx body across formats', () => {
    expect(JSON.parse(translateErrorBody('openai', 400, fixture('messages/error-credit-balance.json'), 'req-1'))).toEqual({
      error: {
        message: 'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.',
        type: 'invalid_request_error',
        param: null,
        code: 'invalid_request_error',
      },
    });
    expect(JSON.parse(translateErrorBody('anthropic', 400, fixture('chat/error-context-length.json'), 'req-2'))).toEqual({
      type: 'error',
      error: {
        type: 'invalid_request_error',
        message: "This model's maximum context length is 128000 tokens. However, your messages resulted in 130512 tokens. Please reduce the length of the messages.",
      },
      request_id: 'req-2',
    });
  });

  it('re-emit a hostile upstream error page as JSON text without the credential, key-like strings or markup (audit MEDIUM-1)', () => {
    const credential = 'ECHO400TOPSECRETPROVIDERKEYVALUE';
    const html = `<html><script>alert(1)</script>Authorization: Bearer sk-proj-ECHO400TOPSECRETPROVIDERKEYVALUE x-api-key: ${credential}</html>`;
    for (const to of ['openai', 'anthropic'] as const) {
      const text = translateErrorBody(to, 400, html, 'req-3', credential);
      expect(text).not.toContain(credential);
      expect(text).not.toContain('<script>');
      expect(JSON.parse(text)).toMatchObject(to === 'openai' ? { error: { message: 'Upstream returned HTTP 400.' } } : { type: 'error' });
    }
    // The exact credential is redacted even when nothing about it looks like a key, also JSON-escaped.
    const json = JSON.stringify({ error: { message: `bad key k3y/0123456789 \u0000 end`, code: '<b>x</b>' } }).replace('k3y/', 'k3y\\/');
    const parsed = JSON.parse(translateErrorBody('openai', 401, json, 'req-4', 'k3y/0123456789')) as { error: { message: string; code: string | null } };
    expect(parsed.error.message).toMatch(/^bad key \[redacted\] +end$/);
    expect(parsed.error.code).toBeNull();
    const nul = JSON.parse(translateErrorBody('openai', 400, JSON.stringify({ error: { message: 'a\u0000b', code: 'bad_thing' } }), 'req-5')) as {
      error: { message: string; code: string };
    };
    expect(nul.error).toMatchObject({ message: 'a b', code: 'bad_thing' });
  });

  it('write terminal stream error frames per surface', () => {
    expect(events(streamErrorFrame('messages', 'upstream_failed', 'gone', 529))).toEqual([
      { event: 'error', data: '{"type":"error","error":{"type":"overloaded_error","message":"gone"}}' },
    ]);
    expect(events(streamErrorFrame('chat', 'upstream_failed', 'gone'))).toEqual([
      { data: '{"error":{"message":"gone","type":"server_error","param":null,"code":"upstream_failed"}}' },
    ]);
    // Codex ignores a bare `error` event: a broken Responses stream ends with response.failed.
    const [failed] = events(streamErrorFrame('responses', 'upstream_timeout', 'late'));
    expect(failed.event).toBe('response.failed');
    // error.code is one of OpenAI's ResponseErrorCode values; the gateway's own code leads the message.
    expect(JSON.parse(failed.data)).toMatchObject({ type: 'response.failed', response: { status: 'failed', error: { code: 'server_error', message: 'upstream_timeout: late' } } });
  });
});

describe('a Responses conversation another vendor answered, sent to a provider serving Responses itself', () => {
  const OPENAI_RESPONSES = { apiFormat: 'openai', surfaces: ['chat', 'responses'] } as const;
  const prepare = (body: Json) => planFor('responses', OPENAI_RESPONSES).request(body, undefined).body;

  it("drops the gateway's reasoning items and the gateway's ids, and keeps OpenAI's own items as they are", () => {
    const own = { type: 'reasoning', id: 'rs_68abcdef', summary: [], encrypted_content: 'gAAAA' };
    const body = {
      model: 'gpt-5',
      input: [
        { role: 'user', content: 'weather in Oslo?' },
        { type: 'reasoning', id: 'rs_gwmk1a2b0001', summary: [{ type: 'summary_text', text: 'x' }], encrypted_content: 'gateway-anthropic-signature:s' },
        { type: 'function_call', id: 'fc_gwmk1a2b0002', call_id: 'toolu_1', name: 'weather', arguments: '{}', status: 'completed' },
        { type: 'function_call_output', call_id: 'toolu_1', output: '4°C' },
        { type: 'message', id: 'msg_gwmk1a2b0003', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'It is 4°C.', annotations: [] }] },
        own,
        { role: 'user', content: 'and Bergen?' },
      ],
    };
    const sent = prepare(body);
    expect(sent.input).toEqual([
      { role: 'user', content: 'weather in Oslo?' },
      { type: 'function_call', call_id: 'toolu_1', name: 'weather', arguments: '{}', status: 'completed' },
      { type: 'function_call_output', call_id: 'toolu_1', output: '4°C' },
      { type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'It is 4°C.', annotations: [] }] },
      own,
      { role: 'user', content: 'and Bergen?' },
    ]);
    expect((body.input as Json[]).length).toBe(7); // the client's body is not changed
  });

  it('passes a body without such items through as the same object', () => {
    const body = { model: 'gpt-5', input: [{ type: 'reasoning', id: 'rs_68abcdef', summary: [] }, { role: 'user', content: 'hi' }] };
    expect(prepare(body)).toBe(body);
  });
});

describe('a Messages conversation another vendor answered, sent to Anthropic itself', () => {
  const loop = (assistant: unknown[]) => [
    { role: 'user', content: 'weather in Oslo?' },
    { role: 'assistant', content: assistant },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_1', content: '4°C' }] },
  ];
  const toolUse = { type: 'tool_use', id: 'call_1', name: 'weather', input: { city: 'Oslo' } };

  it("leaves out another vendor's unsigned thinking, and thinking itself where the continued turn then opens without it", () => {
    const body = { model: 'claude-sonnet-4-5', max_tokens: 5000, thinking: { type: 'enabled', budget_tokens: 2048 }, messages: loop([{ type: 'thinking', thinking: 'deepseek thought', signature: '' }, toolUse]) };
    const { body: sent, removed } = forAnthropic(body);
    expect(sent.messages).toEqual(loop([toolUse]));
    expect(sent).not.toHaveProperty('thinking');
    expect(removed).toEqual(['thinking']);
    expect(body.thinking).toEqual({ type: 'enabled', budget_tokens: 2048 }); // the client's body is not changed
  });

  it('where thinking goes, context editing that clears thinking goes too (refused without thinking); other edits stay', () => {
    const clearTools = { type: 'clear_tool_uses_20250919', trigger: { type: 'input_tokens', value: 100000 } };
    const managed = (edits: unknown[]) => ({
      model: 'claude-sonnet-4-5',
      thinking: { type: 'enabled', budget_tokens: 2048 },
      context_management: { edits },
      messages: loop([{ type: 'thinking', thinking: 'deepseek thought', signature: '' }, toolUse]),
    });
    const alone = forAnthropic(managed([{ type: 'clear_thinking_20251015', keep: 'all' }]));
    expect(alone.body).not.toHaveProperty('context_management');
    expect(alone.removed).toEqual(['thinking', 'context_management.edits.clear_thinking_20251015']);
    const mixed = forAnthropic(managed([{ type: 'clear_thinking_20251015', keep: 'all' }, clearTools]));
    expect(mixed.body.context_management).toEqual({ edits: [clearTools] });
    // Thinking kept (Claude's own signed thinking): the clearing is kept as well.
    const own = managed([{ type: 'clear_thinking_20251015', keep: 'all' }]);
    own.messages = loop([{ type: 'thinking', thinking: 't', signature: 'sig' }, toolUse]);
    expect(forAnthropic(own)).toEqual({ body: own, removed: [] });
  });

  it('keeps adaptive thinking (Claude Code), which needs no thinking in earlier turns; an assistant message left empty goes', () => {
    const body = { model: 'claude-opus-4-8', thinking: { type: 'adaptive' }, messages: [{ role: 'user', content: 'a' }, { role: 'assistant', content: [{ type: 'thinking', thinking: 'x', signature: '' }] }, { role: 'user', content: 'b' }] };
    const { body: sent, removed } = forAnthropic(body);
    expect(sent.messages).toEqual([{ role: 'user', content: 'a' }, { role: 'user', content: 'b' }]);
    expect(sent.thinking).toEqual({ type: 'adaptive' });
    expect(removed).toEqual([]);
  });

  it("sends Claude's own conversation as the same object", () => {
    const own = { model: 'claude-sonnet-4-5', thinking: { type: 'enabled', budget_tokens: 2048 }, messages: loop([{ type: 'thinking', thinking: 't', signature: 'sig' }, toolUse]) };
    expect(forAnthropic(own).body).toBe(own);
    const plain = { model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'hi' }] };
    expect(forAnthropic(plain).body).toBe(plain);
  });
});

describe('Responses tool declarations for a provider that only knows functions (Codex on Claude)', () => {
  const plan = planFor('responses', ANTHROPIC);
  const request = {
    model: 'claude-sonnet-4-5',
    include: [],
    tools: [
      { type: 'function', name: 'exec_command', parameters: { type: 'object', properties: { cmd: { type: 'string' } } } },
      { type: 'namespace', name: 'multi_agent_v1', description: 'Sub-agents', tools: [{ type: 'function', name: 'spawn_agent', parameters: { type: 'object', properties: {} } }] },
    ],
    input: [
      { type: 'additional_tools', role: 'developer', tools: [{ type: 'namespace', name: 'functions', tools: [{ type: 'custom', name: 'exec', description: 'Run JavaScript', format: { type: 'grammar', syntax: 'lark', definition: 'start: /.+/' } }] }] },
      { role: 'user', content: 'go' },
    ],
  };

  it('offers namespaced and custom tools as functions, from `tools` and from additional_tools items alike', () => {
    const { body, removed } = plan.request(request, undefined);
    expect((body.tools as { name: string }[]).map((t) => t.name)).toEqual(['exec_command', 'multi_agent_v1__spawn_agent', 'functions__exec']);
    const exec = (body.tools as { name: string; description?: string; input_schema: Json }[])[2];
    expect(exec.description).toBe('Run JavaScript');
    expect(exec.input_schema).toMatchObject({ required: ['input'], properties: { input: { type: 'string', description: expect.stringContaining('start: /.+/') } } });
    expect(removed).toEqual([]);
  });

  it('answers calls as the client declared them: a namespaced function_call, a custom_tool_call with its text', () => {
    const claude = {
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5',
      content: [
        { type: 'tool_use', id: 'toolu_1', name: 'multi_agent_v1__spawn_agent', input: { task: 'x' } },
        { type: 'tool_use', id: 'toolu_2', name: 'functions__exec', input: { input: 'await tools.exec_command("ls")' } },
        { type: 'tool_use', id: 'toolu_3', name: 'exec_command', input: { cmd: 'ls' } },
      ],
      stop_reason: 'tool_use',
      usage: { input_tokens: 1, output_tokens: 1 },
    };
    const { output } = plan.response(claude, 'claude-sonnet-4-5', request) as { output: Json[] };
    expect(output[0]).toMatchObject({ type: 'function_call', name: 'spawn_agent', namespace: 'multi_agent_v1', call_id: 'toolu_1', arguments: '{"task":"x"}' });
    expect(output[1]).toMatchObject({ type: 'custom_tool_call', name: 'exec', namespace: 'functions', call_id: 'toolu_2', input: 'await tools.exec_command("ls")' });
    expect(String(output[1].id)).toMatch(/^ctc_gw/);
    expect(output[2]).toMatchObject({ type: 'function_call', name: 'exec_command', call_id: 'toolu_3' });
    expect(output[2]).not.toHaveProperty('namespace');
  });

  it('streams a custom tool call as custom_tool_call_input events with the text, not the JSON around it', () => {
    const stream = plan.stream('claude-sonnet-4-5', { includeUsage: false, request }) as StreamTranslator;
    const frames = [
      { type: 'message_start', message: { id: 'msg_2', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', content: [], usage: { input_tokens: 3, output_tokens: 1 } } },
      { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'toolu_9', name: 'functions__exec', input: {} } },
      { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{"input": "1 +' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: ' 1"}' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 2 } },
      { type: 'message_stop' },
    ];
    let out = '';
    for (const f of frames) out += stream.push({ event: f.type, data: JSON.stringify(f) }).frames.join('');
    const evs = events(out).map((e) => JSON.parse(e.data) as Json);
    expect(evs.filter((e) => e.type === 'response.function_call_arguments.delta')).toEqual([]);
    expect(evs.find((e) => e.type === 'response.custom_tool_call_input.done')).toMatchObject({ input: '1 + 1' });
    expect(evs.find((e) => e.type === 'response.output_item.done')?.item).toMatchObject({ type: 'custom_tool_call', name: 'exec', namespace: 'functions', input: '1 + 1', call_id: 'toolu_9' });
  });

  it('sends the next turn with the calls under the names Claude knows them by, and their outputs as tool results', () => {
    const { body } = plan.request(
      {
        ...request,
        input: [
          ...request.input,
          { type: 'function_call', call_id: 'toolu_1', name: 'spawn_agent', namespace: 'multi_agent_v1', arguments: '{"task":"x"}' },
          { type: 'custom_tool_call', call_id: 'toolu_2', name: 'exec', namespace: 'functions', input: '1 + 1' },
          { type: 'function_call_output', call_id: 'toolu_1', output: 'spawned' },
          { type: 'custom_tool_call_output', call_id: 'toolu_2', output: '2' },
        ],
      },
      undefined,
    );
    expect((body.messages as Json[]).slice(1)).toEqual([
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'toolu_1', name: 'multi_agent_v1__spawn_agent', input: { task: 'x' } },
          { type: 'tool_use', id: 'toolu_2', name: 'functions__exec', input: { input: '1 + 1' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: 'spawned' },
          { type: 'tool_result', tool_use_id: 'toolu_2', content: '2' },
        ],
      },
    ]);
  });
});
