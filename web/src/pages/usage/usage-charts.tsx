import { useState } from 'react';
import { Area, AreaChart, Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useQuery } from 'urql';
import { Card } from '../../components/card';
import { DataTable, numeric } from '../../components/data-table';
import { EmptyCard } from '../../components/empty-state';
import { QueryState } from '../../components/query-state';
import { Tabs } from '../../components/tabs';
import { graphql } from '../../gql';
import type { UsageBucketFieldsFragment, UsageFilter, UsageSummaryQuery } from '../../gql/graphql';
import { axisUsdFormatter, CHART_COLORS as COLORS, USD_AXIS_WIDTH } from '../../components/chart-style';
import { formatCompact, formatInt, formatUsd, sumUsd, usdToChartNumber, utcDays } from '../../lib/format';

// One selection for every grouping (the generated query document includes the fragment).
graphql(`
  fragment UsageBucketFields on UsageBucket {
    key
    label
    requests
    errors
    inputTokens
    outputTokens
    costUsd
    cacheHits
  }
`);

const UsageSummaryQueryDoc = graphql(`
  query UsageSummary($from: DateTime!, $to: DateTime, $filter: UsageFilter) {
    daily: usageSummary(from: $from, to: $to, groupBy: DAY, filter: $filter) {
      ...UsageBucketFields
    }
    byProvider: usageSummary(from: $from, to: $to, groupBy: PROVIDER, filter: $filter) {
      ...UsageBucketFields
    }
    byModel: usageSummary(from: $from, to: $to, groupBy: MODEL, filter: $filter) {
      ...UsageBucketFields
    }
    byAccessKey: usageSummary(from: $from, to: $to, groupBy: ACCESS_KEY, filter: $filter) {
      ...UsageBucketFields
    }
  }
`);

const TYPENAMES = { additionalTypenames: ['UsageEvent', 'UsageBucket'] };

type Bucket = UsageBucketFieldsFragment;

/** One point per day of the range (UTC days, as the server groups them), zero-filled. */
export function fillDays(buckets: Bucket[], fromIso: string, toIso: string | null) {
  const byDay = new Map(buckets.map((b) => [b.key.slice(0, 10), b]));
  const start = new Date(`${fromIso.slice(0, 10)}T00:00:00Z`);
  const end = toIso ? new Date(toIso) : new Date();
  const points = utcDays(start, end, 400).map(({ day, label }) => {
    const b = byDay.get(day);
    return {
      day,
      label,
      ok: b ? b.requests - b.errors : 0,
      errors: b?.errors ?? 0,
      inputTokens: b?.inputTokens ?? 0,
      outputTokens: b?.outputTokens ?? 0,
      spend: b ? usdToChartNumber(b.costUsd) : 0,
      spendUsd: b?.costUsd ?? '0',
    };
  });
  // Buckets outside the generated range (e.g. time-zone edges) are still shown.
  for (const b of buckets) if (!points.some((p) => p.day === b.key.slice(0, 10))) points.push({ day: b.key, label: b.key, ok: b.requests - b.errors, errors: b.errors, inputTokens: b.inputTokens, outputTokens: b.outputTokens, spend: usdToChartNumber(b.costUsd), spendUsd: b.costUsd });
  return points.sort((a, b) => a.day.localeCompare(b.day));
}

/** The summary, charts and breakdown of the filtered requests: the same filter as the table below. */
export function UsageCharts({ filter, accessKeyNames }: { filter: UsageFilter; accessKeyNames: Map<string, string> }) {
  const from = filter.from!;
  const to = filter.to ?? null;
  const [result, reexecute] = useQuery({ query: UsageSummaryQueryDoc, variables: { from, to, filter }, context: TYPENAMES });
  return (
    <QueryState result={result} label="usage summary" onRetry={() => reexecute({ requestPolicy: 'network-only' })}>
      {(data) => <ChartsView data={data} from={from} to={to} accessKeyNames={accessKeyNames} />}
    </QueryState>
  );
}

function ChartsView({ data, from, to, accessKeyNames }: { data: UsageSummaryQuery; from: string; to: string | null; accessKeyNames: Map<string, string> }) {
  const points = fillDays(data.daily, from, to);
  const requests = data.daily.reduce((n, b) => n + b.requests, 0);
  const errors = data.daily.reduce((n, b) => n + b.errors, 0);
  const tokens = data.daily.reduce((n, b) => n + b.inputTokens + b.outputTokens, 0);
  const spend = sumUsd(data.daily.map((b) => b.costUsd));
  const cacheHits = data.daily.reduce((n, b) => n + b.cacheHits, 0);
  const tickStyle = { fontSize: 12 };
  const formatSpendTick = axisUsdFormatter(Math.max(0, ...points.map((p) => p.spend)));

  return (
    <div className="stack" data-testid="usage-charts">
      <div className="stat-grid">
        <Stat label="Requests" value={formatInt(requests)} />
        <Stat label="Error rate" value={requests ? `${((errors / requests) * 100).toFixed(1)}%` : '—'} tone={errors > 0 ? 'warning' : undefined} />
        <Stat label="Tokens" value={formatCompact(tokens)} />
        <Stat label="Spend" value={formatUsd(spend)} />
        <Stat label="Cache hit rate" value={requests ? `${((cacheHits / requests) * 100).toFixed(1)}%` : '—'} />
      </div>
      {requests === 0 ? (
        <EmptyCard title="No requests in this period">Send a request with an access key and it will show up here within seconds.</EmptyCard>
      ) : (
        <>
      <div className="chart-grid">
        <Card title="Requests per day (UTC)">
          <div className="chart" role="img" aria-label={`Requests per UTC day: ${formatInt(requests)} in total, ${formatInt(errors)} errors`}>
            <ResponsiveContainer width="100%" height="100%">
              <BarChart accessibilityLayer={false} data={points} margin={{ top: 8, right: 8, left: -12, bottom: 0 }}>
                <CartesianGrid vertical={false} />
                <XAxis dataKey="label" tick={tickStyle} tickLine={false} axisLine={false} minTickGap={16} />
                <YAxis tick={tickStyle} tickLine={false} axisLine={false} allowDecimals={false} width={48} />
                <Tooltip cursor={{ fill: 'rgba(79,70,229,0.06)' }} />
                <Legend wrapperStyle={{ fontSize: 12 }} />
                <Bar dataKey="ok" name="Succeeded" stackId="r" fill={COLORS.primary} radius={[0, 0, 0, 0]} isAnimationActive={false} />
                <Bar dataKey="errors" name="Errors" stackId="r" fill={COLORS.danger} radius={[3, 3, 0, 0]} isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          </div>
        </Card>
        <Card title="Tokens per day (UTC)">
          <div className="chart" role="img" aria-label={`Tokens per UTC day: ${formatInt(tokens)} in total`}>
            <ResponsiveContainer width="100%" height="100%">
              <AreaChart accessibilityLayer={false} data={points} margin={{ top: 8, right: 8, left: -12, bottom: 0 }}>
                <CartesianGrid vertical={false} />
                <XAxis dataKey="label" tick={tickStyle} tickLine={false} axisLine={false} minTickGap={16} />
                <YAxis tick={tickStyle} tickLine={false} axisLine={false} tickFormatter={(v: number) => formatCompact(v)} width={48} />
                <Tooltip formatter={(v) => formatInt(Number(v))} />
                <Legend wrapperStyle={{ fontSize: 12 }} />
                <Area type="monotone" dataKey="inputTokens" name="Input" stackId="t" stroke={COLORS.primary} fill={COLORS.primary} fillOpacity={0.25} isAnimationActive={false} />
                <Area type="monotone" dataKey="outputTokens" name="Output" stackId="t" stroke={COLORS.secondary} fill={COLORS.secondary} fillOpacity={0.25} isAnimationActive={false} />
              </AreaChart>
            </ResponsiveContainer>
          </div>
        </Card>
        <Card title="Spend per day (UTC)">
          <div className="chart" role="img" aria-label={`Spend per UTC day: ${formatUsd(spend)} in total`}>
            <ResponsiveContainer width="100%" height="100%">
              <AreaChart accessibilityLayer={false} data={points} margin={{ top: 8, right: 8, left: -12, bottom: 0 }}>
                <CartesianGrid vertical={false} />
                <XAxis dataKey="label" tick={tickStyle} tickLine={false} axisLine={false} minTickGap={16} />
                <YAxis tick={tickStyle} tickLine={false} axisLine={false} tickFormatter={formatSpendTick} width={USD_AXIS_WIDTH} />
                <Tooltip formatter={(_value, _name, item) => formatUsd((item.payload as { spendUsd: string }).spendUsd)} />
                <Area type="monotone" dataKey="spend" name="Spend (USD)" stroke={COLORS.success} fill={COLORS.success} fillOpacity={0.2} isAnimationActive={false} />
              </AreaChart>
            </ResponsiveContainer>
          </div>
        </Card>
      </div>
      <Breakdown data={data} accessKeyNames={accessKeyNames} />
        </>
      )}
    </div>
  );
}

function Stat({ label, value, tone }: { label: string; value: string; tone?: 'warning' }) {
  return (
    <div className={tone ? `stat stat-${tone}` : 'stat'}>
      <span className="stat-label">{label}</span>
      <span className="stat-value">{value}</span>
    </div>
  );
}

type BreakdownId = 'PROVIDER' | 'MODEL' | 'ACCESS_KEY';

function Breakdown({ data, accessKeyNames }: { data: UsageSummaryQuery; accessKeyNames: Map<string, string> }) {
  const [tab, setTab] = useState<BreakdownId>('PROVIDER');
  const buckets = tab === 'PROVIDER' ? data.byProvider : tab === 'MODEL' ? data.byModel : data.byAccessKey;
  const label = (bucket: Bucket) => bucket.label || (tab === 'ACCESS_KEY' ? accessKeyNames.get(bucket.key) : undefined) || bucket.key || '(none)';
  const rows = [...buckets].sort((a, b) => b.requests - a.requests);
  const chartData = rows.slice(0, 10).map((b) => ({ name: label(b), requests: b.requests, spend: usdToChartNumber(b.costUsd) }));
  return (
    <Card title="Breakdown">
      <Tabs
        label="Group usage by"
        tabs={[
          { id: 'PROVIDER', label: 'By provider' },
          { id: 'MODEL', label: 'By model' },
          { id: 'ACCESS_KEY', label: 'By access key' },
        ]}
        selected={tab}
        onSelect={(id) => setTab(id as BreakdownId)}
      >
        {rows.length === 0 ? (
          <p className="muted">No usage in this period.</p>
        ) : (
          <div className="breakdown">
            <div className="chart chart-short" role="img" aria-label="Requests by group, top 10">
              <ResponsiveContainer width="100%" height="100%">
                <BarChart accessibilityLayer={false} data={chartData} layout="vertical" margin={{ top: 4, right: 16, left: 8, bottom: 4 }}>
                  <CartesianGrid horizontal={false} />
                  <XAxis type="number" tick={{ fontSize: 12 }} allowDecimals={false} axisLine={false} tickLine={false} />
                  <YAxis type="category" dataKey="name" width={130} tick={{ fontSize: 12 }} axisLine={false} tickLine={false} />
                  <Tooltip cursor={{ fill: 'rgba(79,70,229,0.06)' }} />
                  <Bar dataKey="requests" name="Requests" fill={COLORS.primary} radius={[0, 4, 4, 0]} isAnimationActive={false} />
                </BarChart>
              </ResponsiveContainer>
            </div>
            <DataTable
              label="Usage breakdown"
              className="compact"
              columns={[tab === 'PROVIDER' ? 'Provider' : tab === 'MODEL' ? 'Model' : 'Access key', numeric('Requests'), numeric('Errors'), numeric('Tokens in / out'), numeric('Cost')]}
            >
              <tbody>
                {rows.map((b) => (
                  <tr key={b.key}>
                    <td className="cell-title">{label(b)}</td>
                    <td className="num">{formatInt(b.requests)}</td>
                    <td className="num">{formatInt(b.errors)}</td>
                    <td className="num">
                      {formatCompact(b.inputTokens)} / {formatCompact(b.outputTokens)}
                    </td>
                    <td className="num">{formatUsd(b.costUsd)}</td>
                  </tr>
                ))}
              </tbody>
            </DataTable>
          </div>
        )}
      </Tabs>
    </Card>
  );
}
