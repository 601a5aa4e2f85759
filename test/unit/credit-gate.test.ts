import { describe, expect, it } from 'vitest';
import { BUILT_IN_CATALOG } from '../../server/src/catalog/catalog.js';
const findModel = BUILT_IN_CATALOG.findModel.bind(BUILT_IN_CATALOG);
import { createCreditGate, estimateInputForReservation } from '../../server/src/gateway/credit-gate.js';
import type { InferenceBody } from '../../server/src/gateway/request-body.js';
import type { Attempt, KeySource } from '../../server/src/gateway/resolve-model.js';
import { worstCaseCost } from '../../server/src/services/pricing.js';

function attempt(provider: string, model: string, keySource: KeySource): Attempt {
  // Only spec and credential.keySource price an attempt; the rest is irrelevant to the gate.
  return { provider, model, spec: findModel(provider, model), credential: { keySource } } as unknown as Attempt;
}

const body: InferenceBody = {
  json: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] },
  model: 'gpt-4o-mini',
  fallbacks: ['anthropic:claude-opus-4-1'],
  stream: false,
  bytes: 300,
  clientWantsStreamUsage: false,
  maxOutputTokens: 1000,
  cacheWrites: 'none',
};

describe('credit gate pre-flight', () => {
  it('reserves for the most expensive candidate, not the first or the cheapest (mutant M09)', async () => {
    const reserved: bigint[] = [];
    const budgeted: bigint[] = [];
    const gate = createCreditGate({
      reserve: async (_accountId, worstCaseNano) => {
        reserved.push(worstCaseNano);
        return { settle: () => undefined, release: () => undefined };
      },
      reserveBudget: async (_keyId, _period, worstCaseNano) => {
        budgeted.push(worstCaseNano);
        return { settle: () => undefined, release: () => undefined };
      },
    });
    // A cheap primary on the account's own key, an expensive fallback on the gateway's key, a cheap last resort.
    const attempts = [
      attempt('openai', 'gpt-4o-mini', 'user'),
      attempt('anthropic', 'claude-opus-4-1', 'gateway'),
      attempt('openai', 'gpt-4o-mini', 'gateway'),
    ];
    await gate.reserve({ accountId: 'acc', accessKeyId: 'key', budgetPeriod: 'DAY' }, 'chat', attempts, body, 0);
    const costs = attempts.map(
      (a) => worstCaseCost({ estimatedInputTokens: 100, maxOutputTokens: 1000, model: a.spec, keySource: a.credential.keySource }).totalNano,
    );
    expect(costs[1]).toBeGreaterThan(costs[0]);
    expect(costs[1]).toBeGreaterThan(costs[2]);
    expect(reserved).toEqual([costs[1]]);
    // The budget counts spend (catalog cost on any key): the most expensive candidate's, here the same one.
    const spends = attempts.map(
      (a) => worstCaseCost({ estimatedInputTokens: 100, maxOutputTokens: 1000, model: a.spec, keySource: a.credential.keySource }).spendNano,
    );
    expect(budgeted).toEqual([spends[1]]);
  });

  // Warm grants answer synchronously, cold ones and refusals as promises: the budget already held
  // is given back whichever way the account's credit refuses, and only then.
  for (const [how, refuse] of [
    ['synchronously', () => { throw new Error('no credit'); }],
    ['as a rejected promise', () => Promise.reject(new Error('no credit'))],
  ] as const) {
    it(`releases the key's budget when the credit refuses ${how}`, async () => {
      let budgetReleased = 0;
      const budget = { settle: () => undefined, release: () => void budgetReleased++ };
      const gate = createCreditGate({ reserve: refuse, reserveBudget: () => budget });
      const attempts = [attempt('openai', 'gpt-4o-mini', 'user')];
      await expect(Promise.resolve().then(() => gate.reserve({ accountId: 'acc', accessKeyId: 'key', budgetPeriod: 'DAY' }, 'chat', attempts, body, 0))).rejects.toThrow('no credit');
      expect(budgetReleased).toBe(1);
    });
  }

  it('answers a warm reservation synchronously and settles both credit and budget', () => {
    const settled: string[] = [];
    const gate = createCreditGate({
      reserve: () => ({ settle: (n) => void settled.push(`credit ${n}`), release: () => undefined }),
      reserveBudget: () => ({ settle: (n) => void settled.push(`budget ${n}`), release: () => undefined }),
    });
    const r = gate.reserve({ accountId: 'acc', accessKeyId: 'key', budgetPeriod: 'DAY' }, 'chat', [attempt('openai', 'gpt-4o-mini', 'user')], body, 0);
    if (r instanceof Promise) throw new Error('a warm reservation made a promise');
    r.settle({ totalNano: 7n, spendNano: 5n, feeNano: 2n, upstreamCostNano: 0n, providerCostNano: 5n });
    expect(settled).toEqual(['credit 7', 'budget 5']);
  });

  it('counts images and documents apart from the text, in small bodies (bytes) and large ones (tokenizer) alike', () => {
    const image = { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } };
    const small: InferenceBody = { ...body, json: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: [{ type: 'text', text: 'what is this?' }, image] }] }, bytes: 120 };
    expect(estimateInputForReservation('chat', small)).toEqual({ textTokens: 40, images: 1, documents: 0 });
    const big: InferenceBody = {
      ...body,
      json: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }, image, image, { type: 'file', file: { file_id: 'file-1' } }] }] },
      bytes: 70 * 1024,
    };
    const estimate = estimateInputForReservation('chat', big);
    expect(estimate).toMatchObject({ images: 2, documents: 1 });
    expect(estimate.textTokens).toBeLessThan(20);
  });

  it('holds an image by URL at its model’s image ceiling, not at the few bytes of its URL', () => {
    const reserved: bigint[] = [];
    const gate = createCreditGate({
      reserve: (_accountId, worstCaseNano) => {
        reserved.push(worstCaseNano);
        return { settle: () => undefined, release: () => undefined };
      },
      reserveBudget: () => ({ settle: () => undefined, release: () => undefined }),
    });
    const json = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }] }] };
    const a = attempt('openai', 'gpt-4o-mini', 'gateway');
    gate.reserve({ accountId: 'acc', accessKeyId: 'key', budgetPeriod: null }, 'chat', [a], { ...body, json, bytes: 99 }, 0);
    expect(reserved).toEqual([
      worstCaseCost({ estimatedInputTokens: 33, images: 1, maxOutputTokens: 1000, model: a.spec, keySource: 'gateway' }).totalNano,
    ]);
    // 33 text tokens + 48,169 for the image, 1,000 out, at $0.15 / $0.60 per million (150 / 600 nano-USD a token) plus the fee.
    expect(reserved[0]).toBe(48_202n * 150n + 1_000n * 600n + 49_202n * 50n);
  });
});
