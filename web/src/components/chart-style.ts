/** What every recharts chart of the admin UI shares, so the Usage and Credits pages draw money the same way. */

// Series colours read well on both themes; grid, axis and tooltip colours come from the theme's CSS (usage.css).
export const CHART_COLORS = { primary: '#6366f1', secondary: '#0ea5e9', danger: '#e11d48', success: '#10b981' };

/** Axis ticks: plain decimals with two significant digits (never "2.6e-7"); exact amounts are in the tooltip. */
const axisUsd = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 2 });
const axisUsdLarge = new Intl.NumberFormat('en-US', { notation: 'compact', maximumSignificantDigits: 3 });

/**
 * Spend ticks in at most 7 characters, so the axis can be sized for them: "$0", "$0.25", "$12", "$1.2K". When the
 * largest amount is under a tenth of a cent, every tick is in micro-dollars ("1.6µ$" for $0.0000016) instead of
 * a row of zeros; one unit per axis. Exact amounts are in the tooltip.
 */
export function axisUsdFormatter(maxValue: number): (value: number) => string {
  const micro = maxValue > 0 && maxValue < 0.001;
  return (value) => {
    if (!Number.isFinite(value) || value === 0) return micro ? '0µ$' : '$0';
    const sign = value < 0 ? '-' : '';
    const abs = Math.abs(value);
    if (micro) return `${sign}${axisUsd.format(abs * 1e6)}µ$`;
    return `${sign}$${abs >= 1000 ? axisUsdLarge.format(abs) : axisUsd.format(abs)}`;
  };
}

/** Wide enough for the longest tick axisUsdFormatter makes ("-$0.0012", "$1.23K"), at the axis font size. */
export const USD_AXIS_WIDTH = 64;
