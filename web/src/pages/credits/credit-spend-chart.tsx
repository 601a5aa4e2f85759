import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { axisUsdFormatter, CHART_COLORS, USD_AXIS_WIDTH } from '../../components/chart-style';
import { formatUsd } from '../../lib/format';
import type { SpendDay } from './credit-spend';

/** Bars of what credits paid per UTC day, drawn like the Usage page's charts. Loaded lazily: recharts is heavy. */
export function CreditSpendChart({ days, summary }: { days: SpendDay[]; summary: string }) {
  const tickStyle = { fontSize: 12 };
  const formatTick = axisUsdFormatter(Math.max(0, ...days.map((d) => d.spend)));
  return (
    <div className="chart" role="img" aria-label={summary} data-testid="credit-spend-chart">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart accessibilityLayer={false} data={days} margin={{ top: 8, right: 8, left: -12, bottom: 0 }}>
          <CartesianGrid vertical={false} />
          <XAxis dataKey="label" tick={tickStyle} tickLine={false} axisLine={false} minTickGap={16} />
          <YAxis tick={tickStyle} tickLine={false} axisLine={false} tickFormatter={formatTick} width={USD_AXIS_WIDTH} />
          <Tooltip cursor={{ fill: 'rgba(79,70,229,0.06)' }} formatter={(_value, _name, item) => formatUsd((item.payload as SpendDay).spendUsd)} />
          <Bar dataKey="spend" name="Credits spent (USD)" fill={CHART_COLORS.success} radius={[3, 3, 0, 0]} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
