import { z } from 'zod';
import type { IAccessKey } from '../entities/access-key.entity.js';
import { BUDGET_PERIODS, type BudgetPeriod } from './credits/budget-period.js';
import { formatUsd, parseDecimal } from './credits/money.js';
import { ValidationError } from '../errors/validation-error.js';
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
const MAX_BUDGET_WORDS = `must be at most ${formatUsd(MAX_BUDGET_NANO)} US dollars`;
/** Counters are 32-bit in the PostgreSQL store. */
const MAX_PER_MINUTE = 1_000_000_000;

const perMinute = z.number().int('must be a whole number').min(1, 'must be at least 1').max(MAX_PER_MINUTE, `must be at most ${MAX_PER_MINUTE}`);

const LimitsSchema = z.object({
  budgetUsd: z
    .string()
    .trim()
    .transform((s, ctx) => {
      const nano = parseDecimal(s);
      if (nano === undefined || nano <= 0n) {
        ctx.addIssue({ code: 'custom', message: 'must be a positive decimal amount of US dollars (at most 9 decimals), e.g. "25.00"' });
        return z.NEVER;
      }
      if (nano > MAX_BUDGET_NANO) {
        ctx.addIssue({ code: 'custom', message: MAX_BUDGET_WORDS });
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

const MINUTE_MS = 60_000;

/**
 * The expiry to store: undefined leaves it unchanged. A past expiry is refused (it stops a key no
 * sooner than revoking it and is most likely a typo), except the key's current expiry sent back as
 * it was: the edit form resends every field, to the minute, also for a key that already expired.
 */
function nextExpiry(key: IAccessKey, expiresAt: Date | null | undefined, now: number): Date | null | undefined {
  if (expiresAt == null || expiresAt.getTime() > now) return expiresAt;
  const current = key.expiresAt?.getTime();
  if (current !== undefined && Math.floor(current / MINUTE_MS) === Math.floor(expiresAt.getTime() / MINUTE_MS)) return undefined;
  throw new ValidationError('expiresAt: must be in the future; revoke the key to stop it now');
}

/**
 * Applies `limits` to a key: omitted fields stay unchanged, null clears a limit. A budget without
 * a period is per MONTH (UTC calendar month); clearing the budget clears its period. A period
 * needs a budget (the key's or one given with it). `now` is the clock /v1 checks expiry against.
 */
export function applyKeyLimits(key: IAccessKey, input: KeyLimitsInput | null | undefined, now: number): void {
  if (!input) return;
  const data = parseInput(LimitsSchema, input);
  if (data.budgetPeriod != null && data.budgetUsd === undefined && key.budgetNano == null) {
    throw new ValidationError('budgetPeriod: needs budgetUsd (a period without a budget limits nothing)');
  }
  const expiresAt = nextExpiry(key, data.expiresAt, now);
  if (data.budgetUsd !== undefined) key.budgetNano = data.budgetUsd === null ? null : data.budgetUsd.toString();
  if (data.budgetPeriod !== undefined) key.budgetPeriod = data.budgetPeriod;
  if (key.budgetNano == null) key.budgetPeriod = null;
  else if (key.budgetPeriod == null) key.budgetPeriod = 'MONTH';
  if (data.requestsPerMinute !== undefined) key.requestsPerMinute = data.requestsPerMinute;
  if (data.tokensPerMinute !== undefined) key.tokensPerMinute = data.tokensPerMinute;
  if (expiresAt !== undefined) key.expiresAt = expiresAt;
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
