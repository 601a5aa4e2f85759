import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

export interface UsageAttemptRecord {
  provider: string;
  model: string;
  providerKeyId: string | null;
  keySource: 'user' | 'gateway' | 'none';
  status: number | null;
  error: string | null;
  latencyMs: number;
}

/** A firewall decision as a usage event records it: counts only, never the matched text. */
export interface UsageFirewallDecision {
  policyId: string;
  rule: 'DENY_PATTERN' | 'REDACT_PII' | 'DENY_TOOLS' | 'ALLOW_TOOLS';
  action: 'blocked' | 'redacted' | 'flagged';
  count: number;
}

/**
 * One per /v1 request: metadata and each attempt, never bodies. Written in batches off the
 * request path, so account and access key are plain ids (the key may be revoked meanwhile).
 * The table is partitioned by UTC day on created_at and managed by hand-written migrations
 * (primary key and request id unique together with created_at; see services/usage/partitions.ts),
 * so the ORM's schema diff skips it.
 */
export const UsageEvent = defineEntity({
  name: 'UsageEvent',
  properties: {
    id: p.uuid().primary(),
    requestId: p.string().length(64),
    accountId: p.uuid(),
    accessKeyId: p.uuid(),
    endpoint: p.string().length(64),
    provider: p.string().length(64).nullable(),
    model: p.string().length(256).nullable(),
    status: p.integer(),
    streamed: p.boolean(),
    inputTokens: p.integer(),
    outputTokens: p.integer(),
    /** Of inputTokens: read from / written to the provider's prompt cache (priced apart). */
    promptCacheReadTokens: p.integer().default(0),
    promptCacheWriteTokens: p.integer().default(0),
    /** Hosted web searches the provider ran (billed per call). */
    webSearchCalls: p.integer().default(0),
    tokensEstimated: p.boolean(),
    latencyMs: p.integer(),
    keySource: p.string().length(16).nullable(),
    providerKeyId: p.uuid().nullable(),
    /** nano-USD (1e-9) as integer strings. */
    feeNano: p.bigint('string').default('0'),
    upstreamCostNano: p.bigint('string').default('0'),
    totalCostNano: p.bigint('string').default('0'),
    /** Upstream cost at catalog prices whoever's key served it; null when the model is unpriced. */
    providerCostNano: p.bigint('string').nullable(),
    cacheHit: p.boolean().default(false),
    virtualModel: p.string().length(128).nullable(),
    firewall: p.json<UsageFirewallDecision[]>().default('[]'),
    errorCode: p.string().length(64).nullable(),
    attempts: p.json<UsageAttemptRecord[]>(),
    createdAt: p.datetime(),
  },
  uniques: [{ properties: ['requestId', 'createdAt'] }],
  indexes: [
    { properties: ['accountId', 'createdAt', 'id'] },
    { properties: ['accountId', 'accessKeyId', 'createdAt'] },
    { properties: ['accountId', 'model', 'createdAt'] },
  ],
});
export type IUsageEvent = InferEntity<typeof UsageEvent>;
