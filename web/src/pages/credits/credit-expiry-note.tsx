import { formatDate, formatUsd, parseUsdNano } from '../../lib/format';

/** The window the Credits page warns about: credit expiring this soon is worth spending or topping up before. */
export const EXPIRY_WARNING_DAYS = 30;

interface CreditExpiryNoteProps {
  /** Account.nextCreditExpiry: what is left of the lot expiring next. */
  next: { amountUsd: string; expiresAt: string } | null;
  /** Account.creditExpiringUsd(withinDays: EXPIRY_WARNING_DAYS). */
  expiringSoonUsd: string;
}

/** Which credit expires next and when, as a warning when any expires within EXPIRY_WARNING_DAYS days. */
export function CreditExpiryNote({ next, expiringSoonUsd }: CreditExpiryNoteProps) {
  if (!next) return null;
  const soon = parseUsdNano(expiringSoonUsd) ?? 0n;
  const nextIsAllSoon = soon === parseUsdNano(next.amountUsd);
  const window = `within ${EXPIRY_WARNING_DAYS} days`;
  return (
    <p className={soon > 0n ? 'alert alert-warning' : 'muted small'} data-testid="credit-next-expiry">
      <strong>{formatUsd(next.amountUsd)}</strong> expires on {formatDate(next.expiresAt)}
      {soon === 0n ? '.' : nextIsAllSoon ? ` (${window}).` : `; ${formatUsd(expiringSoonUsd)} in all expires ${window}.`}
    </p>
  );
}
