import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useUnmigratedOrm } from '../support/migration-orm.js';

/** Existing usage rows survive the move to rollups and a partitioned table. */
describe('usage migrations', () => {
  const unmigratedOrm = useUnmigratedOrm();
  const DAY = 86_400_000;
  const times = [Date.now() - 200 * DAY, Date.now() - 3 * DAY, Date.now() - 3 * DAY + 1000, Date.now()];

  it('keeps every event, builds their rollups and partitions them by day', async () => {
    const orm = unmigratedOrm();
    await orm.migrator.up({ to: 'Migration20261125162059' });
    const em = orm.em.fork();
    const accountId = randomUUID();
    for (const [i, t] of times.entries()) {
      await em.execute(
        `insert into usage_event (id, request_id, account_id, access_key_id, endpoint, provider, model, status, streamed, input_tokens, output_tokens,
           tokens_estimated, latency_ms, key_source, provider_key_id, fee_nano, upstream_cost_nano, total_cost_nano, error_code, attempts, created_at)
         values (?, ?, ?, ?, '/v1/chat/completions', 'openai', 'gpt-4o-mini', ?, false, 10, 5, false, 3, 'gateway', null, 100, 900, 1000, null, '[]', ?)`,
        [randomUUID(), `req-${i}`, accountId, accountId, i === 2 ? 502 : 200, new Date(t)],
      );
    }
    await orm.migrator.up();
    const events = await em.execute<{ request_id: string; provider_cost_nano: string; part: string }[]>(
      `select request_id, provider_cost_nano::text, tableoid::regclass::text as part from usage_event order by created_at`,
    );
    expect(events.map((e) => e.request_id)).toEqual(['req-0', 'req-1', 'req-2', 'req-3']);
    expect(events.every((e) => e.provider_cost_nano === '900')).toBe(true);
    expect(events.map((e) => e.part)).toEqual(times.map((t) => `usage_event_p${new Date(t).toISOString().slice(0, 10).replaceAll('-', '')}`));
    const [rollup] = await em.execute<{ requests: string; errors: string; cost: string; spend: string }[]>(
      `select sum(requests)::text as requests, (sum(requests) filter (where status >= 400))::text as errors,
              sum(cost_nano)::text as cost, sum(spend_nano)::text as spend from usage_rollup where account_id = ?`,
      [accountId],
    );
    expect(rollup).toEqual({ requests: '4', errors: '1', cost: '4000', spend: '4000' });
    // The daily rollups start out as the hourly ones summed per UTC day.
    const daily = await em.execute<{ day: Date; requests: string; cost: string }[]>(
      `select day, sum(requests)::text as requests, sum(cost_nano)::text as cost from usage_rollup_daily where account_id = ? group by day order by day`,
      [accountId],
    );
    const days = [...new Set(times.map((t) => Math.floor(t / DAY) * DAY))];
    expect(daily.map((d) => new Date(d.day).getTime())).toEqual(days);
    expect(daily.map((d) => d.requests)).toEqual(days.map((d) => String(times.filter((t) => Math.floor(t / DAY) * DAY === d).length)));
  });
});
