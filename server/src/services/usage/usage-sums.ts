import { spendNano, storableText, type UsageRecord } from './usage-record.js';
import { isCharged, type ChargedUsage } from './pending-usage.js';
import { ROLLUP_SUMS, ROLLUP_UPSERTS, touchLastUsed, usedAt, type LastUses } from './usage-batch.js';
import type { UsageTx } from './usage-db.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** One hourly rollup row's key and sums, as usage-batch.ts's statement sums events into it. */
interface RollupSum {
  hour: number;
  accessKeyId: string;
  provider: string;
  model: string;
  status: number;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  feeNano: bigint;
  providerCostNano: bigint;
  spendNano: bigint;
  costNano: bigint;
  cacheHits: number;
}

/** One account's requests of a batch, summed. */
class AccountSums {
  /** By hour, key, status, provider and model: one hourly rollup row each. */
  readonly rollups = new Map<string, RollupSum>();
  /** By key, UTC day and what the requests carry (see chargeFlags): one charge each. */
  readonly charges = new Map<string, ChargedUsage>();
  readonly lastUses: LastUses = { accessKeys: new Map(), providerKeys: new Map() };
  requests = 0;
}

/**
 * Requests whose usage event is not stored (USAGE_EVENTS, usage-storage.ts), summed into what a
 * batch of their events would have added: hourly rollup rows, charges, the keys' last use and
 * what alert detection reads. Adding a request is a few map lookups and additions; nothing of it
 * is kept. Kept per account, so that sums the database refuses can be retried (and, failing
 * that, parked) one account at a time.
 */
export class UsageSums {
  readonly accounts = new Map<string, AccountSums>();
  requests = 0;
  /** Admission time of the earliest request summed (the writer's lag). */
  oldest: Date | undefined;

  add(r: UsageRecord): void {
    let account = this.accounts.get(r.accountId);
    if (!account) this.accounts.set(r.accountId, (account = new AccountSums()));
    // An invalid time would make every later batch fail on its hour (an event with one is parked
    // alone; sums have no row to park): counted now instead.
    const at = Number.isFinite(r.createdAt.getTime()) ? r.createdAt : new Date();
    const ms = at.getTime();
    // Cut and cleaned as the event's row would be (usage-record.ts), so both modes make the same rollup rows.
    const provider = r.provider === null ? '' : storableText(r.provider, 64);
    const model = r.model === null ? '' : storableText(r.model, 256);
    const hour = Math.floor(ms / HOUR_MS) * HOUR_MS;
    // The provider's length before it: no provider and model pair reads as another.
    const rollupKey = `${hour}\u0001${r.accessKeyId}\u0001${r.status}\u0001${provider.length}\u0001${provider}${model}`;
    let rollup = account.rollups.get(rollupKey);
    if (!rollup) {
      rollup = {
        hour, accessKeyId: r.accessKeyId, provider, model, status: r.status, requests: 0, inputTokens: 0, outputTokens: 0,
        feeNano: 0n, providerCostNano: 0n, spendNano: 0n, costNano: 0n, cacheHits: 0,
      };
      account.rollups.set(rollupKey, rollup);
    }
    const spend = spendNano(r);
    rollup.requests++;
    rollup.inputTokens += r.inputTokens;
    rollup.outputTokens += r.outputTokens;
    rollup.feeNano += r.feeNano;
    rollup.providerCostNano += r.providerCostNano ?? 0n;
    rollup.spendNano += spend;
    rollup.costNano += r.totalCostNano;
    if (r.cacheHit === true) rollup.cacheHits++;

    const flags = chargeFlags(r.totalCostNano, spend, r.errorCode);
    if (flags !== 0) {
      const chargeKey = `${r.accessKeyId}\u0001${Math.floor(ms / DAY_MS)}\u0001${flags}`;
      const summed = account.charges.get(chargeKey);
      if (summed) {
        summed.charge.amountNano += r.totalCostNano;
        summed.charge.spendNano += spend;
        summed.charge.requests = (summed.charge.requests ?? 1) + 1;
      } else {
        account.charges.set(chargeKey, {
          charge: { accountId: r.accountId, requestId: r.requestId, amountNano: r.totalCostNano, accessKeyId: r.accessKeyId, spendNano: spend, at, requests: 1 },
          errorCode: flags & BUDGET_REFUSED ? 'budget_exceeded' : null,
        });
      }
    }
    usedAt(account.lastUses.accessKeys, r.accessKeyId, at);
    if (r.providerKeyId) usedAt(account.lastUses.providerKeys, r.providerKeyId, at);
    account.requests++;
    this.requests++;
    if (!this.oldest || ms < this.oldest.getTime()) this.oldest = at;
  }

  /** These sums, one account each. */
  byAccount(): UsageSums[] {
    return [...this.accounts].map(([id, account]) => {
      const one = new UsageSums();
      one.accounts.set(id, account);
      one.requests = account.requests;
      one.oldest = this.oldest;
      return one;
    });
  }

  /** What the sums charge, and what alert detection reads of them. */
  chargedUsage(): ChargedUsage[] {
    return [...this.accounts.values()].flatMap((a) => [...a.charges.values()]);
  }

  /** The hourly rollup rows, each an array in HOURS_COLUMNS order. */
  rollupRows(): unknown[][] {
    return [...this.accounts].flatMap(([accountId, a]) =>
      [...a.rollups.values()].map((r) => [
        accountId, new Date(r.hour).toISOString(), r.accessKeyId, r.provider, r.model, r.status, r.requests, r.inputTokens, r.outputTokens,
        r.feeNano.toString(), r.providerCostNano.toString(), r.spendNano.toString(), r.costNano.toString(), r.cacheHits,
      ]),
    );
  }

  lastUses(): LastUses {
    const merged: LastUses = { accessKeys: new Map(), providerKeys: new Map() };
    for (const a of this.accounts.values()) {
      for (const [id, at] of a.lastUses.accessKeys) usedAt(merged.accessKeys, id, at);
      for (const [id, at] of a.lastUses.providerKeys) usedAt(merged.providerKeys, id, at);
    }
    return merged;
  }
}

const CREDITS = 1;
const SPEND = 2;
const BUDGET_REFUSED = 4;

/**
 * A request's charge is summed only with requests that carry the same: the credit and spend
 * ledgers count the requests with an amount in them (as they do one event at a time), and alert
 * detection looks for budget refusals. 0: nothing to charge or alert on.
 */
function chargeFlags(amountNano: bigint, spend: bigint, errorCode: string | null): number {
  return (amountNano > 0n ? CREDITS : 0) | (spend > 0n ? SPEND : 0) | (errorCode === 'budget_exceeded' ? BUDGET_REFUSED : 0);
}

/** A rollup row's columns as rollupRows() orders them: the hourly rollup's key, then its sums. */
const HOURS_COLUMNS: readonly (readonly [string, string])[] = [
  ['account_id', 'uuid'], ['hour', 'timestamptz'], ['access_key_id', 'uuid'], ['provider', 'text'], ['model', 'text'], ['status', 'int'],
  ...ROLLUP_SUMS.map((c) => [c, 'bigint'] as const),
];

/**
 * Claims the batch id, then adds the rows to the hourly and daily rollups, all in one statement:
 * with the id claimed already (a batch sent again after its commit went unanswered) "hours" is
 * empty and nothing is added. $1: the rows as JSON (UsageSums.rollupRows), $2: the batch id.
 */
const WRITE_SUMS = `with "claimed" as (
    insert into "usage_sum_batch" ("id", "written_at") values ($2::uuid, now()) on conflict do nothing returning "id"
  ),
  "hours" as (
    select ${HOURS_COLUMNS.map(([column, type], i) => `("r" ->> ${i})::${type} as "${column}"`).join(', ')}
    from jsonb_array_elements($1::jsonb) as "e"("r") where exists (select from "claimed")
  ),
  ${ROLLUP_UPSERTS}
  select count(*)::int as "claimed" from "claimed"`;

/**
 * One batch of sums in the caller's transaction, as writeUsageBatch does for events: rollups,
 * charges, the keys' last use, then alert detection, in the same lock order. `batchId` makes it
 * idempotent: a batch applied already adds nothing. Returns the requests it added.
 */
export async function writeUsageSums(tx: UsageTx, sums: UsageSums, batchId: string): Promise<number> {
  const [written] = await tx.query<{ claimed: number }>(WRITE_SUMS, [JSON.stringify(sums.rollupRows()), batchId]);
  if (!written || written.claimed === 0) return 0;
  const charged = sums.chargedUsage();
  const charges = charged.filter(isCharged).map((c) => c.charge);
  if (charges.length > 0) await tx.applyCharges(charges);
  await touchLastUsed(tx, sums.lastUses());
  await tx.afterWrite?.(charged);
  return sums.requests;
}

/** Claimed batch ids older than this are pruned: no batch waits that long for its retry. */
export const SUM_BATCH_RETENTION_DAYS = 30;
