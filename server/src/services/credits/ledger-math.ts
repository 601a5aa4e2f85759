/**
 * The pure arithmetic of the credit ledger (no I/O, no clock): FIFO-by-expiry deduction and grant
 * sizing. The SQL store and the in-memory model in the property test both use these functions.
 */
import { maxBig, minBig } from './money.js';

export interface LotRemaining {
  id: string;
  remainingNano: bigint;
  /** epoch ms */
  expiresAt: number;
}

export interface FifoPlan {
  deductions: { id: string; amountNano: bigint }[];
  appliedNano: bigint;
  /** Part of the charge no unexpired lot could cover (balance never goes below zero). */
  shortfallNano: bigint;
}

/** Lots that can still be spent at `now`, in spending order: earliest expiry first, then id. */
export function spendableLots<L extends LotRemaining>(lots: readonly L[], now: number): L[] {
  return lots
    .filter((l) => l.expiresAt > now && l.remainingNano > 0n)
    .sort((a, b) => a.expiresAt - b.expiresAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Deducts `amountNano` from the unexpired lots, the one expiring first first. */
export function planFifoDeduction(lots: readonly LotRemaining[], amountNano: bigint, now: number): FifoPlan {
  if (amountNano < 0n) throw new RangeError('a charge cannot be negative');
  const deductions: FifoPlan['deductions'] = [];
  let left = amountNano;
  for (const lot of spendableLots(lots, now)) {
    if (left === 0n) break;
    const take = minBig(lot.remainingNano, left);
    deductions.push({ id: lot.id, amountNano: take });
    left -= take;
  }
  return { deductions, appliedNano: amountNano - left, shortfallNano: left };
}

/**
 * Grant sizing. An instance holds a grant carved out of the account's unexpired balance; the sum
 * of all instances' live grants never exceeds that balance. A grant covers the instance's
 * obligations (open reservations + settled charges not yet written) plus headroom so that the next
 * requests are served from memory: headroom = min(10% of what is left after the obligations, $1).
 * Small grants keep credit from being stranded on one instance; the cap keeps a big balance from
 * being locked up by one process.
 */
export const HEADROOM_DIVISOR = 10n;
export const HEADROOM_CAP_NANO = 1_000_000_000n;

export interface GrantPlanInput {
  /** Unexpired balance of the account. */
  balanceNano: bigint;
  /** Live grants of the other instances. */
  othersHeldNano: bigint;
  /** This instance's current grant row (0 when none). */
  currentGrantNano: bigint;
  /** Everything this instance must cover, the new request included. */
  obligationsNano: bigint;
}

export interface GrantPlan {
  /** The obligations fit. */
  accepted: boolean;
  /** The grant this instance should hold afterwards. */
  grantNano: bigint;
  headroomNano: bigint;
}

export function planGrant(input: GrantPlanInput): GrantPlan {
  const cap = input.balanceNano - input.othersHeldNano;
  if (input.obligationsNano > cap) {
    // Cannot cover it. Never hold more than the cap (shrinks a grant outlived by an expiry).
    return { accepted: false, grantNano: maxBig(0n, minBig(input.currentGrantNano, cap)), headroomNano: 0n };
  }
  const headroom = minBig((cap - input.obligationsNano) / HEADROOM_DIVISOR, HEADROOM_CAP_NANO);
  const grant = minBig(cap, maxBig(input.currentGrantNano, input.obligationsNano + headroom));
  return { accepted: true, grantNano: grant, headroomNano: headroom };
}
