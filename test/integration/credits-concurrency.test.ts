import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageEvent } from '../../server/src/entities/usage-event.entity.js';
import { InsufficientCreditsError } from '../../server/src/errors/credits-error.js';
import type { BalanceControl, Reservation } from '../../server/src/services/credits/balance-control.js';
import type { AppliedCharge, ChargeTx } from '../../server/src/services/credits/balance-store.js';
import { creditCharges, creditControl, type Charge } from '../../server/src/services/credits/credit-service.js';
import { SqlCreditStore } from '../../server/src/services/credits/credit-store.js';
import { startTestServer, type TestServer } from '../support/test-app.js';
import { gqlOk, signUpAccount } from '../support/graphql.js';

const logger = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const WORST = 50_000_000n; // $0.05: a $5.00 balance covers 100 worst cases

/** One instance's credit control as the writer and the requests use it. */
interface CreditControl {
  reserve(accountId: string, worstCaseNano: bigint): Reservation | Promise<Reservation>;
  applyCharges(tx: ChargeTx, charges: readonly Charge[]): Promise<AppliedCharge[]>;
}

const onInstance = (control: BalanceControl): CreditControl & { stop(): Promise<void>; tick(): Promise<void> } => ({
  reserve: (accountId, worst) => control.reserve(accountId, worst),
  applyCharges: (tx, charges) => control.applyCharges(tx, creditCharges(charges, Date.now())),
  stop: () => control.stop(),
  tick: () => control.tick(),
});

/** Stand-in for the usage batch writer: inserts usage events and applies their charges in one transaction. */
class BatchWriter {
  private queue: { charge: Charge; event: Record<string, unknown> }[] = [];
  private chain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout;
  readonly applied: AppliedCharge[] = [];

  constructor(
    private readonly server: TestServer,
    private readonly control: CreditControl,
  ) {
    this.timer = setInterval(() => void this.flush(), 15);
  }

  record(accountId: string, amountNano: bigint): void {
    const requestId = randomUUID();
    this.queue.push({
      charge: { accountId, requestId, amountNano },
      event: {
        id: randomUUID(),
        requestId,
        accountId,
        accessKeyId: randomUUID(),
        endpoint: 'chat',
        provider: 'openai',
        model: 'gpt-4o',
        status: 200,
        streamed: false,
        inputTokens: 10,
        outputTokens: 10,
        tokensEstimated: false,
        latencyMs: 5,
        keySource: 'gateway',
        providerKeyId: null,
        feeNano: '1000',
        upstreamCostNano: (amountNano - 1000n).toString(),
        totalCostNano: amountNano.toString(),
        errorCode: null,
        attempts: [],
        createdAt: new Date(),
      },
    });
  }

  flush(): Promise<void> {
    this.chain = this.chain.then(async () => {
      const batch = this.queue.splice(0);
      if (batch.length === 0) return;
      await this.server.services.orm.em.fork().transactional(async (tx: EntityManager) => {
        for (const b of batch) tx.create(UsageEvent, b.event as never);
        await tx.flush();
        this.applied.push(...(await this.control.applyCharges(tx, batch.map((b) => b.charge))));
      });
    });
    return this.chain;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}

interface Sample {
  balance: bigint;
  minLot: bigint;
  held: bigint;
}

describe('credits under concurrency', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => server?.stop());

  const sql = <T>(query: string, params: unknown[] = []) => server.services.orm.em.fork().execute<T[]>(query, params);

  async function fundedAccount(amountUsd = '5.00'): Promise<string> {
    const { token, accountId } = await signUpAccount(server.url);
    await gqlOk(server.url, 'mutation($a: String!) { purchaseCredits(amountUsd: $a) { id } }', { a: amountUsd }, token);
    return accountId;
  }

  /** Polls the account's books while `work` runs. */
  async function watch(accountId: string, work: Promise<unknown>): Promise<Sample[]> {
    const samples: Sample[] = [];
    let done = false;
    void work.finally(() => (done = true));
    while (!done) {
      const [row] = await sql<{ balance: string; min_lot: string; held: string }>(
        `select (select coalesce(sum(remaining_nano), 0) from credit_lot where account_id = ? and expires_at > now())::text as balance,
                (select coalesce(min(remaining_nano), 0) from credit_lot where account_id = ?)::text as min_lot,
                (select coalesce(sum(greatest(amount_nano, 0)), 0) from credit_grant where account_id = ? and lease_expires_at > now())::text as held`,
        [accountId, accountId, accountId],
      );
      samples.push({ balance: BigInt(row.balance), minLot: BigInt(row.min_lot), held: BigInt(row.held) });
      await sleep(2);
    }
    await work;
    return samples;
  }

  async function fire(controls: CreditControl[], writers: BatchWriter[], accountId: string, n: number) {
    let accepted = 0;
    let rejected = 0;
    let settled = 0n;
    let charged = 0;
    await Promise.all(
      Array.from({ length: n }, async (_, i) => {
        await sleep(Math.floor(Math.random() * 300)); // arrivals spread over ~0.3 s
        const which = i % controls.length;
        let reservation;
        try {
          reservation = await controls[which].reserve(accountId, WORST);
        } catch (err) {
          expect(err).toBeInstanceOf(InsufficientCreditsError);
          rejected++;
          return;
        }
        accepted++;
        await sleep(Math.floor(Math.random() * 40)); // the upstream call
        if (i % 10 === 0) {
          reservation.release(); // e.g. failed before reaching a provider
          return;
        }
        const actual = (WORST * BigInt(50 + Math.floor(Math.random() * 51))) / 100n; // 50–100% of the worst case
        reservation.settle(actual);
        reservation.settle(actual); // exactly once
        settled += actual;
        charged++;
        writers[which].record(accountId, actual);
      }),
    );
    await Promise.all(writers.map((w) => w.close()));
    return { accepted, rejected, settled, charged };
  }

  async function books(accountId: string) {
    const [row] = await sql<{ balance: string; events: string; event_cost: string; usage_tx: string; purchases: string }>(
      `select (select coalesce(sum(remaining_nano), 0) from credit_lot where account_id = ?)::text as balance,
              (select count(*) from usage_event where account_id = ?)::text as events,
              (select coalesce(sum(total_cost_nano), 0) from usage_event where account_id = ?)::text as event_cost,
              (select coalesce(sum(amount_nano), 0) from credit_transaction where account_id = ? and kind = 'usage')::text as usage_tx,
              (select coalesce(sum(amount_nano), 0) from credit_transaction where account_id = ? and kind = 'purchase')::text as purchases`,
      [accountId, accountId, accountId, accountId, accountId],
    );
    return {
      balance: BigInt(row.balance),
      events: Number(row.events),
      eventCost: BigInt(row.event_cost),
      usageTx: BigInt(row.usage_tx),
      purchases: BigInt(row.purchases),
    };
  }

  function expectSound(samples: Sample[]) {
    expect(samples.length).toBeGreaterThan(0);
    for (const s of samples) {
      expect(s.balance >= 0n).toBe(true);
      expect(s.minLot >= 0n).toBe(true);
      // What instances hold never exceeds what the account has.
      expect(s.held <= s.balance).toBe(true);
    }
  }

  it('300 requests against a balance covering ~100: never negative, every charge has its usage event, books exact', async () => {
    const accountId = await fundedAccount('5.00');
    const control = onInstance(server.services.credits.control);
    const writer = new BatchWriter(server, control);
    const run = fire([control], [writer], accountId, 300);
    const samples = await watch(accountId, run);
    const { accepted, rejected, settled, charged } = await run;

    expectSound(samples);
    expect(accepted + rejected).toBe(300);
    expect(accepted).toBeGreaterThanOrEqual(90);
    expect(rejected).toBeGreaterThan(0);
    const b = await books(accountId);
    expect(writer.applied.every((a) => a.shortfallNano === 0n)).toBe(true);
    expect(b.purchases - b.balance).toBe(settled); // the balance moved by exactly the charges
    expect(b.eventCost).toBe(settled); // …which are exactly the usage events' costs
    expect(-b.usageTx).toBe(settled); // …and the ledger's usage rows
    expect(b.events).toBe(charged); // every charged request has its usage event
  });

  it('two instances on one database never spend the same credit', async () => {
    const accountId = await fundedAccount('5.00');
    const store = new SqlCreditStore(server.services.sql);
    const controls = ['gw-a', 'gw-b'].map((id) => onInstance(creditControl({ store, instanceId: id, logger })));
    const writers = controls.map((c) => new BatchWriter(server, c));
    const run = fire(controls, writers, accountId, 300);
    const samples = await watch(accountId, run);
    const { accepted, rejected, settled, charged } = await run;

    expectSound(samples);
    expect(accepted + rejected).toBe(300);
    expect(accepted).toBeGreaterThanOrEqual(80);
    const applied = writers.flatMap((w) => w.applied);
    expect(applied.every((a) => a.shortfallNano === 0n)).toBe(true);
    const b = await books(accountId);
    expect(b.purchases - b.balance).toBe(settled);
    expect(b.eventCost).toBe(settled);
    expect(-b.usageTx).toBe(settled);
    expect(b.events).toBe(charged);
    await Promise.all(controls.map((c) => c.stop()));
    const grants = await sql<{ n: string }>('select count(*)::text as n from credit_grant where account_id = ?', [accountId]);
    expect(grants[0].n).toBe('0');
  });

  it('keeps a crashed instance’s grant from others until its lease ends, and returns idle grants', async () => {
    const accountId = await fundedAccount('5.00');
    let clock = Date.now();
    const store = new SqlCreditStore(server.services.sql);
    const make = (id: string) =>
      onInstance(creditControl({ store, instanceId: id, logger, now: () => clock, timings: { leaseMs: 30_000, idleReturnMs: 20_000 } }));
    const crashed = make('gw-crashed');
    const alive = make('gw-alive');
    const held = await crashed.reserve(accountId, 4_000_000_000n); // never settled: the process died
    void held;
    await expect(alive.reserve(accountId, 2_000_000_000n)).rejects.toBeInstanceOf(InsufficientCreditsError);
    clock += 31_000;
    const r = await alive.reserve(accountId, 2_000_000_000n);
    r.release();
    const rows = () => sql<{ instance_id: string }>('select instance_id from credit_grant where account_id = ? order by instance_id', [accountId]);
    expect((await rows()).map((x) => x.instance_id)).toEqual(['gw-alive', 'gw-crashed']);
    clock += 21_000;
    await alive.tick(); // idle for 21 s: gives its grant back
    expect((await rows()).map((x) => x.instance_id)).toEqual(['gw-crashed']);
    await alive.stop();
  });
});
