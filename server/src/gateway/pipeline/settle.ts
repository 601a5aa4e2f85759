import type { TokenUsage } from '../adapters/adapter.js';
import type { KeySource } from '../resolve-model.js';
import type { UsageRecord } from '../../services/usage/usage-record.js';
import type { Cost } from '../../services/pricing.js';
import { accessOf, type PipelineDeps, type RequestState } from './state.js';
import { observeUpstreamLatency } from '../../telemetry/upstream-latency.js';

/**
 * Pipeline step, last: price what happened, settle (or release) the credit reservation and queue
 * the usage event. The one place a `UsageRecord` is built; runs for every authenticated request,
 * failed or not.
 */
export function settle(state: RequestState, deps: PipelineDeps): void {
  const cost = deps.credits.cost(state.usage ?? NO_USAGE, state.attempt?.spec, state.attempt?.credential.keySource ?? 'user');
  state.reservation?.settle(cost);
  const usage = state.usage ?? NO_USAGE;
  state.rateTicket?.settle(usage.inputTokens + usage.outputTokens);
  const record = usageRecordOf(state, cost);
  deps.usage.record(record);
  observeUpstreamLatency(deps.metrics, record);
  deps.tracing?.trace({
    record,
    requestModel: state.body?.model ?? null,
    finishReasons: state.finishReasons ?? [],
    startedAt: state.admittedAt,
    endedAt: deps.now(),
  });
}

const NO_USAGE: Readonly<TokenUsage> = { inputTokens: 0, outputTokens: 0 };

function usageRecordOf(state: RequestState, cost: Cost): UsageRecord {
  const access = accessOf(state);
  const { attempt } = state;
  // Without an answering attempt (every one failed), the last one tried names provider and key.
  const last = state.log[state.log.length - 1];
  const usage = state.usage ?? NO_USAGE;
  const keySource = attempt?.credential.keySource ?? (last?.keySource as KeySource | undefined) ?? null;
  return {
    requestId: state.requestId,
    accountId: access.accountId,
    accessKeyId: access.accessKeyId,
    // The routed path (exact, no query): `/v1/chat/completions`, `/v1/messages/count_tokens`, …
    endpoint: state.path,
    provider: attempt?.provider ?? last?.provider ?? state.cache?.answer?.provider ?? null,
    model: attempt?.model ?? last?.model ?? state.cache?.answer?.model ?? state.body?.model ?? null,
    status: state.status,
    streamed: state.streamed,
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    promptCacheReadTokens: usage.cacheReadTokens ?? 0,
    promptCacheWriteTokens: usage.cacheWriteTokens ?? 0,
    webSearchCalls: usage.webSearchCalls ?? 0,
    tokensEstimated: state.estimated,
    latencyMs: Math.round(performance.now() - state.started),
    keySource: keySource === 'none' ? null : keySource,
    providerKeyId: attempt?.credential.providerKeyId ?? last?.providerKeyId ?? null,
    feeNano: cost.feeNano,
    upstreamCostNano: cost.upstreamCostNano,
    providerCostNano: cost.providerCostNano,
    totalCostNano: cost.totalNano,
    errorCode: state.errorCode,
    attempts: state.log,
    virtualModel: (attempt ?? state.sent ?? state.resolution?.attempts[0])?.virtualModel ?? null,
    // A hit has no attempt: it is priced as the processing fee alone (no provider, no key).
    cacheHit: state.cache?.status === 'hit',
    firewall: state.firewall?.decisions,
    // The admission time: the budget period the request was reserved in is the one its spend counts in.
    createdAt: new Date(state.admittedAt),
  };
}
