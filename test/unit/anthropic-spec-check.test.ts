import { describe, expect, it } from 'vitest';
import { checkMessagesStream, specErrors } from '../support/anthropic-spec.js';

/** The checker the Anthropic conformance test relies on: it must refuse what Anthropic's clients would trip on. */

const frame = (event: string, data: Record<string, unknown>) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
const sse = (...events: Record<string, unknown>[]) => events.map((e) => frame(String(e.type), e)).join('');

const USAGE = {
  input_tokens: 3,
  output_tokens: 0,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: 0,
  cache_creation: null,
  inference_geo: null,
  output_tokens_details: null,
  server_tool_use: null,
  service_tier: null,
  speed: null,
};
const MESSAGE = {
  id: 'msg_1',
  type: 'message',
  role: 'assistant',
  model: 'claude-haiku-4-5',
  content: [],
  stop_reason: null,
  stop_sequence: null,
  stop_details: null,
  container: null,
  diagnostics: null,
  usage: USAGE,
};
const START = { type: 'message_start', message: MESSAGE };
const TEXT_START = { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '', citations: null } };
const TEXT_DELTA = { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hi' } };
const STOP_0 = { type: 'content_block_stop', index: 0 };
const DELTA = {
  type: 'message_delta',
  delta: { stop_reason: 'end_turn', stop_sequence: null, stop_details: null, container: null },
  usage: { input_tokens: 3, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens_details: null, server_tool_use: null },
};
const END = { type: 'message_stop' };

describe('checkMessagesStream', () => {
  it('accepts a conforming stream, pings included, and assembles its blocks', () => {
    const checked = checkMessagesStream(sse(START, { type: 'ping' }, TEXT_START, TEXT_DELTA, STOP_0, DELTA, END));
    expect(checked.violations).toEqual([]);
    expect(checked.blocks.map((b) => [b.type, b.text])).toEqual([['text', 'Hi']]);
  });

  it('accepts a stream ended by an error event', () => {
    const error = { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } };
    expect(checkMessagesStream(sse(START, TEXT_START, TEXT_DELTA, error)).violations).toEqual([]);
  });

  it('reports an event line that differs from the data type', () => {
    const body = frame('message_start', START) + frame('content_block_delta', TEXT_START) + sse(TEXT_DELTA, STOP_0, DELTA, END);
    expect(checkMessagesStream(body).violations).toEqual(['frame #1: event "content_block_delta" but data.type "content_block_start"']);
  });

  it('reports blocks out of order, deltas of the wrong kind and a missing message_delta', () => {
    const second = { ...TEXT_START, index: 1 };
    const wrongDelta = { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{' } };
    expect(checkMessagesStream(sse(START, second, wrongDelta, { type: 'content_block_stop', index: 1 }, END)).violations).toEqual([
      'frame #1: content_block_start index 1, expected 0',
      'frame #2: input_json_delta in a text block',
      'frame #4: message_stop without message_delta',
    ]);
  });

  it('reports events after message_stop, and a stream that just ends', () => {
    expect(checkMessagesStream(sse(START, DELTA, END, TEXT_DELTA)).violations).toEqual(['frame #3: content_block_delta after message_stop']);
    expect(checkMessagesStream(sse(START, TEXT_START, TEXT_DELTA)).violations).toEqual(['stream ended without message_stop or error (last phase: blocks)']);
  });

  it('reports schema violations against the member the type names', () => {
    const bare = { ...TEXT_START, content_block: { type: 'text', text: '' } };
    const badStop = { ...DELTA, delta: { ...DELTA.delta, stop_reason: 'stop' } };
    const violations = checkMessagesStream(sse(START, bare, STOP_0, badStop, END)).violations;
    expect(violations).toContain(`frame #1: content_block_start: /content_block must have required property 'citations' {"missingProperty":"citations"}`);
    expect(violations.some((v) => v.startsWith('frame #3: message_delta: /delta/stop_reason must be equal to one of the allowed values'))).toBe(true);
  });
});

describe('specErrors', () => {
  it('refuses an answer missing a field the SDK declares always present, or with a field it does not declare', () => {
    const { container: _container, ...withoutContainer } = MESSAGE;
    expect(specErrors('Message', MESSAGE)).toEqual([]);
    expect(specErrors('Message', withoutContainer)).toEqual([`/ must have required property 'container' {"missingProperty":"container"}`]);
    expect(specErrors('Message', { ...MESSAGE, extra: 1 })).toEqual([`/ must NOT have additional properties {"additionalProperty":"extra"}`]);
  });

  it('refuses an error body without request_id or with an unknown error type', () => {
    expect(specErrors('ErrorResponse', { type: 'error', error: { type: 'api_error', message: 'x' }, request_id: null })).toEqual([]);
    expect(specErrors('ErrorResponse', { type: 'error', error: { type: 'api_error', message: 'x' } })).toHaveLength(1);
    expect(specErrors('ErrorResponse', { type: 'error', error: { type: 'gateway_error', message: 'x' }, request_id: null })).not.toEqual([]);
  });
});
