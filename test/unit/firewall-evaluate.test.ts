import { describe, expect, it } from 'vitest';
import { compilePattern, compilePolicy, InvalidPatternError } from '../../server/src/gateway/policies/compile.js';
import { checkAnswerTool, evaluateRequest, MAX_SCANNED_CHARS } from '../../server/src/gateway/policies/evaluate.js';
import { calledToolNames, streamedToolName } from '../../server/src/gateway/policies/tool-names.js';
import type { FirewallPolicyData } from '../../server/src/gateway/policies/types.js';

const policy = (over: Partial<FirewallPolicyData>): ReturnType<typeof compilePolicy> =>
  compilePolicy({ id: 'p1', name: 'test', mode: 'ENFORCE', onError: 'BLOCK', rules: [], ...over });

const chatBody = () => ({
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system', content: 'You help jane@example.com' },
    { role: 'user', content: [{ type: 'text', text: 'Call +1 415-555-0132 about Project Falcon' }] },
    { role: 'tool', tool_call_id: 't1', content: 'result for jane@example.com' },
  ],
  tools: [{ type: 'function', function: { name: 'send_email', parameters: {} } }],
});
const messagesBody = () => ({
  model: 'claude-haiku-4-5',
  system: [{ type: 'text', text: 'Secret: Project Falcon' }],
  messages: [
    { role: 'user', content: 'mail jane@example.com' },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: [{ type: 'text', text: 'jane@example.com ok' }] }] },
  ],
  tools: [{ name: 'send_email', input_schema: {} }],
});
const responsesBody = () => ({
  model: 'gpt-4o-mini',
  instructions: 'Project Falcon',
  input: [
    { role: 'user', content: [{ type: 'input_text', text: 'mail jane@example.com' }] },
    { type: 'function_call_output', call_id: 'c', output: 'sent to jane@example.com' },
  ],
  tools: [{ type: 'function', name: 'send_email', parameters: {} }],
});

describe('firewall request evaluation', () => {
  it('blocks a denied pattern in every format in ENFORCE, naming the policy but not the text', () => {
    const deny = policy({ rules: [{ kind: 'DENY_PATTERN', pattern: '(?i)project\\s+falcon' }] });
    for (const [surface, body] of [['chat', chatBody()], ['messages', messagesBody()], ['responses', responsesBody()]] as const) {
      const v = evaluateRequest([deny], surface, body);
      expect(v.block, surface).toMatchObject({ policyId: 'p1', rule: 'DENY_PATTERN' });
      expect(JSON.stringify(v)).not.toContain('Falcon');
      expect(v.decisions).toEqual([{ policyId: 'p1', rule: 'DENY_PATTERN', action: 'blocked', count: 1 }]);
    }
  });

  it('only flags in DRY_RUN and leaves the body unchanged', () => {
    const body = chatBody();
    const before = JSON.stringify(body);
    const v = evaluateRequest(
      [policy({ mode: 'DRY_RUN', rules: [{ kind: 'DENY_PATTERN', pattern: 'Falcon' }, { kind: 'REDACT_PII', piiTypes: ['EMAIL'] }] })],
      'chat',
      body,
    );
    expect(v.block).toBeUndefined();
    expect(JSON.stringify(body)).toBe(before);
    expect(v.decisions).toEqual([
      { policyId: 'p1', rule: 'DENY_PATTERN', action: 'flagged', count: 1 },
      { policyId: 'p1', rule: 'REDACT_PII', action: 'flagged', count: 2 },
    ]);
  });

  it('redacts system, messages and tool results in all three formats, keeping the map for restore', () => {
    const redact = policy({ rules: [{ kind: 'REDACT_PII', piiTypes: ['EMAIL', 'PHONE'], restoreInResponse: true }] });
    for (const [surface, body] of [['chat', chatBody()], ['messages', messagesBody()], ['responses', responsesBody()]] as const) {
      const v = evaluateRequest([redact], surface, body);
      const text = JSON.stringify(body);
      expect(text, surface).not.toContain('jane@example.com');
      expect(text, surface).toContain('<EMAIL_1>');
      expect(v.restore?.get('<EMAIL_1>')).toBe('jane@example.com');
      expect(v.decisions[0]).toMatchObject({ rule: 'REDACT_PII', action: 'redacted' });
    }
  });

  it('applies tool rules to offered tools and to tools called in the answer', () => {
    const denyTools = policy({ rules: [{ kind: 'DENY_TOOLS', tools: ['send_email'] }] });
    expect(evaluateRequest([denyTools], 'messages', messagesBody()).block).toMatchObject({ rule: 'DENY_TOOLS' });
    const allow = policy({ rules: [{ kind: 'ALLOW_TOOLS', tools: ['send_email'] }] });
    const v = evaluateRequest([allow], 'chat', chatBody());
    expect(v.block).toBeUndefined();
    expect(checkAnswerTool(v, 'send_email')).toBeUndefined();
    expect(checkAnswerTool(v, 'delete_everything')).toMatchObject({ rule: 'ALLOW_TOOLS' });
    expect(v.decisions).toEqual([{ policyId: 'p1', rule: 'ALLOW_TOOLS', action: 'blocked', count: 1 }]);
  });

  it('finds tool calls in answers and stream events of each format', () => {
    expect(calledToolNames('chat', { choices: [{ message: { tool_calls: [{ function: { name: 'a' } }] } }] })).toEqual(['a']);
    expect(calledToolNames('messages', { content: [{ type: 'text', text: 'x' }, { type: 'tool_use', name: 'b' }] })).toEqual(['b']);
    expect(calledToolNames('responses', { output: [{ type: 'function_call', name: 'c' }] })).toEqual(['c']);
    expect(streamedToolName('chat', { choices: [{ delta: { tool_calls: [{ index: 0, function: { name: 'a', arguments: '' } }] } }] })).toBe('a');
    expect(streamedToolName('messages', { type: 'content_block_start', content_block: { type: 'tool_use', name: 'b' } })).toBe('b');
    expect(streamedToolName('responses', { type: 'response.output_item.added', item: { type: 'function_call', name: 'c' } })).toBe('c');
    expect(streamedToolName('chat', { choices: [{ delta: { content: 'hi' } }] })).toBeUndefined();
  });

  it('lets onError decide when a policy cannot be applied (text over the scan cap)', () => {
    const huge = { model: 'm', messages: [{ role: 'user', content: 'x'.repeat(MAX_SCANNED_CHARS + 1) }] };
    const rule = { kind: 'DENY_PATTERN' as const, pattern: 'never' };
    expect(evaluateRequest([policy({ rules: [rule], onError: 'BLOCK' })], 'chat', huge).block?.reason).toMatch(/could not be applied/);
    expect(evaluateRequest([policy({ rules: [rule], onError: 'CONTINUE' })], 'chat', huge).block).toBeUndefined();
  });

  it('refuses patterns that cannot run in linear time', () => {
    expect(() => compilePattern('(a)\\1')).toThrow(InvalidPatternError);
    expect(() => compilePattern('(?=a)b')).toThrow(InvalidPatternError);
    expect(() => compilePattern('')).toThrow(InvalidPatternError);
    const started = performance.now();
    expect(compilePattern('(a+)+b').matcher('a'.repeat(100_000) + 'c').find()).toBe(false);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
