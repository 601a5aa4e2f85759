import { lazy, Suspense, useState } from 'react';
import { useQuery } from 'urql';
import { Card } from '../../components/card';
import { Loading, QueryState } from '../../components/query-state';
import { graphql } from '../../gql';
import { formatInt, formatUsd, sumUsd } from '../../lib/format';
import { dailySpend, runway, RUNWAY_AVERAGE_DAYS, spendRangeStart, type SpendDay } from './credit-spend';

// recharts is most of the bundle weight: load it only when the chart is drawn.
const CreditSpendChart = lazy(() => import('./credit-spend-chart').then((m) => ({ default: m.CreditSpendChart })));

const CreditSpendQuery = graphql(`
  query CreditSpend($from: DateTime!) {
    me {
      id
      creditBalanceUsd
    }
    creditSpend: usageSummary(from: $from, groupBy: DAY) {
      key
      costUsd
    }
  }
`);

// A purchase changes the balance (Account); new usage changes the buckets.
const TYPENAMES = { additionalTypenames: ['Account', 'CreditTransaction', 'UsageBucket'] };

/** How fast credits are spent: the runway at the recent pace, and what credits paid per UTC day. */
export function CreditSpendCard() {
  // Fixed for the page's life: a range that moved on every render would refetch on every render.
  const [range] = useState(() => {
    const now = new Date();
    return { now, from: spendRangeStart(now) };
  });
  const [result, reexecute] = useQuery({ query: CreditSpendQuery, variables: { from: range.from.toISOString() }, context: TYPENAMES });
  return (
    <Card title="Credits spent per day (UTC)">
      <QueryState result={result} label="credit spend" onRetry={() => reexecute({ requestPolicy: 'network-only' })}>
        {(data) => {
          const days = dailySpend(data.creditSpend, range.from, range.now);
          const summary = spendSummary(days);
          return (
            <div className="stack">
              <RunwayNote balanceUsd={data.me.creditBalanceUsd} days={days} />
              <Suspense fallback={<Loading label="chart" />}>
                <CreditSpendChart days={days} summary={summary} />
              </Suspense>
              <p className="muted small" data-testid="credit-spend-summary">
                {summary}
              </p>
            </div>
          );
        }}
      </QueryState>
    </Card>
  );
}

/** The chart in words (its aria-label and the line under it): total, days with spend, the largest day. */
function spendSummary(days: SpendDay[]): string {
  const total = sumUsd(days.map((d) => d.spendUsd));
  const spent = days.filter((d) => d.spend > 0);
  if (spent.length === 0) return `Credits spent per UTC day over the last ${days.length} days: nothing.`;
  const largest = spent.reduce((max, d) => (d.spend > max.spend ? d : max));
  return (
    `Credits spent per UTC day over the last ${days.length} days: ${formatUsd(total)} in total, on ${formatInt(spent.length)} of ${days.length} days; ` +
    `the most on ${largest.label} (${formatUsd(largest.spendUsd)}).`
  );
}

/** Longer than any credit lives: at this pace some of the balance expires before it is spent. */
const LOT_LIFETIME_DAYS = 365n;

/** "At the last 7 days' average ($1.20/day), the balance lasts about 35 days." */
function RunwayNote({ balanceUsd, days }: { balanceUsd: string; days: SpendDay[] }) {
  const estimate = runway(balanceUsd, days);
  let sentence: string;
  if (estimate.kind === 'empty') sentence = 'The balance is empty: requests are refused until credits are bought.';
  else if (estimate.kind === 'no-spend') sentence = `No spend in the last ${RUNWAY_AVERAGE_DAYS} days.`;
  else {
    const pace = `At the last ${RUNWAY_AVERAGE_DAYS} days' average (${formatUsd(estimate.averageUsd)}/day)`;
    const n = estimate.days;
    if (n === 0n) sentence = `${pace}, the balance lasts less than a day.`;
    else if (n > LOT_LIFETIME_DAYS)
      sentence = `${pace}, the balance would last about ${formatInt(Number(n))} days, longer than credit lives (365 days): some of it will expire unspent.`;
    else sentence = `${pace}, the balance lasts about ${formatInt(Number(n))} ${n === 1n ? 'day' : 'days'}.`;
  }
  return (
    <div>
      <p data-testid="credit-runway">{sentence}</p>
      <p className="muted small">Averaged over the {RUNWAY_AVERAGE_DAYS} full UTC days before today.</p>
    </div>
  );
}
