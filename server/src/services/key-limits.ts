import { z } from 'zod';
import type { IAccessKey } from '../entities/access-key.entity.js';
import { BUDGET_PERIODS, type BudgetPeriod } from './credits/budget-period.js';
import { formatUsd, parseDecimal } from './credits/money.js';
import { parseInput } from './validate.js';

/** An access key's limits as the admin API reads and writes them. */
export interface KeyLimitsInput {
  budgetUsd?: string | null;
  budgetPeriod?: BudgetPeriod | null;
  requestsPerMinute?: number | null;
  tokensPerMinute?: number | null;
  expiresAt?: Date | null;
}

export interface KeyLimits {
  budgetUsd: string | null;
  budgetPeriod: BudgetPeriod | null;
  requestsPerMinute: number | null;
  tokensPerMinute: number | null;
  expiresAt: Date | null;
}

const MAX_BUDGET_NANO = 1_000_000_000n * 1_000_000_000n; // USD 1e9
/** Counters are 32-bit in the PostgreSQL store. */
const MAX_PER_MINUTE = 1_000_000_000;

const perMinute = z.number().int('must be a whole number').min(1, 'must be at least 1').max(MAX_PER_MINUTE, `must be at most ${MAX_PER_MINUTE}`);

const LimitsSchema = z.object({
  budgetUsd: z
    .string()
    .trim()
    .transform((s, ctx) => {
      const nano = parseDecimal(s);
      if (nano === undefined || nano <= 0n || nano > MAX_BUDGET_NANO) {
        ctx.addIssue({ code: 'custom', message: 'must be a positive decimal amount of US dollars (at most 9 decimals), e.g. "25.00"' });
        return z.NEVER;
      }
      return nano;
    })
    .nullish(),
  budgetPeriod: z.enum(BUDGET_PERIODS).nullish(),
  requestsPerMinute: perMinute.nullish(),
  tokensPerMinute: perMinute.nullish(),
  expiresAt: z.date().nullish(),
});

/**
 * Applies `limits` to a key: omitted fields stay unchanged, null clears a limit. A budget without
 * a period is per MONTH (UTC calendar month); clearing the budget clears its period.
 */
export function applyKeyLimits(key: IAccessKey, input: KeyLimitsInput | null | undefined): void {
  if (!input) return;
  const data = parseInput(LimitsSchema, input);
  if (data.budgetUsd !== undefined) key.budgetNano = data.budgetUsd === null ? null : data.budgetUsd.toString();
  if (data.budgetPeriod !== undefined) key.budgetPeriod = data.budgetPeriod;
  if (key.budgetNano == null) key.budgetPeriod = null;
  else if (key.budgetPeriod == null) key.budgetPeriod = 'MONTH';
  if (data.requestsPerMinute !== undefined) key.requestsPerMinute = data.requestsPerMinute;
  if (data.tokensPerMinute !== undefined) key.tokensPerMinute = data.tokensPerMinute;
  if (data.expiresAt !== undefined) key.expiresAt = data.expiresAt;
}

export function keyLimitsOf(key: IAccessKey): KeyLimits {
  return {
    budgetUsd: key.budgetNano == null ? null : formatUsd(BigInt(key.budgetNano)),
    budgetPeriod: key.budgetNano == null ? null : ((key.budgetPeriod as BudgetPeriod | null) ?? null),
    requestsPerMinute: key.requestsPerMinute ?? null,
    tokensPerMinute: key.tokensPerMinute ?? null,
    expiresAt: key.expiresAt ?? null,
  };
}
