/**
 * Property tests of the credit ledger: the real CreditControl (grants, reservations, settlement,
 * idle return, leases) and the pure FIFO/grant arithmetic, against an in-memory store that
 * behaves like the SQL one (per-account locks held until commit, charges staged in the caller's
 * transaction, commit or rollback). fast-check's scheduler interleaves everything.
 */
import fc from 'fast-check';
import type { EntityManager } from '@mikro-orm/postgresql';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { InsufficientCreditsError } from '../../server/src/errors/credits-error.js';
import type {
  AppliedCharge,
  BalanceStore,
  ChargeTx,
  GrantSnapshot,
  GrantWrite,
  OwnerCharge,
} from '../../server/src/services/credits/balance-store.js';
import { creditCharges, creditControl, type Charge } from '../../server/src/services/credits/credit-service.js';
import { planFifoDeduction, planGrant, spendableLots } from '../../server/src/services/credits/ledger-math.js';

const DAY = 24 * 60 * 60 * 1000;
const LOT_LIFETIME = 365 * DAY;
const ACCOUNTS = ['acct-a', 'acct-b'];
const logger = pino({ level: 'silent' });

interface MemLot {
  id: string;
  accountId: string;
  remainingNano: bigint;
  expiredNano: bigint;
  expiresAt: number;
}

class MemTx {
  readonly writes: (() => void)[] = [];
  readonly releases: (() => void)[] = [];
  readonly onCommit: (() => void)[] = [];
  isInTransaction(): boolean {
    return true;
  }
}

class MemoryCreditStore implements BalanceStore {
  readonly lots: MemLot[] = [];
  readonly grants = new Map<string, { accountId: string; instanceId: string; amountNano: bigint; leaseExpiresAt: number }>();
  purchasedNano = 0n;
  appliedNano = 0n;
  shortfallNano = 0n;
  expiredNano = 0n;
  readonly violations: string[] = [];
  /** Extra invariant run after every change (set by the test). */
  extraCheck: () => void = () => undefined;
  private chains = new Map<string, Promise<void>>();
  private lotSeq = 0;

  constructor(
    private readonly yieldPoint: () => Promise<void>,
    private readonly clock: () => number,
    /** Check that live grants never exceed the balance (holds unless leases lapse, lots expire in flight, or charges exceed reservations). */
    private readonly strictGrants: boolean,
  ) {}

  private async lock(accountId: string): Promise<() => void> {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const previous = this.chains.get(accountId) ?? Promise.resolve();
    this.chains.set(accountId, previous.then(() => held));
    await previous;
    return release;
  }

  private sweep(accountId: string, now: number): void {
    for (const lot of this.lots) {
      if (lot.accountId === accountId && lot.expiresAt <= now && lot.remainingNano > 0n) {
        lot.expiredNano += lot.remainingNano;
        this.expiredNano += lot.remainingNano;
        lot.remainingNano = 0n;
      }
    }
  }

  unexpired(accountId: string, now: number): bigint {
    return spendableLots(
      this.lots.filter((l) => l.accountId === accountId),
      now,
    ).reduce((s, l) => s + l.remainingNano, 0n);
  }

  check(): void {
    const now = this.clock();
    for (const lot of this.lots) if (lot.remainingNano < 0n) this.violations.push(`lot ${lot.id} below zero`);
    if (!this.strictGrants) return;
    for (const accountId of ACCOUNTS) {
      let live = 0n;
      for (const g of this.grants.values()) if (g.accountId === accountId && g.leaseExpiresAt > now && g.amountNano > 0n) live += g.amountNano;
      const balance = this.unexpired(accountId, now);
      if (live > balance) this.violations.push(`${accountId}: live grants ${live} exceed balance ${balance}`);
    }
    this.extraCheck();
  }

  async purchase(accountId: string, amountNano: bigint): Promise<void> {
    await this.yieldPoint();
    const release = await this.lock(accountId);
    const now = this.clock();
    this.sweep(accountId, now);
    this.lots.push({ id: `lot-${String(++this.lotSeq).padStart(4, '0')}`, accountId, remainingNano: amountNano, expiredNano: 0n, expiresAt: now + LOT_LIFETIME });
    this.purchasedNano += amountNano;
    this.check();
    release();
  }

  async takeGrant(
    accountId: string,
    instanceId: string,
    now: number,
    decide: (snapshot: GrantSnapshot) => GrantWrite | null,
  ): Promise<{ snapshot: GrantSnapshot; written: GrantWrite | null }> {
    await this.yieldPoint();
    const release = await this.lock(accountId);
    try {
      this.sweep(accountId, now);
      const lots = spendableLots(
        this.lots.filter((l) => l.accountId === accountId),
        now,
      );
      let othersHeld = 0n;
      const own = this.grants.get(`${accountId}|${instanceId}`);
      for (const g of this.grants.values()) {
        if (g.accountId === accountId && g.instanceId !== instanceId && g.leaseExpiresAt > now && g.amountNano > 0n) othersHeld += g.amountNano;
      }
      const snapshot: GrantSnapshot = {
        balanceNano: lots.reduce((s, l) => s + l.remainingNano, 0n),
        othersHeldNano: othersHeld,
        ownGrantNano: own?.amountNano ?? 0n,
        ownLeaseExpiresAt: own?.leaseExpiresAt ?? 0,
        leaseCapAt: lots.length ? Math.min(...lots.map((l) => l.expiresAt)) : null,
      };
      const written = decide(snapshot);
      await this.yieldPoint(); // the write and the commit are further round trips
      if (written) {
        this.grants.set(`${accountId}|${instanceId}`, { accountId, instanceId, amountNano: written.grantNano, leaseExpiresAt: written.leaseExpiresAt });
      }
      this.check();
      return { snapshot, written };
    } finally {
      release();
    }
  }

  async reduceGrant(accountId: string, instanceId: string, byNano: bigint): Promise<void> {
    await this.yieldPoint();
    const g = this.grants.get(`${accountId}|${instanceId}`);
    if (g) g.amountNano -= byNano;
  }

  async deleteGrant(accountId: string, instanceId: string): Promise<void> {
    await this.yieldPoint();
    this.grants.delete(`${accountId}|${instanceId}`);
  }

  async renewLeases(instanceId: string, now: number, stillLiveAt: number, until: number): Promise<Map<string, number>> {
    await this.yieldPoint();
    const renewed = new Map<string, number>();
    for (const g of this.grants.values()) {
      if (g.instanceId !== instanceId || g.leaseExpiresAt <= stillLiveAt) continue;
      const next = spendableLots(
        this.lots.filter((l) => l.accountId === g.accountId),
        now,
      )[0]?.expiresAt;
      g.leaseExpiresAt = next === undefined ? until : Math.min(until, next);
      renewed.set(g.accountId, g.leaseExpiresAt);
    }
    return renewed;
  }

  async releaseInstance(instanceId: string): Promise<void> {
    await this.yieldPoint();
    for (const [key, g] of this.grants) if (g.instanceId === instanceId) this.grants.delete(key);
  }

  async applyCharges(em: ChargeTx, instanceId: string, ownerCharges: OwnerCharge[], now: number): Promise<AppliedCharge[]> {
    const tx = em as unknown as MemTx;
    const results: AppliedCharge[] = [];
    const sums = new Map<string, bigint>();
    for (const c of ownerCharges) sums.set(c.ownerId, (sums.get(c.ownerId) ?? 0n) + c.amountNano);
    const charges = [...sums].map(([accountId, amountNano]) => ({ accountId, amountNano }));
    for (const charge of charges.sort((a, b) => a.accountId.localeCompare(b.accountId))) {
      await this.yieldPoint();
      tx.releases.push(await this.lock(charge.accountId)); // held until commit or rollback, like a row lock
      this.sweep(charge.accountId, now);
      const accountLots = this.lots.filter((l) => l.accountId === charge.accountId);
      const plan = planFifoDeduction(accountLots, charge.amountNano, now);
      tx.writes.push(() => {
        for (const d of plan.deductions) {
          const lot = accountLots.find((l) => l.id === d.id)!;
          // FIFO: nothing unexpired that expires earlier may still hold credit when a later lot is touched.
          for (const other of spendableLots(accountLots, now)) {
            if (other.expiresAt < lot.expiresAt && other.remainingNano > 0n) this.violations.push(`FIFO: ${lot.id} spent before ${other.id}`);
          }
          lot.remainingNano -= d.amountNano;
        }
        this.appliedNano += plan.appliedNano;
        this.shortfallNano += plan.shortfallNano;
        const g = this.grants.get(`${charge.accountId}|${instanceId}`);
        if (g) g.amountNano -= charge.amountNano;
      });
      results.push({ scopeId: charge.accountId, requestedNano: charge.amountNano, appliedNano: plan.appliedNano, shortfallNano: plan.shortfallNano });
    }
    return results;
  }

  commit(tx: MemTx): void {
    for (const w of tx.writes) w();
    for (const r of tx.releases) r();
    for (const f of tx.onCommit) f();
    this.check();
  }

  rollback(tx: MemTx): void {
    for (const r of tx.releases) r();
  }

  afterCommit(em: ChargeTx, fn: () => void): void {
    (em as unknown as MemTx).onCommit.push(fn);
  }

  inTransaction<T>(em: ChargeTx, fn: (tx: ChargeTx) => Promise<T>): Promise<T> {
    return fn(em);
  }

  async sweepExpired(now: number): Promise<number> {
    await this.yieldPoint();
    for (const a of ACCOUNTS) this.sweep(a, now);
    return 0;
  }
}

type Op =
  | { kind: 'purchase'; account: number; cents: number }
  | { kind: 'request'; instance: number; account: number; worst: bigint; actualPermille: number; release: boolean }
  | { kind: 'flush'; instance: number; commit: boolean }
  | { kind: 'advance'; ms: number }
  | { kind: 'tick'; instance: number };

const opArb = (chaos: boolean): fc.Arbitrary<{ op: Op; progress: number }> =>
  fc.record({
    op: fc.oneof(
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('purchase' as const), account: fc.nat(1), cents: fc.integer({ min: 500, max: 1_000 }) }) },
      {
        weight: 12,
        arbitrary: fc.record({
          kind: fc.constant('request' as const),
          instance: fc.nat(1),
          account: fc.nat(1),
          worst: fc.oneof(fc.bigInt({ min: 1n, max: 1_500_000_000n }), fc.bigInt({ min: 1n, max: 100_000_000n })),
          actualPermille: fc.oneof(fc.integer({ min: 0, max: chaos ? 1_500 : 1_000 }), fc.constant(1_000)),
          release: fc.boolean(),
        }),
      },
      { weight: 3, arbitrary: fc.record({ kind: fc.constant('flush' as const), instance: fc.nat(1), commit: fc.boolean() }) },
      {
        weight: 2,
        arbitrary: fc.record({
          kind: fc.constant('advance' as const),
          ms: chaos ? fc.constantFrom(1_000, 4_000, 40_000, 364 * DAY, 366 * DAY) : fc.integer({ min: 1, max: 4_000 }),
        }),
      },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('tick' as const), instance: fc.nat(1) }) },
    ),
    progress: fc.nat(8),
  });

interface Instance {
  control: ReturnType<typeof creditControl>;
  queue: Charge[];
  flushing: Promise<void>;
}

async function runLedger(s: fc.Scheduler, steps: { op: Op; progress: number }[], chaos: boolean) {
  let clock = Date.parse('2026-03-01T00:00:00Z');
  const store = new MemoryCreditStore(() => s.schedule(Promise.resolve()), () => clock, !chaos);
  const instances: Instance[] = ['i-1', 'i-2'].map((id) => ({
    control: creditControl({
      store,
      instanceId: id,
      logger,
      now: () => clock,
      timings: { leaseMs: 30_000, leaseMarginMs: 5_000, idleReturnMs: 20_000, exhaustedCacheMs: 1_000, sweepEveryMs: 60_000 },
    }),
    queue: [],
    flushing: Promise.resolve(),
  }));
  let settledNano = 0n;
  let seq = 0;
  if (!chaos) {
    // Never overspend: what all instances have promised (admitted reservations + charges not yet written) fits in the balance.
    store.extraCheck = () => {
      for (const accountId of ACCOUNTS) {
        let promised = 0n;
        for (const inst of instances) {
          const v = inst.control.inspect(accountId);
          if (!v) continue;
          const own = v.reservedNano - v.waitingNano + v.unappliedNano;
          promised += own;
          // Each instance's promises are covered by its own grant row.
          const row = store.grants.get(`${accountId}|${inst.control.instanceId}`)?.amountNano ?? 0n;
          if (own > row) store.violations.push(`${inst.control.instanceId}/${accountId}: promised ${own} exceeds its grant ${row}`);
          // Memory never believes it holds more than its row.
          if (v.grantedNano > row) store.violations.push(`${inst.control.instanceId}/${accountId}: memory grant ${v.grantedNano} above row ${row}`);
        }
        const balance = store.unexpired(accountId, clock);
        if (promised > balance) store.violations.push(`${accountId}: promised ${promised} exceeds balance ${balance}`);
      }
    };
  }
  const flows: Promise<void>[] = [];

  const flush = (inst: Instance, commit: boolean): Promise<void> => {
    // One batch at a time per instance, like the usage recorder.
    inst.flushing = inst.flushing.then(async () => {
      const batch = inst.queue.splice(0);
      if (batch.length === 0) return;
      const tx = new MemTx();
      await inst.control.applyCharges(tx as unknown as EntityManager, creditCharges(batch, clock));
      await s.schedule(Promise.resolve());
      if (commit) store.commit(tx);
      else {
        store.rollback(tx);
        inst.queue.unshift(...batch); // the writer retries the batch later
      }
    });
    return inst.flushing;
  };

  const request = async (op: Extract<Op, { kind: 'request' }>) => {
    const inst = instances[op.instance];
    const accountId = ACCOUNTS[op.account];
    let reservation;
    try {
      reservation = await inst.control.reserve(accountId, op.worst);
    } catch (err) {
      if (err instanceof InsufficientCreditsError) return;
      throw err;
    }
    store.check();
    await s.schedule(Promise.resolve()); // the upstream call
    if (op.release) {
      reservation.release();
      return;
    }
    const actual = (op.worst * BigInt(op.actualPermille)) / 1000n;
    reservation.settle(actual);
    reservation.settle(actual); // settling twice is a no-op
    reservation.release();
    if (actual > 0n) {
      settledNano += actual;
      inst.queue.push({ accountId, requestId: `r-${++seq}`, amountNano: actual });
    }
  };

  // Both accounts start with a purchase; the ops add more.
  await s.waitFor(Promise.all(ACCOUNTS.map((a) => store.purchase(a, 5_000_000_000n))));
  for (const { op, progress } of steps) {
    switch (op.kind) {
      case 'purchase':
        // A purchase publishes a 'credits' change event; every instance drops its exhausted-account shortcut.
        flows.push(
          store
            .purchase(ACCOUNTS[op.account], BigInt(op.cents) * 10_000_000n)
            .then(() => instances.forEach((i) => i.control.balanceChanged(ACCOUNTS[op.account]))),
        );
        break;
      case 'request':
        flows.push(request(op));
        break;
      case 'flush':
        flows.push(flush(instances[op.instance], op.commit));
        break;
      case 'advance':
        clock += op.ms;
        // Without chaos, leases are renewed as time passes (a live instance renews every few seconds).
        if (!chaos) await s.waitFor(Promise.all(instances.map((i) => i.control.tick())));
        break;
      case 'tick':
        flows.push(instances[op.instance].control.tick());
        break;
    }
    for (let i = 0; i < progress && s.count() > 0; i++) await s.waitOne();
    store.check();
  }
  await s.waitFor(Promise.all(flows));
  // The writers catch up: every settled charge is written exactly once.
  await s.waitFor(Promise.all(instances.map((i) => flush(i, true))));
  await s.waitFor(Promise.all(instances.map((i) => flush(i, true))));
  for (const inst of instances) {
    for (const accountId of ACCOUNTS) {
      const view = inst.control.inspect(accountId);
      if (view) {
        expect(view.reservedNano).toBe(0n);
        expect(view.unappliedNano).toBe(0n);
      }
    }
  }
  await s.waitFor(Promise.all(instances.map((i) => i.control.stop())));

  expect(store.violations).toEqual([]);
  const remaining = store.lots.reduce((sum, l) => sum + l.remainingNano, 0n);
  // Conservation: every nano purchased is still there, was spent, or expired.
  expect(store.purchasedNano).toBe(remaining + store.appliedNano + store.expiredNano);
  // Every settled charge reached the ledger once: applied, or (only in chaos) beyond the balance.
  expect(store.appliedNano + store.shortfallNano).toBe(settledNano);
  if (!chaos) expect(store.shortfallNano).toBe(0n);
  expect(store.grants.size).toBe(0);
}

describe('credit ledger (property)', () => {
  it('never overspends: reservations cover every charge, grants never exceed the balance, FIFO by expiry, exact books', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.array(opArb(false), { minLength: 1, maxLength: 80 }), (s, steps) => runLedger(s, steps, false)),
      { numRuns: 300 },
    );
  });

  it('keeps the balance at or above zero and the books exact under lapsed leases, expiries in flight and overruns', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.array(opArb(true), { minLength: 1, maxLength: 80 }), (s, steps) => runLedger(s, steps, true)),
      { numRuns: 300 },
    );
  });
});

describe('planFifoDeduction', () => {
  const lotArb = fc.record({ id: fc.uuid(), remainingNano: fc.bigInt({ min: 0n, max: 10n ** 10n }), expiresAt: fc.integer({ min: 0, max: 1_000 }) });

  it('takes from the earliest-expiring unexpired lots first and never more than they hold', () => {
    fc.assert(
      fc.property(fc.array(lotArb, { maxLength: 8 }), fc.bigInt({ min: 0n, max: 5n * 10n ** 10n }), fc.integer({ min: 0, max: 1_000 }), (lots, amount, now) => {
        const plan = planFifoDeduction(lots, amount, now);
        const spendable = spendableLots(lots, now);
        const available = spendable.reduce((s, l) => s + l.remainingNano, 0n);
        expect(plan.appliedNano + plan.shortfallNano).toBe(amount);
        expect(plan.appliedNano).toBe(amount < available ? amount : available);
        // Deductions are a prefix of the spending order; all but the last empty their lot.
        plan.deductions.forEach((d, i) => {
          expect(d.id).toBe(spendable[i].id);
          expect(d.amountNano > 0n && d.amountNano <= spendable[i].remainingNano).toBe(true);
          if (i < plan.deductions.length - 1) expect(d.amountNano).toBe(spendable[i].remainingNano);
        });
        for (const d of plan.deductions) expect(lots.find((l) => l.id === d.id)!.expiresAt).toBeGreaterThan(now);
      }),
    );
  });
});

describe('planGrant', () => {
  it('accepts obligations exactly equal to what the account has (mutant M11)', () => {
    expect(planGrant({ balanceNano: 1000n, othersHeldNano: 0n, currentGrantNano: 0n, obligationsNano: 1000n })).toMatchObject({
      accepted: true,
      grantNano: 1000n,
    });
    expect(planGrant({ balanceNano: 1000n, othersHeldNano: 400n, currentGrantNano: 0n, obligationsNano: 600n }).accepted).toBe(true);
    expect(planGrant({ balanceNano: 1000n, othersHeldNano: 400n, currentGrantNano: 0n, obligationsNano: 601n }).accepted).toBe(false);
  });

  it('covers the obligations when they fit, never exceeds what the account has, and keeps headroom small', () => {
    const n = fc.bigInt({ min: 0n, max: 10n ** 12n });
    fc.assert(
      fc.property(n, n, n, n, (balanceNano, othersHeldNano, currentGrantNano, obligationsNano) => {
        const plan = planGrant({ balanceNano, othersHeldNano, currentGrantNano, obligationsNano });
        const cap = balanceNano - othersHeldNano;
        expect(plan.accepted).toBe(obligationsNano <= cap);
        expect(plan.grantNano >= 0n).toBe(true);
        expect(plan.grantNano <= (cap > 0n ? cap : 0n)).toBe(true);
        if (plan.accepted) {
          expect(plan.grantNano >= obligationsNano).toBe(true);
          expect(plan.headroomNano <= 1_000_000_000n).toBe(true);
          expect(plan.headroomNano * 10n <= cap - obligationsNano).toBe(true);
        }
      }),
    );
  });
});

describe('LocalCreditControl on one account from two instances', () => {
  const setup = () => {
    let clock = Date.parse('2026-03-01T00:00:00Z');
    const store = new MemoryCreditStore(() => Promise.resolve(), () => clock, true);
    const make = (id: string) =>
      creditControl({ store, instanceId: id, logger, now: () => clock, timings: { leaseMs: 30_000, leaseMarginMs: 5_000, idleReturnMs: 20_000 } });
    return { store, a: make('i-a'), b: make('i-b'), advance: (ms: number) => (clock += ms) };
  };

  it('never lets the second instance spend what the first holds', async () => {
    const { store, a, b } = setup();
    await store.purchase('acct-a', 5_000_000_000n);
    await a.reserve('acct-a', 3_000_000_000n);
    await expect(b.reserve('acct-a', 3_000_000_000n)).rejects.toBeInstanceOf(InsufficientCreditsError);
    // What is left beyond A's grant (3.00 + headroom 0.20) is B's to take.
    await expect(b.reserve('acct-a', 1_500_000_000n)).resolves.toBeDefined();
    expect(store.violations).toEqual([]);
  });

  it('frees a crashed instance’s grant when its lease ends', async () => {
    const { store, a, b, advance } = setup();
    await store.purchase('acct-a', 5_000_000_000n);
    await a.reserve('acct-a', 4_000_000_000n); // A "crashes" holding 4.00+
    await expect(b.reserve('acct-a', 2_000_000_000n)).rejects.toBeInstanceOf(InsufficientCreditsError);
    advance(31_000);
    await expect(b.reserve('acct-a', 2_000_000_000n)).resolves.toBeDefined();
  });

  it('gives an idle grant back so the other instance can use it', async () => {
    const { store, a, b, advance } = setup();
    await store.purchase('acct-a', 5_000_000_000n);
    (await a.reserve('acct-a', 4_000_000_000n)).release();
    await expect(b.reserve('acct-a', 2_000_000_000n)).rejects.toBeInstanceOf(InsufficientCreditsError);
    advance(21_000);
    await a.tick();
    expect(store.grants.size).toBe(0);
    await expect(b.reserve('acct-a', 2_000_000_000n)).resolves.toBeDefined();
  });
});
