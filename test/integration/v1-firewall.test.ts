import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { gqlOk } from '../support/graphql.js';
import { createAccessKey, createConfiguration, createProviderKey, startGatewayFixture, type GatewayFixture } from '../support/gateway-fixture.js';
import { framePayloads, fundAccount, parseSseText, postV1, usageEventFor } from '../support/v1-client.js';

const EMAIL = 'jane.doe@example.com';
const PHONE = '+1 415-555-0132';
const CARD = '4111 1111 1111 1111';
const PROMPT = `Please e-mail ${EMAIL}, call ${PHONE} and charge card ${CARD}.`;
/** What the simulated provider answers: the placeholders the redacted prompt carried. */
const ANSWER_WITH_PLACEHOLDERS = 'Done: mailed <EMAIL_1>, phoned <PHONE_1>, charged <CREDIT_CARD_1>. Also <UNKNOWN_9>.';
const RESTORED = `Done: mailed ${EMAIL}, phoned ${PHONE}, charged ${CARD}. Also <UNKNOWN_9>.`;

const CREATE_POLICY = 'mutation($input: FirewallPolicyInput!) { createFirewallPolicy(input: $input) { id } }';

interface Decision {
  policyId: string;
  rule: string;
  action: string;
  count: number;
}

describe('/v1 firewall policies', () => {
  let f: GatewayFixture;
  const keys: Record<string, string> = {};
  const policies: Record<string, string> = {};

  async function policy(name: string, mode: 'ENFORCE' | 'DRY_RUN', rules: unknown[], onError = 'BLOCK'): Promise<string> {
    const data = await gqlOk<{ createFirewallPolicy: { id: string } }>(f.baseUrl, CREATE_POLICY, { input: { name, mode, onError, rules } }, f.account.token);
    return data.createFirewallPolicy.id;
  }
  async function keyWith(policyIds: string[]): Promise<string> {
    const configurationId = await createConfiguration(f, { name: `c${Object.keys(keys).length}`, firewallPolicyIds: policyIds });
    return (await createAccessKey(f, configurationId)).token;
  }
  async function decisionsOf(requestId: string | null): Promise<{ errorCode: string | null; status: number; firewall: Decision[]; raw: string }> {
    const row = await usageEventFor(f, requestId);
    const firewall = JSON.parse(row.raw).firewall as Decision[] | string;
    return { errorCode: row.errorCode, status: row.status, firewall: typeof firewall === 'string' ? (JSON.parse(firewall) as Decision[]) : firewall, raw: row.raw };
  }
  const openai = (token: string) => new OpenAI({ baseURL: `${f.baseUrl}/v1`, apiKey: token, maxRetries: 0 });
  const anthropic = (token: string) => new Anthropic({ baseURL: f.baseUrl, apiKey: token, maxRetries: 0 });

  beforeAll(async () => {
    f = await startGatewayFixture();
    await fundAccount(f.baseUrl, f.account.token);
    await createProviderKey(f, 'openai', 'sk-user-openai');
    await createProviderKey(f, 'anthropic', 'sk-ant-user');
    policies.deny = await policy('no falcon', 'ENFORCE', [{ kind: 'DENY_PATTERN', pattern: '(?i)project\\s+falcon' }]);
    policies.dryDeny = await policy('watch falcon', 'DRY_RUN', [{ kind: 'DENY_PATTERN', pattern: '(?i)project\\s+falcon' }]);
    policies.pii = await policy('pii', 'ENFORCE', [{ kind: 'REDACT_PII', piiTypes: ['EMAIL', 'PHONE', 'CREDIT_CARD'], restoreInResponse: true }]);
    policies.tools = await policy('tools', 'ENFORCE', [{ kind: 'DENY_TOOLS', tools: ['delete_repo'] }]);
    policies.allow = await policy('allow', 'ENFORCE', [{ kind: 'ALLOW_TOOLS', tools: ['get_weather'] }]);
    keys.deny = await keyWith([policies.deny]);
    keys.dryDeny = await keyWith([policies.dryDeny]);
    keys.pii = await keyWith([policies.pii]);
    keys.tools = await keyWith([policies.tools]);
    keys.allow = await keyWith([policies.allow]);
    keys.none = (await createAccessKey(f)).token;
  });
  afterAll(async () => f?.stop());
  beforeEach(() => f.upstream.reset());

  describe('DENY_PATTERN', () => {
    it('ENFORCE: 403 policy_violation in each format, nothing sent upstream, the decision recorded without the text', async () => {
      const chat = await postV1(f, '/v1/chat/completions', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Status of Project  Falcon?' }] }, { token: keys.deny });
      expect(chat.status).toBe(403);
      expect(chat.json).toMatchObject({ error: { code: 'policy_violation', type: expect.any(String) } });
      const message = (chat.json as { error: { message: string } }).error.message;
      expect(message).toContain('no falcon');
      expect(message).toContain('DENY_PATTERN');
      expect(message).not.toMatch(/falcon\?/i);
      expect(chat.headers.get('x-should-retry')).toBe('false');

      const messages = await postV1(
        f,
        '/v1/messages',
        { model: 'claude-haiku-4-5', max_tokens: 10, system: 'About project falcon', messages: [{ role: 'user', content: 'hi' }] },
        { token: keys.deny },
      );
      expect(messages.status).toBe(403);
      expect(messages.json).toMatchObject({ type: 'error', error: { type: expect.any(String), message: expect.stringContaining('policy_violation') } });

      const responses = await postV1(
        f,
        '/v1/responses',
        { model: 'gpt-4o-mini', input: [{ type: 'function_call_output', call_id: 'c1', output: 'project falcon files' }] },
        { token: keys.deny },
      );
      expect(responses.status).toBe(403);
      expect(f.upstream.requests).toHaveLength(0);

      const usage = await decisionsOf(chat.headers.get('x-request-id'));
      expect(usage).toMatchObject({ status: 403, errorCode: 'policy_violation', firewall: [{ policyId: policies.deny, rule: 'DENY_PATTERN', action: 'blocked', count: 1 }] });
      expect(usage.raw).not.toMatch(/falcon/i);
    });

    it('DRY_RUN: serves the request and records a flagged decision', async () => {
      const { data, response } = await openai(keys.dryDeny)
        .chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Project Falcon please' }] })
        .withResponse();
      expect(data.choices[0].message.content).toContain('Hello from fake');
      expect(f.upstream.requests).toHaveLength(1);
      const usage = await decisionsOf(response.headers.get('x-request-id'));
      expect(usage.errorCode).toBeNull();
      expect(usage.firewall).toEqual([{ policyId: policies.dryDeny, rule: 'DENY_PATTERN', action: 'flagged', count: 1 }]);
    });
  });

  describe('REDACT_PII with restoreInResponse', () => {
    it('chat, non-streaming: the provider sees placeholders, the client the original values', async () => {
      f.upstream.script({ kind: 'ok', text: ANSWER_WITH_PLACEHOLDERS });
      const { data, response } = await openai(keys.pii)
        .chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'system', content: `Owner: ${EMAIL}` }, { role: 'user', content: PROMPT }] })
        .withResponse();
      const sent = f.upstream.requests[0].rawBody;
      expect(sent).not.toContain(EMAIL);
      expect(sent).not.toContain('415-555-0132');
      expect(sent).not.toContain('4111');
      expect(sent).toContain('<EMAIL_1>');
      expect(sent).toContain('<PHONE_1>');
      expect(data.choices[0].message.content).toBe(RESTORED);
      const usage = await decisionsOf(response.headers.get('x-request-id'));
      expect(usage.firewall).toEqual([{ policyId: policies.pii, rule: 'REDACT_PII', action: 'redacted', count: 4 }]);
      expect(usage.raw).not.toContain(EMAIL);
    });

    it('messages, streaming with placeholders split across chunks: every placeholder comes back whole', async () => {
      f.upstream.script({ kind: 'ok', text: ANSWER_WITH_PLACEHOLDERS, chunks: 23 });
      const stream = anthropic(keys.pii).messages.stream({ model: 'claude-haiku-4-5', max_tokens: 100, messages: [{ role: 'user', content: PROMPT }] });
      let text = '';
      stream.on('text', (t) => (text += t));
      const final = await stream.finalMessage();
      expect(text).toBe(RESTORED);
      expect(final.content).toEqual([expect.objectContaining({ type: 'text', text: RESTORED })]);
      expect(f.upstream.requests[0].rawBody).not.toContain(EMAIL);
    });

    it('chat and responses, streaming, also across a format translation (chat client, Anthropic model)', async () => {
      for (const model of ['gpt-4o-mini', 'claude-haiku-4-5']) {
        f.upstream.script({ kind: 'ok', text: ANSWER_WITH_PLACEHOLDERS, chunks: 31 });
        const stream = await openai(keys.pii).chat.completions.create({ model, stream: true, messages: [{ role: 'user', content: PROMPT }] });
        let text = '';
        for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
        expect(text, model).toBe(RESTORED);
      }
      f.upstream.script({ kind: 'ok', text: ANSWER_WITH_PLACEHOLDERS, chunks: 17 });
      const res = await postV1(f, '/v1/responses', { model: 'gpt-4o-mini', stream: true, input: PROMPT }, { token: keys.pii });
      const events = framePayloads(parseSseText(res.text));
      const deltas = events.filter((e) => e.type === 'response.output_text.delta').map((e) => e.delta as string);
      expect(deltas.join('')).toBe(RESTORED);
      expect(res.text).not.toContain('<EMAIL_1>');
    });
  });

  describe('tool rules', () => {
    const tools = [
      { type: 'function' as const, function: { name: 'delete_repo', parameters: { type: 'object', properties: {} } } },
      { type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: {} } } },
    ];

    it('DENY_TOOLS refuses a request offering the tool before anything goes upstream', async () => {
      const res = await postV1(f, '/v1/chat/completions', { model: 'gpt-4o-mini', tools, messages: [{ role: 'user', content: 'hi' }] }, { token: keys.tools });
      expect(res.status).toBe(403);
      expect(res.json).toMatchObject({ error: { code: 'policy_violation' } });
      expect(f.upstream.requests).toHaveLength(0);
    });

    it('ALLOW_TOOLS: an answer calling another tool ends with policy_violation (non-streaming)', async () => {
      f.upstream.script({ kind: 'ok', toolCall: { name: 'delete_repo', arguments: '{}' } });
      const res = await postV1(f, '/v1/chat/completions', { model: 'gpt-4o-mini', tools: [tools[1]], messages: [{ role: 'user', content: 'hi' }] }, { token: keys.allow });
      expect(res.status).toBe(403);
      expect(res.json).toMatchObject({ error: { code: 'policy_violation' } });
      expect(res.text).not.toContain('delete_repo');
      const usage = await decisionsOf(res.headers.get('x-request-id'));
      expect(usage.firewall).toEqual([{ policyId: policies.allow, rule: 'ALLOW_TOOLS', action: 'blocked', count: 1 }]);
    });

    it('ALLOW_TOOLS: a stream ends with one error event before the denied call reaches the client', async () => {
      f.upstream.script({ kind: 'ok', text: 'Let me check.', toolCall: { name: 'delete_repo', arguments: '{"force":true}' } });
      const res = await postV1(
        f,
        '/v1/messages',
        { model: 'claude-haiku-4-5', max_tokens: 50, stream: true, tools: [{ name: 'get_weather', input_schema: { type: 'object' } }], messages: [{ role: 'user', content: 'hi' }] },
        { token: keys.allow },
      );
      expect(res.text).not.toContain('delete_repo');
      expect(res.text).not.toContain('force');
      const frames = parseSseText(res.text);
      const errors = frames.filter((fr) => fr.event === 'error');
      expect(errors).toHaveLength(1);
      expect(errors[0].data).toContain('policy_violation');
      expect(frames[frames.length - 1].event).toBe('error');
      expect(frames.some((fr) => fr.event === 'message_stop')).toBe(false);
    });

    it('an allowed tool call passes untouched', async () => {
      f.upstream.script({ kind: 'ok', toolCall: { name: 'get_weather', arguments: '{"city":"Oslo"}' } });
      const data = await openai(keys.allow).chat.completions.create({ model: 'gpt-4o-mini', tools: [tools[1]], messages: [{ role: 'user', content: 'hi' }] });
      expect(data.choices[0].message.tool_calls?.[0]).toMatchObject({ function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } });
    });
  });

  it('costs nothing without policies: the body goes upstream byte for byte as before', async () => {
    const res = await postV1(f, '/v1/chat/completions', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: PROMPT }] }, { token: keys.none });
    expect(res.status).toBe(200);
    expect(f.upstream.requests[0].rawBody).toContain(EMAIL);
    const usage = await decisionsOf(res.headers.get('x-request-id'));
    expect(usage.firewall).toEqual([]);
  });

  it('never writes matched text to logs', () => {
    const logs = f.server.logs.join('\n');
    expect(logs).not.toContain(EMAIL);
    expect(logs).not.toContain('415-555-0132');
    expect(logs).not.toMatch(/project\s+falcon/i);
  });
});
