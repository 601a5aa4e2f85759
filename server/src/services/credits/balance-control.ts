import type { Logger } from 'pino';
import { planGrant } from './ledger-math.js';
import { formatUsd, maxBig } from './money.js';
import type { AppliedCharge, BalanceStore, ChargeTx, GrantSnapshot, GrantWrite, OwnerCharge } from './balance-store.js';

/** epoch ms; injectable so tests can move time (expiry, leases, budget periods). */
export type Clock = () => number;

export interface Reservation {
  /** The request finished: charge `actualNano` (may exceed the reserved worst case), free the rest. Once; later calls are no-ops. */
  settle(actualNano: bigint): void;
  /** Nothing to charge (never reached a provider). Once; later calls are no-ops. */
  release(): void;
}

/**
 * Telecom-style balance control for /v1, over scopes: an account's credit (CreditStore) or an
 * access key's budget for one period (BudgetStore) — the same machine, a different store.
 *
 * Each instance holds, per scope, a grant carved out of the scope's balance under a row lock
 * (see planGrant for the size). Reservations are served from it in memory; only a
 * reservation the grant cannot cover (or an expired lease) waits for PostgreSQL. Settled charges
 * stay "unapplied" in memory until the usage batch writer applies them with their usage events in
 * one transaction; after that commit the grant shrinks by the same amount.
 *
 * Background work (start()): lease renewal, top-ups before the grant runs dry, return of idle
 * grants (timings.idleReturnMs), expiry sweeps. A crashed instance's grants stop counting when
 * their lease (timings.leaseMs) ends. Leases never outlive the store's cap (an account's next lot
 * expiry), so credit that expires is taken back from every instance at that moment.
 *
 * Limits: a reservation is the caller's worst case; a charge above it (a provider reporting more
 * input than estimated) or one landing after the instance lost its lease (stalled > leaseMs, or the
 * database unreachable) may exceed what is left. The balance still never goes below zero: the
 * charge is capped at the unexpired balance and the shortfall logged.
 */
export interface BalanceControlTimings {
  /** How long others honour a grant without renewal. */
  leaseMs: number;
  /** A lease is used locally only while it has at least this much left (clock skew between instances). */
  leaseMarginMs: number;
  /** Background tick (renewal, idle return, sweeps). */
  tickMs: number;
  /** A grant with no reservation for this long goes back to the account. */
  idleReturnMs: number;
  /** After an insufficient-credit answer from the database, same-or-bigger requests are refused from memory this long. */
  exhaustedCacheMs: number;
  /** A reservation neither settled nor released by then is released (and logged). */
  maxReservationMs: number;
  /** How often expired lots are swept into expiry transactions. */
  sweepEveryMs: number;
}

export const DEFAULT_TIMINGS: BalanceControlTimings = {
  leaseMs: 30_000,
  leaseMarginMs: 5_000,
  tickMs: 5_000,
  idleReturnMs: 30_000,
  exhaustedCacheMs: 1_000,
  maxReservationMs: 15 * 60_000,
  sweepEveryMs: 60_000,
};

class ScopeGrant {
  /** Mirror of this instance's grant row. */
  granted = 0n;
  /** Open reservations (worst cases), including ones waiting for a grant. */
  reserved = 0n;
  /** The part of `reserved` still waiting for a grant. */
  waiting = 0n;
  /** Settled charges whose applyCharges transaction has not committed yet. */
  unapplied = 0n;
  leaseExpiresAt = 0;
  lastActivityAt: number;
  /** Grant taken for the next requests on top of the obligations; top up when less than half is left. */
  lowWater = 0n;
  exhaustedUntil = 0;
  exhaustedFreeNano = 0n;
  retiring = false;
  topUpScheduled = false;
  readonly open = new Set<LocalReservation>();
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    readonly scopeId: string,
    now: number,
  ) {
    this.lastActivityAt = now;
  }

  get available(): bigint {
    return this.granted - this.reserved - this.unapplied;
  }

  /** Runs `fn` after every earlier locked task of this scope (one database round trip at a time). */
  locked<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }
}

class LocalReservation implements Reservation {
  private done = false;

  constructor(
    private readonly control: BalanceControl,
    readonly grant: ScopeGrant,
    readonly worstCaseNano: bigint,
    readonly createdAt: number,
  ) {}

  settle(actualNano: bigint): void {
    if (this.done) return;
    this.done = true;
    this.control.finish(this, actualNano > 0n ? actualNano : 0n);
  }

  release(): void {
    if (this.done) return;
    this.done = true;
    this.control.finish(this, 0n);
  }
}

export interface BalanceControlOptions {
  store: BalanceStore;
  instanceId: string;
  logger: Logger;
  /** The error for a request the scope cannot cover (402 insufficient_credits, budget_exceeded). */
  refusal: (worstCaseNano: bigint, freeNano: bigint) => Error;
  /** For logs: "credit", "budget". */
  what: string;
  now?: Clock;
  timings?: Partial<BalanceControlTimings>;
  /** Called with charges the balance could not cover (should never happen). */
  onShortfall?: (charge: AppliedCharge) => void;
}

export class BalanceControl {
  readonly instanceId: string;
  private readonly store: BalanceStore;
  private readonly logger: Logger;
  private readonly now: Clock;
  private readonly t: BalanceControlTimings;
  private readonly grants = new Map<string, ScopeGrant>();
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private lastSweepAt = 0;
  private stopped = false;

  constructor(private readonly options: BalanceControlOptions) {
    this.store = options.store;
    this.instanceId = options.instanceId;
    this.logger = options.logger;
    this.now = options.now ?? Date.now;
    this.t = { ...DEFAULT_TIMINGS, ...options.timings };
  }

  /**
   * Holds `worstCase` of the scope's balance. The warm path (the instance's grant covers it) answers
   * synchronously, without a promise; anything else, refusals included, comes back as a promise.
   */
  reserve(scopeId: string, worstCase: bigint): Reservation | Promise<Reservation> {
    // Even a request priced at nothing needs some usable balance (no balance: no upstream call).
    const worstCaseNano = worstCase > 0n ? worstCase : 1n;
    const now = this.now();
    let grant = this.grants.get(scopeId);
    if (!grant) {
      grant = new ScopeGrant(scopeId, now);
      this.grants.set(scopeId, grant);
    }
    grant.lastActivityAt = now;
    // Warm path: no database.
    if (!grant.retiring && this.leaseUsable(grant, now) && grant.available >= worstCaseNano) {
      grant.reserved += worstCaseNano;
      if (grant.available < grant.lowWater) this.scheduleTopUp(grant);
      return this.track(grant, worstCaseNano, now);
    }
    return this.reserveCold(grant, worstCaseNano, now);
  }

  private async reserveCold(grant: ScopeGrant, worstCaseNano: bigint, now: number): Promise<Reservation> {
    if (now < grant.exhaustedUntil && worstCaseNano > grant.exhaustedFreeNano) {
      throw this.insufficient(worstCaseNano, grant.exhaustedFreeNano);
    }
    // Claim it now so concurrent warm requests cannot spend what this one waits for.
    grant.reserved += worstCaseNano;
    grant.waiting += worstCaseNano;
    const g = grant;
    try {
      await g.locked(() => this.cover(g, worstCaseNano));
    } catch (err) {
      g.reserved -= worstCaseNano;
      throw err;
    } finally {
      g.waiting -= worstCaseNano;
    }
    return this.track(g, worstCaseNano, this.now());
  }

  /**
   * Inside the caller's transaction (`tx`: a pg client in db/pool.ts's inTransaction, or an
   * EntityManager): writes the charges; memory follows once that transaction commits.
   */
  async applyCharges(tx: ChargeTx, charges: readonly OwnerCharge[]): Promise<AppliedCharge[]> {
    const positive = charges.filter((c) => {
      if (c.amountNano < 0n) throw new RangeError(`negative ${this.options.what} charge for ${c.ownerId}`);
      return c.amountNano > 0n;
    });
    if (positive.length === 0) return [];
    const now = this.now();
    const applied = await this.store.inTransaction(tx, (inner) => this.store.applyCharges(inner, this.instanceId, positive, now));
    // Memory follows the database only once the caller's transaction has committed.
    this.store.afterCommit(tx, () => this.charged(applied));
    for (const a of applied) {
      if (a.shortfallNano > 0n) {
        this.logger.error(
          { scope: a.scopeId, requestedUsd: formatUsd(a.requestedNano), shortfallUsd: formatUsd(a.shortfallNano) },
          `${this.options.what} charge exceeded the balance; charged what was left`,
        );
        this.options.onShortfall?.(a);
      }
    }
    return applied;
  }

  /** Forget the exhausted-scope shortcut for scopes starting with `prefix` (a purchase landed, a budget changed). */
  balanceChanged(prefix: string): void {
    for (const [scopeId, grant] of this.grants) if (scopeId.startsWith(prefix)) grant.exhaustedUntil = 0;
  }

  start(): void {
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => void this.tick(), this.t.tickMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.ticking;
    // Let grant takes and top-ups in flight finish, so none writes a row after the release below.
    await Promise.all([...this.grants.values()].map((g) => g.locked(async () => undefined)));
    this.grants.clear();
    await this.store.releaseInstance(this.instanceId);
  }

  /** One round of background work; exposed for tests. */
  tick(): Promise<void> {
    if (this.ticking) return this.ticking;
    this.ticking = this.backgroundWork()
      .catch((err: unknown) => this.logger.error({ err }, `${this.options.what} control background work failed`))
      .finally(() => {
        this.ticking = undefined;
      });
    return this.ticking;
  }

  /** For tests and metrics: this instance's view of a scope. */
  inspect(scopeId: string): { grantedNano: bigint; reservedNano: bigint; waitingNano: bigint; unappliedNano: bigint } | undefined {
    const g = this.grants.get(scopeId);
    return g && { grantedNano: g.granted, reservedNano: g.reserved, waitingNano: g.waiting, unappliedNano: g.unapplied };
  }

  /** @internal reservation end */
  finish(r: LocalReservation, actualNano: bigint): void {
    const g = r.grant;
    g.open.delete(r);
    g.reserved -= r.worstCaseNano;
    g.unapplied += actualNano;
    g.lastActivityAt = this.now();
  }

  private track(grant: ScopeGrant, worstCaseNano: bigint, now: number): Reservation {
    const r = new LocalReservation(this, grant, worstCaseNano, now);
    grant.open.add(r);
    return r;
  }

  private leaseUsable(g: ScopeGrant, now: number): boolean {
    return now < g.leaseExpiresAt - this.t.leaseMarginMs;
  }

  private leaseFor(snapshot: GrantSnapshot, now: number): number {
    const until = now + this.t.leaseMs;
    return snapshot.leaseCapAt === null ? until : Math.min(until, snapshot.leaseCapAt);
  }

  /** Under the scope's local lock: make the grant cover everything reserved, or refuse `worstCaseNano`. */
  private async cover(g: ScopeGrant, worstCaseNano: bigint): Promise<void> {
    const now = this.now();
    // Covered already if the grant's part not promised to earlier requests fits (an earlier take's headroom).
    if (this.leaseUsable(g, now) && g.granted - (g.reserved - g.waiting) - g.unapplied >= worstCaseNano) return;
    if (now < g.exhaustedUntil && worstCaseNano > g.exhaustedFreeNano) throw this.insufficient(worstCaseNano, g.exhaustedFreeNano);
    let refusedFree: bigint | undefined;
    const { snapshot, written } = await this.store.takeGrant(g.scopeId, this.instanceId, now, (s) => {
      const base = { balanceNano: s.balanceNano, othersHeldNano: s.othersHeldNano, currentGrantNano: s.ownGrantNano };
      // Everything waiting if it fits, else at least this request (the others then try on their own).
      const established = g.reserved - g.waiting + g.unapplied;
      let plan = planGrant({ ...base, obligationsNano: g.reserved + g.unapplied });
      if (!plan.accepted) plan = planGrant({ ...base, obligationsNano: established + worstCaseNano });
      if (!plan.accepted) {
        refusedFree = s.balanceNano - s.othersHeldNano - established;
        // Write only if the row must shrink (an expiry or a lost lease left it above what the scope has).
        return plan.grantNano < s.ownGrantNano ? this.lowerNow(g, plan.grantNano, this.leaseFor(s, now)) : null;
      }
      g.lowWater = plan.headroomNano / 2n;
      return this.lowerNow(g, plan.grantNano, this.leaseFor(s, now));
    });
    this.synced(g, snapshot, written);
    if (refusedFree !== undefined) {
      g.exhaustedUntil = now + this.t.exhaustedCacheMs;
      g.exhaustedFreeNano = maxBig(refusedFree, 0n);
      throw this.insufficient(worstCaseNano, g.exhaustedFreeNano);
    }
  }

  /** A smaller grant takes effect in memory before the write (never spend what is being given back). */
  private lowerNow(g: ScopeGrant, grantNano: bigint, leaseExpiresAt: number): GrantWrite {
    if (grantNano < g.granted) g.granted = grantNano;
    return { grantNano, leaseExpiresAt };
  }

  private synced(g: ScopeGrant, snapshot: GrantSnapshot, written: GrantWrite | null): void {
    // The scope was locked: no charge for it committed in between, so the row is exact.
    g.granted = written ? written.grantNano : snapshot.ownGrantNano;
    g.leaseExpiresAt = written ? written.leaseExpiresAt : snapshot.ownLeaseExpiresAt;
  }

  private scheduleTopUp(g: ScopeGrant): void {
    if (g.topUpScheduled || this.stopped) return;
    g.topUpScheduled = true;
    void g
      .locked(async () => {
        g.topUpScheduled = false;
        if (g.retiring || g.available >= g.lowWater) return;
        const now = this.now();
        const { snapshot, written } = await this.store.takeGrant(g.scopeId, this.instanceId, now, (s) => {
          const plan = planGrant({
            balanceNano: s.balanceNano,
            othersHeldNano: s.othersHeldNano,
            currentGrantNano: s.ownGrantNano,
            obligationsNano: g.reserved + g.unapplied,
          });
          if (plan.accepted) g.lowWater = plan.headroomNano / 2n;
          return this.lowerNow(g, plan.grantNano, this.leaseFor(s, now));
        });
        this.synced(g, snapshot, written);
      })
      .catch((err: unknown) => {
        g.topUpScheduled = false;
        this.logger.warn({ err, scope: g.scopeId }, `${this.options.what} grant top-up failed`);
      });
  }

  /** After the charges' transaction committed: they are no longer pending, and the grant row shrank by them. */
  private charged(applied: readonly AppliedCharge[]): void {
    for (const c of applied) {
      const g = c.scopeId === null ? undefined : this.grants.get(c.scopeId);
      if (!g) continue;
      g.granted -= c.requestedNano;
      g.unapplied = maxBig(0n, g.unapplied - c.requestedNano);
    }
  }

  private insufficient(worstCaseNano: bigint, freeNano: bigint): Error {
    return this.options.refusal(worstCaseNano, freeNano);
  }

  private async backgroundWork(): Promise<void> {
    const now = this.now();
    // Leases: extend the live ones in one statement.
    if (this.grants.size > 0) {
      const renewed = await this.store.renewLeases(this.instanceId, now, now + this.t.leaseMarginMs, now + this.t.leaseMs);
      for (const [scopeId, lease] of renewed) {
        const g = this.grants.get(scopeId);
        if (g) g.leaseExpiresAt = lease;
      }
    }
    for (const g of [...this.grants.values()]) {
      for (const r of g.open) {
        if (now - r.createdAt > this.t.maxReservationMs) {
          this.logger.warn({ scope: g.scopeId }, `${this.options.what} reservation never settled; releasing it`);
          r.release();
        }
      }
      if (g.reserved === 0n && !g.topUpScheduled && now - g.lastActivityAt >= this.t.idleReturnMs) {
        if (g.unapplied > 0n && now - g.lastActivityAt >= 10 * this.t.idleReturnMs) {
          // The writer never confirmed these (its transaction failed for good); stop holding credit for them.
          this.logger.warn({ scope: g.scopeId, unappliedUsd: formatUsd(g.unapplied) }, `dropping unconfirmed ${this.options.what} charges`);
          g.unapplied = 0n;
        }
        await this.retire(g);
      }
    }
    if (now - this.lastSweepAt >= this.t.sweepEveryMs) {
      this.lastSweepAt = now;
      await this.store.sweepExpired(now, 200);
    }
  }

  /** Gives an idle grant back: all of it when nothing is pending, else down to the pending charges. */
  private async retire(g: ScopeGrant): Promise<void> {
    g.retiring = true;
    try {
      await g.locked(async () => {
        if (g.reserved !== 0n) return; // a request arrived meanwhile
        if (g.unapplied === 0n) {
          g.granted = 0n;
          if (this.grants.get(g.scopeId) === g) this.grants.delete(g.scopeId);
          await this.store.deleteGrant(g.scopeId, this.instanceId);
          return;
        }
        const surplus = g.granted - g.unapplied;
        if (surplus > 0n) {
          g.granted -= surplus;
          await this.store.reduceGrant(g.scopeId, this.instanceId, surplus);
        }
      });
    } finally {
      g.retiring = false;
    }
  }
}
