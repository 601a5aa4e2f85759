import { ArgsType, Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { IUsageEvent } from '../../entities/usage-event.entity.js';
import { formatUsd } from '../../services/credits/money.js';
import type { UsageBucketRow } from '../../services/usage/usage-queries.js';
import { connectionType } from './connection.type.js';
import { FirewallDecision } from './firewall-decision.type.js';

export enum UsageGroupBy {
  HOUR = 'HOUR',
  DAY = 'DAY',
  PROVIDER = 'PROVIDER',
  MODEL = 'MODEL',
  ACCESS_KEY = 'ACCESS_KEY',
}
registerEnumType(UsageGroupBy, {
  name: 'UsageGroupBy',
  description: 'DAY buckets are UTC days (YYYY-MM-DD); HOUR buckets UTC hours (YYYY-MM-DDTHH:00:00Z), for ranges of at most 7 days.',
});

export enum UsageEventStorage {
  ALL = 'ALL',
  ERRORS = 'ERRORS',
  OFF = 'OFF',
}
registerEnumType(UsageEventStorage, {
  name: 'UsageEventStorage',
  description:
    'Which requests this gateway stores a usage event for (the operator\'s USAGE_EVENTS): every one, only failed ones (an error status, or an error code such as a stream cut off midway), or none. Summaries, budgets and credits count every request in each case.',
});

@ObjectType()
export class UsageAttempt {
  @Field(() => String)
  provider!: string;

  @Field(() => String)
  model!: string;

  @Field(() => ID, { nullable: true })
  providerKeyId!: string | null;

  @Field(() => String, { description: '"user", "gateway" or "none" (custom provider without a key).' })
  keySource!: string;

  @Field(() => Int, { nullable: true, description: 'Upstream HTTP status; null when no response arrived.' })
  status!: number | null;

  @Field(() => String, { nullable: true })
  error!: string | null;

  @Field(() => Int)
  latencyMs!: number;
}

@ObjectType({ description: 'One /v1 request: metadata and attempts, never bodies.' })
export class UsageEvent {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'Equals the x-request-id response header.' })
  requestId!: string;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => ID)
  accessKeyId!: string;

  @Field(() => String)
  endpoint!: string;

  @Field(() => String, { nullable: true })
  provider!: string | null;

  @Field(() => String, { nullable: true })
  model!: string | null;

  @Field(() => Int)
  status!: number;

  @Field(() => Boolean)
  streamed!: boolean;

  @Field(() => Int)
  inputTokens!: number;

  @Field(() => Int)
  outputTokens!: number;

  @Field(() => Int, { description: 'Of inputTokens: read from the provider\'s prompt cache, priced at its cache-read price.' })
  promptCacheReadTokens!: number;

  @Field(() => Int, { description: 'Of inputTokens: written to the provider\'s prompt cache (Anthropic), priced at its cache-write price.' })
  promptCacheWriteTokens!: number;

  @Field(() => Int, { description: 'Hosted web searches the provider ran for the request, billed per call on top of tokens.' })
  webSearchCalls!: number;

  @Field(() => Boolean)
  tokensEstimated!: boolean;

  @Field(() => Int)
  latencyMs!: number;

  @Field(() => String, { nullable: true, description: '"user" or "gateway".' })
  keySource!: string | null;

  @Field(() => ID, { nullable: true })
  providerKeyId!: string | null;

  @Field(() => String)
  feeUsd!: string;

  @Field(() => String)
  upstreamCostUsd!: string;

  @Field(() => String)
  totalCostUsd!: string;

  @Field(() => String, {
    nullable: true,
    description: 'Upstream cost at catalog prices, whoever\'s credentials served the request; null for unpriced models.',
  })
  providerCostUsd!: string | null;

  @Field(() => Boolean, { description: 'Answered from the response cache.' })
  cacheHit!: boolean;

  @Field(() => String, { nullable: true, description: 'The virtual model the request named, if any.' })
  virtualModel!: string | null;

  @Field(() => String, { nullable: true })
  errorCode!: string | null;

  @Field(() => [UsageAttempt])
  attempts!: UsageAttempt[];

  @Field(() => [FirewallDecision])
  firewall!: FirewallDecision[];

  static from(e: IUsageEvent): UsageEvent {
    return Object.assign(new UsageEvent(), {
      id: e.id,
      requestId: e.requestId,
      createdAt: e.createdAt,
      accessKeyId: e.accessKeyId,
      endpoint: e.endpoint,
      provider: e.provider ?? null,
      model: e.model ?? null,
      status: e.status,
      streamed: e.streamed,
      inputTokens: e.inputTokens,
      outputTokens: e.outputTokens,
      promptCacheReadTokens: e.promptCacheReadTokens,
      promptCacheWriteTokens: e.promptCacheWriteTokens,
      webSearchCalls: e.webSearchCalls,
      tokensEstimated: e.tokensEstimated,
      latencyMs: e.latencyMs,
      keySource: e.keySource ?? null,
      providerKeyId: e.providerKeyId ?? null,
      feeUsd: formatUsd(BigInt(e.feeNano)),
      upstreamCostUsd: formatUsd(BigInt(e.upstreamCostNano)),
      totalCostUsd: formatUsd(BigInt(e.totalCostNano)),
      providerCostUsd: e.providerCostNano === null || e.providerCostNano === undefined ? null : formatUsd(BigInt(e.providerCostNano)),
      cacheHit: e.cacheHit,
      virtualModel: e.virtualModel ?? null,
      errorCode: e.errorCode ?? null,
      attempts: e.attempts.map((a) => Object.assign(new UsageAttempt(), a)),
      firewall: (e.firewall ?? []).map((d) => Object.assign(new FirewallDecision(), d)),
    });
  }
}

export const UsageEventConnection = connectionType(UsageEvent, 'UsageEvent');

@InputType()
export class UsageFilter {
  @Field(() => ID, { nullable: true })
  accessKeyId?: string | null;

  @Field(() => String, { nullable: true })
  provider?: string | null;

  @Field(() => String, { nullable: true })
  model?: string | null;

  @Field(() => Int, { nullable: true })
  status?: number | null;

  @Field(() => Date, { nullable: true, description: 'Inclusive.' })
  from?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Exclusive.' })
  to?: Date | null;

  @Field(() => String, { nullable: true, description: 'The x-request-id of one request.' })
  requestId?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Only requests answered with status 400 or above.' })
  errorsOnly?: boolean | null;
}

@ArgsType()
export class UsageSummaryArgs {
  @Field(() => Date)
  from!: Date;

  @Field(() => Date, { nullable: true, description: 'Exclusive; default now.' })
  to?: Date | null;

  @Field(() => UsageGroupBy)
  groupBy!: UsageGroupBy;

  @Field(() => UsageFilter, { nullable: true, description: 'Narrows the summary like the usage event list.' })
  filter?: UsageFilter | null;
}

@ObjectType()
export class UsageBucket {
  @Field(() => String, { description: 'UTC day, provider id, provider:model or access key id.' })
  key!: string;

  @Field(() => String, { nullable: true, description: 'Human name where one exists (access key name).' })
  label!: string | null;

  @Field(() => Int)
  requests!: number;

  @Field(() => Int)
  errors!: number;

  @Field(() => Int)
  inputTokens!: number;

  @Field(() => Int)
  outputTokens!: number;

  @Field(() => String, { description: 'What credits paid: the processing fee, plus the upstream cost with gateway credentials.' })
  costUsd!: string;

  @Field(() => String, { description: 'Processing fee plus upstream cost at catalog prices, whoever\'s credentials served it (what budgets count).' })
  spendUsd!: string;

  @Field(() => Int, { description: 'Requests answered from the response cache (billed the processing fee only).' })
  cacheHits!: number;

  static from(r: UsageBucketRow): UsageBucket {
    return Object.assign(new UsageBucket(), { ...r, costUsd: formatUsd(r.costNano), spendUsd: formatUsd(r.spendNano) });
  }
}
