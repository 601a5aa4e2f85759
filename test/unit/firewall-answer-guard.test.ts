import { describe, expect, it } from 'vitest';
import { compilePolicy } from '../../server/src/gateway/policies/compile.js';
import { AnswerGuard, type ClientEvent } from '../../server/src/gateway/policies/answer-guard.js';
import { evaluateRequest } from '../../server/src/gateway/policies/evaluate.js';
import { FirewallStreamFilter } from '../../server/src/gateway/policies/stream-guard.js';

const redact = compilePolicy({ id: 'p', name: 'pii', mode: 'ENFORCE', onError: 'BLOCK', rules: [{ kind: 'REDACT_PII', piiTypes: ['EMAIL'], restoreInResponse: true }, { kind: 'DENY_TOOLS', tools: ['rm'] }] });

function guardFor(surface: 'chat' | 'messages' | 'responses') {
  const body = surface === 'responses' ? { input: 'mail jane@example.com' } : { messages: [{ role: 'user', content: 'mail jane@example.com' }] };
  const verdict = evaluateRequest([redact], surface, body);
  expect(verdict.restore?.get('<EMAIL_1>')).toBe('jane@example.com');
  return new AnswerGuard(surface, verdict);
}

function run(guard: AnswerGuard, events: ClientEvent[]): ClientEvent[] {
  const out: ClientEvent[] = [];
  for (const ev of events) {
    const r = guard.guardEvent(ev);
    if ('block' in r) throw new Error(`blocked: ${r.block.rule}`);
    out.push(...r.events);
  }
  return [...out, ...guard.end()];
}

describe('AnswerGuard', () => {
  it('restores a chat stream whose placeholder is split over three chunks, flushing before the finish chunk', () => {
    const chunk = (content: string | undefined, finish: string | null = null): ClientEvent => ({
      event: undefined,
      data: { id: 'c', object: 'chat.completion.chunk', choices: [{ index: 0, delta: content === undefined ? {} : { content }, finish_reason: finish }] },
    });
    const out = run(guardFor('chat'), [chunk('Mail <EM'), chunk('AIL_'), chunk('1> now <'), chunk(undefined, 'stop')]);
    const text = out.map((e) => ((e.data.choices as { delta: { content?: string } }[])[0]?.delta.content ?? '')).join('');
    expect(text).toBe('Mail jane@example.com now <');
    expect((out.at(-1)!.data.choices as { finish_reason: string }[])[0].finish_reason).toBe('stop');
  });

  it('restores a messages stream and flushes held text before content_block_stop', () => {
    const delta = (text: string): ClientEvent => ({ event: 'content_block_delta', data: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } } });
    const out = run(guardFor('messages'), [delta('to <EMAIL'), delta('_1'), { event: 'content_block_stop', data: { type: 'content_block_stop', index: 0 } }]);
    expect(out.map((e) => e.event)).toEqual(['content_block_delta', 'content_block_delta', 'content_block_delta', 'content_block_stop']);
    const text = out.filter((e) => e.event === 'content_block_delta').map((e) => (e.data.delta as { text: string }).text).join('');
    expect(text).toBe('to <EMAIL_1');
  });

  it('restores complete strings of final Responses events', () => {
    const out = run(guardFor('responses'), [
      { event: 'response.output_text.delta', data: { type: 'response.output_text.delta', delta: 'hi <EMAIL_1>' } },
      { event: 'response.output_text.done', data: { type: 'response.output_text.done', text: 'hi <EMAIL_1>' } },
    ]);
    expect(out.map((e) => e.data.delta ?? e.data.text)).toEqual(['hi jane@example.com', 'hi jane@example.com']);
  });

  it('blocks a denied tool call in a stream and in a complete answer', () => {
    const guard = guardFor('messages');
    const r = guard.guardEvent({ event: 'content_block_start', data: { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 't', name: 'rm', input: {} } } });
    expect('block' in r && r.block.rule).toBe('DENY_TOOLS');
    const complete = guardFor('chat').guardAnswer({ choices: [{ message: { content: '<EMAIL_1>', tool_calls: [{ function: { name: 'rm', arguments: '{}' } }] } }] });
    expect('block' in complete).toBe(true);
    const fine = guardFor('chat').guardAnswer({ choices: [{ message: { content: 'to <EMAIL_1>' } }] });
    expect(fine).toEqual({ answer: { choices: [{ message: { content: 'to jane@example.com' } }] } });
  });

  it('restores a complete answer in its JSON text, escaping values, and parses only when tool rules need names', () => {
    const verdict = { block: undefined, decisions: [], restore: new Map([['<EMAIL_1>', 'a"b\\c@example.com']]), answerRules: [] };
    const guard = new AnswerGuard('chat', verdict);
    const out = guard.guardAnswerText(JSON.stringify({ choices: [{ message: { content: 'to <EMAIL_1> and <EMAIL_2>' } }] }));
    expect('text' in out && JSON.parse(out.text)).toEqual({ choices: [{ message: { content: 'to a"b\\c@example.com and <EMAIL_2>' } }] });
    const blocked = guardFor('chat').guardAnswerText(JSON.stringify({ choices: [{ message: { content: 'x', tool_calls: [{ function: { name: 'rm', arguments: '{}' } }] } }] }));
    expect('block' in blocked).toBe(true);
  });

  it('leaves a complete answer with no placeholder and no tool key untouched (same buffer), and reads escaped ones', () => {
    const guard = guardFor('chat');
    const plain = Buffer.from(JSON.stringify({ choices: [{ message: { content: 'Hello! How can I help?' } }] }));
    expect(guard.guardAnswerBody(plain)).toEqual({ body: plain });
    expect((guard.guardAnswerBody(plain) as { body: unknown }).body).toBe(plain);
    const escaped = Buffer.from('{"choices":[{"message":{"content":"to \\u003CEMAIL_1\\u003e"}}]}');
    for (const g of [guard, new AnswerGuard('chat', { block: undefined, decisions: [], restore: new Map([['<EMAIL_1>', 'jane@example.com']]), answerRules: [] })]) {
      const out = g.guardAnswerBody(escaped);
      expect('body' in out && JSON.parse(String(out.body))).toEqual({ choices: [{ message: { content: 'to jane@example.com' } }] });
    }
    const escapedTool = Buffer.from('{"choices":[{"message":{"content":"x","tool\\u005fcalls":[{"function":{"name":"rm","arguments":"{}"}}]}}]}');
    expect('block' in guard.guardAnswerBody(escapedTool)).toBe(true);
  });

  it('relays stream events that need no guard as they came, and still restores and blocks the others', () => {
    const filter = new FirewallStreamFilter('chat', guardFor('chat'));
    const frame = (delta: Record<string, unknown>) => `data: ${JSON.stringify({ id: 'c', choices: [{ index: 0, delta, finish_reason: null }] })}\n\n`;
    const plain = frame({ content: 'Hello there' });
    expect(filter.filter(plain)).toEqual({ text: plain, stopped: false });
    const split = filter.filter(frame({ content: 'to <EMA' }) + frame({ content: 'IL_1> ok' }) + 'data: [DONE]\n\n');
    const texts = split.text
      .split('\n\n')
      .filter((f) => f.startsWith('data: {'))
      .map((f) => (JSON.parse(f.slice(6)) as { choices: { delta: { content: string } }[] }).choices[0].delta.content);
    expect(texts.join('')).toBe('to jane@example.com ok');
    expect(split.text.endsWith('data: [DONE]\n\n')).toBe(true);
    const blocked = filter.filter(frame({ tool_calls: [{ index: 0, id: 't', type: 'function', function: { name: 'rm', arguments: '' } }] }));
    expect(blocked.stopped).toBe(true);
  });
});
