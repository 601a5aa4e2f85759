import type { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import { UsageEvent, type IUsageEvent } from '../../entities/usage-event.entity.js';
import { ValidationError } from '../../errors/validation-error.js';
import type { Page } from '../../graphql/types/connection.type.js';
import { paginate } from '../pagination.js';

export interface UsageFilterInput {
  accessKeyId?: string | null;
  provider?: string | null;
  model?: string | null;
  status?: number | null;
  from?: Date | null;
  to?: Date | null;
}

export type UsageGroupBy = 'DAY' | 'PROVIDER' | 'MODEL' | 'ACCESS_KEY';

export interface UsageBucketRow {
  key: string;
  label: string | null;
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  costNano: bigint;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_SUMMARY_DAYS = 400;

export async function listUsageEvents(
  em: EntityManager,
  accountId: string,
  filter: UsageFilterInput | null | undefined,
  args: { first?: number | null; after?: string | null },
): Promise<Page<IUsageEvent>> {
  const where: Record<string, unknown> = { accountId };
  if (filter?.accessKeyId) {
    // Another account's key id, or garbage, simply matches nothing.
    if (!UUID.test(filter.accessKeyId)) return { nodes: [], pageInfo: { hasNextPage: false, endCursor: null } };
    where.accessKeyId = filter.accessKeyId;
  }
  if (filter?.provider) where.provider = filter.provider;
  if (filter?.model) where.model = filter.model;
  if (filter?.status !== null && filter?.status !== undefined) where.status = filter.status;
  if (filter?.from || filter?.to) {
    where.createdAt = {
      ...(filter.from ? { $gte: filter.from } : {}),
      ...(filter.to ? { $lt: filter.to } : {}),
    };
  }
  return paginate(em, UsageEvent, where as FilterQuery<IUsageEvent>, args);
}

const GROUP_KEYS: Record<UsageGroupBy, string> = {
  DAY: `to_char(date_trunc('day', e.created_at at time zone 'UTC'), 'YYYY-MM-DD')`,
  PROVIDER: `coalesce(e.provider, '(none)')`,
  MODEL: `coalesce(e.provider || ':' || e.model, e.model, '(none)')`,
  ACCESS_KEY: `e.access_key_id::text`,
};

/** Aggregates usage in PostgreSQL; DAY buckets are UTC days, ordered by day, others by requests. */
export async function summarizeUsage(
  em: EntityManager,
  accountId: string,
  from: Date,
  to: Date | null | undefined,
  groupBy: UsageGroupBy,
): Promise<UsageBucketRow[]> {
  const end = to ?? new Date();
  if (Number.isNaN(from.getTime()) || Number.isNaN(end.getTime()) || end <= from) {
    throw new ValidationError('`to` must be after `from`.');
  }
  if (end.getTime() - from.getTime() > MAX_SUMMARY_DAYS * 86_400_000) {
    throw new ValidationError(`A summary may span at most ${MAX_SUMMARY_DAYS} days.`);
  }
  const key = GROUP_KEYS[groupBy];
  const label = groupBy === 'ACCESS_KEY' ? 'max(k.name)' : 'null';
  const join = groupBy === 'ACCESS_KEY' ? 'left join access_key k on k.id = e.access_key_id' : '';
  const order = groupBy === 'DAY' ? 'key asc' : 'requests desc, key asc';
  const rows = (await em.getConnection().execute(
    `select ${key} as key, ${label} as label, count(*)::int as requests,
            count(*) filter (where e.status >= 400)::int as errors,
            coalesce(sum(e.input_tokens), 0)::bigint as input_tokens,
            coalesce(sum(e.output_tokens), 0)::bigint as output_tokens,
            coalesce(sum(e.total_cost_nano), 0)::text as cost_nano
       from usage_event e ${join}
      where e.account_id = ? and e.created_at >= ? and e.created_at < ?
      group by 1 order by ${order} limit 1000`,
    [accountId, from, end],
  )) as { key: string; label: string | null; requests: number; errors: number; input_tokens: string; output_tokens: string; cost_nano: string }[];
  return rows.map((r) => ({
    key: r.key,
    label: r.label,
    requests: Number(r.requests),
    errors: Number(r.errors),
    inputTokens: Number(r.input_tokens),
    outputTokens: Number(r.output_tokens),
    costNano: BigInt(r.cost_nano),
  }));
}
