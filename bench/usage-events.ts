import { timeOrderedUuid } from '../server/src/db/time-ordered-uuid.js';
import type { UsageAttemptRecord } from '../server/src/entities/usage-event.entity.js';
import type { UsageRecord } from '../server/src/services/usage/usage-record.js';

/**
 * Synthetic usage records with a production-like shape, for `npm run bench:usage`: tens of access
 * keys (a few busy, many quiet), each calling its own handful of models across several providers,
 * a few percent errors (some after a failover), cache hits, user and gateway credentials, three
 * endpoints, streamed and not. Deterministic (seeded).
 *
 * Events come in rounds, each spread evenly over the whole range in time order (within a round,
 * like a live writer's queue: one batch falls in one hour), so a run stopped after any round
 * (a time budget) still covers every day evenly.
 */

interface ModelSpec {
  provider: string;
  model: string;
  /** nano-USD per token (= USD per million tokens × 1000). */
  inputNano: bigint;
  outputNano: bigint;
  endpoint: string;
}

const MODELS: readonly ModelSpec[] = [
  { provider: 'openai', model: 'gpt-4o-mini', inputNano: 150n, outputNano: 600n, endpoint: '/v1/chat/completions' },
  { provider: 'openai', model: 'gpt-4o', inputNano: 2_500n, outputNano: 10_000n, endpoint: '/v1/chat/completions' },
  { provider: 'openai', model: 'gpt-4.1-mini', inputNano: 400n, outputNano: 1_600n, endpoint: '/v1/responses' },
  { provider: 'anthropic', model: 'claude-sonnet-4-5', inputNano: 3_000n, outputNano: 15_000n, endpoint: '/v1/messages' },
  { provider: 'anthropic', model: 'claude-haiku-4-5', inputNano: 1_000n, outputNano: 5_000n, endpoint: '/v1/messages' },
  { provider: 'google', model: 'gemini-2.5-flash', inputNano: 300n, outputNano: 2_500n, endpoint: '/v1/chat/completions' },
  { provider: 'groq', model: 'llama-3.3-70b-versatile', inputNano: 590n, outputNano: 790n, endpoint: '/v1/chat/completions' },
  { provider: 'deepseek', model: 'deepseek-chat', inputNano: 270n, outputNano: 1_100n, endpoint: '/v1/chat/completions' },
];

/** Contract: USD 0.05 per million tokens = 50 nano-USD per token. */
const FEE_NANO_PER_TOKEN = 50n;

/** Status, error code and share of requests (the rest are 200). */
const ERRORS: readonly { status: number; code: string; share: number }[] = [
  { status: 429, code: 'rate_limited', share: 0.008 },
  { status: 502, code: 'upstream_failed', share: 0.006 },
  { status: 400, code: 'invalid_request', share: 0.004 },
  { status: 504, code: 'upstream_timeout', share: 0.002 },
  { status: 402, code: 'budget_exceeded', share: 0.001 },
];

/** mulberry32: a tiny seeded PRNG, so two runs seed the same data. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GeneratorOptions {
  accountId: string;
  /** Access key ids of the account (the keys must exist: the writer touches their last use). */
  accessKeyIds: readonly string[];
  /** Provider key ids used for "user" credentials (may be empty: then every request uses the gateway's). */
  providerKeyIds: readonly string[];
  events: number;
  from: Date;
  to: Date;
  seed?: number;
  /** Events per round (default: all in one round). */
  perRound?: number;
}

interface KeyProfile {
  id: string;
  /** Cumulative weight for picking this key. */
  cumulative: number;
  models: readonly ModelSpec[];
  gatewayCredentials: boolean;
}

export interface UsageEventGenerator {
  /** Next record, or undefined once `events` were produced. */
  next(): UsageRecord | undefined;
  /** Whether the last record produced ended a round. */
  roundEnded(): boolean;
  produced(): number;
  /** Summary of the shape, for the report. */
  describe(): string;
  /** Request ids kept along the way (about 20, evenly spread), for lookups. */
  sampleRequestIds(): string[];
}

export function usageEventGenerator(o: GeneratorOptions): UsageEventGenerator {
  const rand = prng(o.seed ?? 16);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  // Zipf-like key weights: key i has weight 1/(i+1), so a few keys carry most of the traffic.
  let total = 0;
  const profiles: KeyProfile[] = o.accessKeyIds.map((id, i) => {
    total += 1 / (i + 1);
    const count = 2 + Math.floor(rand() * 3);
    const models = new Set<ModelSpec>();
    while (models.size < count) models.add(pick(MODELS));
    return { id, cumulative: total, models: [...models], gatewayCredentials: i % 5 === 4 };
  });
  const span = o.to.getTime() - o.from.getTime();
  const perRound = Math.min(o.events, o.perRound ?? o.events);
  const step = span / perRound;
  const samples: string[] = [];
  const sampleEvery = Math.max(1, Math.floor(o.events / 20));
  let n = 0;

  const keyFor = (): KeyProfile => {
    const r = rand() * total;
    let lo = 0;
    let hi = profiles.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (profiles[mid].cumulative < r) lo = mid + 1;
      else hi = mid;
    }
    return profiles[lo];
  };

  const errorFor = (): (typeof ERRORS)[number] | undefined => {
    let r = rand();
    for (const e of ERRORS) {
      if (r < e.share) return e;
      r -= e.share;
    }
    return undefined;
  };

  return {
    produced: () => n,
    roundEnded: () => n % perRound === 0,
    sampleRequestIds: () => samples,
    describe: () =>
      `${profiles.length} access keys (Zipf-weighted, 2–4 models each), ${MODELS.length} models over ${new Set(MODELS.map((m) => m.provider)).size} providers, ` +
      `${(ERRORS.reduce((s, e) => s + e.share, 0) * 100).toFixed(1)}% errors, ~3% cache hits, every 5th key on gateway credentials`,
    next(): UsageRecord | undefined {
      if (n >= o.events) return undefined;
      // Evenly spread with jitter inside the step, so time only moves forward (a live queue's order).
      const slot = n % perRound;
      const createdAt = new Date(o.from.getTime() + Math.floor(step * slot + rand() * step));
      n++;
      const key = keyFor();
      const spec = pick(key.models);
      const error = errorFor();
      const gateway = key.gatewayCredentials || o.providerKeyIds.length === 0;
      const providerKeyId = gateway ? null : pick(o.providerKeyIds);
      const keySource = gateway ? 'gateway' : 'user';
      const streamed = rand() < 0.6;
      // As the gateway makes them (http-handler): time-ordered, from the request's arrival.
      const requestId = timeOrderedUuid(createdAt.getTime());
      if (n % sampleEvery === 0) samples.push(requestId);
      const latencyMs = 150 + Math.floor(rand() * rand() * 6_000);
      const attempts: UsageAttemptRecord[] = [];
      if (error && error.status >= 500 && rand() < 0.5) {
        // A failed first attempt before the final one.
        attempts.push({ provider: spec.provider, model: spec.model, providerKeyId, keySource, status: 503, error: 'upstream 503', latencyMs: 80 });
      }
      if (!error || error.status >= 429) {
        attempts.push({
          provider: spec.provider,
          model: spec.model,
          providerKeyId,
          keySource,
          status: error ? error.status : 200,
          error: error ? `upstream ${error.status}` : null,
          latencyMs,
        });
      }
      const cacheHit = !error && rand() < 0.03;
      const inputTokens = error ? 0 : 50 + Math.floor(rand() * rand() * 2_400);
      const outputTokens = error ? 0 : 10 + Math.floor(rand() * 500);
      const tokens = BigInt(inputTokens + outputTokens);
      const feeNano = tokens * FEE_NANO_PER_TOKEN;
      const providerCostNano = error || cacheHit ? 0n : BigInt(inputTokens) * spec.inputNano + BigInt(outputTokens) * spec.outputNano;
      const upstreamCostNano = gateway ? providerCostNano : 0n;
      return {
        requestId,
        accountId: o.accountId,
        accessKeyId: key.id,
        endpoint: spec.endpoint,
        provider: spec.provider,
        model: spec.model,
        status: error ? error.status : 200,
        streamed,
        inputTokens,
        outputTokens,
        tokensEstimated: false,
        latencyMs: cacheHit ? 3 : latencyMs,
        keySource: attempts.length > 0 ? keySource : null,
        providerKeyId: attempts.length > 0 ? providerKeyId : null,
        feeNano,
        upstreamCostNano,
        totalCostNano: feeNano + upstreamCostNano,
        providerCostNano,
        cacheHit,
        virtualModel: null,
        firewall: [],
        errorCode: error ? error.code : null,
        attempts,
        createdAt,
      };
    },
  };
}
