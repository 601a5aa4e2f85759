import type { EntityManager, EventSubscriber, TransactionEventArgs } from '@mikro-orm/postgresql';
import { afterCommit as afterPgCommit, sqlOf, type Sql, type SqlClient } from '../../db/pool.js';
import { sqlOfEm } from './credit-sql.js';

/**
 * The transaction charges are written in: a pg client inside db/pool.ts's inTransaction (the
 * usage writer's batch), or a MikroORM EntityManager (admin code, older callers).
 */
export type ChargeTx = SqlClient | EntityManager;

/** What an instance sees of a scope's balance while holding its lock. */
export interface GrantSnapshot {
  /** What the scope can still spend (grants included): unexpired credit, or budget − spent. */
  balanceNano: bigint;
  /** Live grants (lease not over) of the other instances; negative rows count as 0. */
  othersHeldNano: bigint;
  /** This instance's grant row, 0 when there is none. */
  ownGrantNano: bigint;
  /** Lease end of this instance's row (epoch ms), 0 when there is none. */
  ownLeaseExpiresAt: number;
  /** Leases may not outlive this (epoch ms): an account's earliest lot expiry; null = no cap. */
  leaseCapAt: number | null;
}

export interface GrantWrite {
  grantNano: bigint;
  leaseExpiresAt: number;
}

/** One request's charge against an owner (account for credits, access key for budgets). */
export interface OwnerCharge {
  ownerId: string;
  amountNano: bigint;
  /** When the request was admitted (epoch ms): picks a budget's period. */
  at: number;
  /** Requests the charge sums (default 1): the request counts of the credit and spend ledgers. */
  requests?: number;
}

export interface AppliedCharge {
  /** The scope whose grant the charge lowers; null when the owner has no such scope (a key without a budget). */
  scopeId: string | null;
  requestedNano: bigint;
  appliedNano: bigint;
  /** Not covered by the balance (should stay 0: reservations cover the worst case). */
  shortfallNano: bigint;
}

/**
 * Persistence behind BalanceControl. The SQL implementations serialise per scope with a row lock;
 * the property test drives BalanceControl against an in-memory one.
 */
export interface BalanceStore {
  /**
   * Under the scope's lock: reads a snapshot, asks `decide` (synchronous) for this instance's new
   * grant, writes it. Resolves after commit.
   */
  takeGrant(
    scopeId: string,
    instanceId: string,
    now: number,
    decide: (snapshot: GrantSnapshot) => GrantWrite | null,
  ): Promise<{ snapshot: GrantSnapshot; written: GrantWrite | null }>;
  /** Lowers this instance's grant by `byNano` (returning balance never needs the lock). */
  reduceGrant(scopeId: string, instanceId: string, byNano: bigint): Promise<void>;
  deleteGrant(scopeId: string, instanceId: string): Promise<void>;
  /** Extends this instance's leases still live after `stillLiveAt` to `until` (bounded by each scope's cap). */
  renewLeases(instanceId: string, now: number, stillLiveAt: number, until: number): Promise<Map<string, number>>;
  /** Drops every grant of the instance (shutdown). */
  releaseInstance(instanceId: string): Promise<void>;
  /** Inside `tx`'s transaction: writes the charges and lowers this instance's grants by them. */
  applyCharges(tx: ChargeTx, instanceId: string, charges: OwnerCharge[], now: number): Promise<AppliedCharge[]>;
  /** Runs `fn` after `tx`'s transaction commits (at once when `tx` is an EntityManager outside a transaction). */
  afterCommit(tx: ChargeTx, fn: () => void): void;
  /** `fn` inside a transaction: `tx`'s own when it has one, else a new one. */
  inTransaction<T>(tx: ChargeTx, fn: (tx: ChargeTx) => Promise<T>): Promise<T>;
  /** Housekeeping: expiries, grants dead for a day. */
  sweepExpired(now: number, maxScopes: number): Promise<number>;
}

function isEntityManager(tx: ChargeTx): tx is EntityManager {
  return typeof (tx as EntityManager).getTransactionContext === 'function';
}

/** The SQL runner of a charge transaction. */
export function sqlOfTx(tx: ChargeTx): Sql {
  return isEntityManager(tx) ? sqlOfEm(tx) : sqlOf(tx);
}

/** ChargeTx plumbing shared by the SQL stores. */
export function chargeTxAfterCommit(tx: ChargeTx, fn: () => void): void {
  if (!isEntityManager(tx)) {
    afterPgCommit(tx, fn);
    return;
  }
  const ctx = tx.getTransactionContext();
  if (!ctx) {
    fn();
    return;
  }
  let done = false;
  // The transactional fork has its own (cloned) event manager, so this subscriber lives and dies with it.
  const subscriber: EventSubscriber = {
    afterTransactionCommit: (args: TransactionEventArgs) => {
      if (done || args.transaction !== ctx) return;
      done = true;
      fn();
    },
    afterTransactionRollback: (args: TransactionEventArgs) => {
      if (args.transaction === ctx) done = true;
    },
  };
  tx.getEventManager().registerSubscriber(subscriber);
}

export async function chargeTxInTransaction<T>(tx: ChargeTx, fn: (tx: ChargeTx) => Promise<T>): Promise<T> {
  // A pg client is handed over inside inTransaction (afterCommit throws otherwise).
  if (!isEntityManager(tx) || tx.isInTransaction()) return fn(tx);
  return tx.transactional((inner) => fn(inner));
}
