import pg from 'pg';

/**
 * A plain `pg` pool beside the ORM, for the data plane's writes (usage events, charges, grants,
 * rollups): parameterised SQL with no ORM formatting and no AsyncLocalStorage on the hot path.
 * The admin surface keeps using MikroORM.
 */
export type SqlPool = pg.Pool;
export type SqlClient = pg.PoolClient;

export function createSqlPool(clientUrl: string, max: number): SqlPool {
  const pool = new pg.Pool({ connectionString: clientUrl, max, idleTimeoutMillis: 30_000 });
  // An idle client's error (server restart, dropped socket) must not crash the process; the pool
  // discards that client and the next query opens a new one.
  pool.on('error', () => undefined);
  return pool;
}

/** Callbacks waiting for the commit of the transaction a client is in (see afterCommit). */
const commitHooks = new WeakMap<SqlClient, (() => void)[]>();

/**
 * Runs `work` in one transaction on a pooled client: commit on success, rollback on throw.
 * Callbacks registered with afterCommit(client, …) run after the commit, never after a rollback.
 */
export async function inTransaction<T>(pool: SqlPool, work: (client: SqlClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  // A checked-out client whose connection dies between two statements (a database restart, a
  // terminated backend) emits 'error'; unheard, that event would crash the process. The failure
  // reaches `work` through its next query instead, and the client is destroyed, not pooled again.
  let lost: Error | undefined;
  const onLost = (err: Error) => {
    lost = err;
  };
  client.on('error', onLost);
  const hooks: (() => void)[] = [];
  commitHooks.set(client, hooks);
  try {
    await client.query('begin');
    const result = await work(client);
    await client.query('commit');
    commitHooks.delete(client);
    for (const hook of hooks) hook();
    return result;
  } catch (err) {
    commitHooks.delete(client);
    await client.query('rollback').catch(() => undefined);
    throw err;
  } finally {
    client.off('error', onLost);
    client.release(lost);
  }
}

/**
 * Runs `fn` once the transaction `client` is in (opened by inTransaction) commits. In-memory state
 * that mirrors a write (e.g. a credit grant shrinking by a charge) must follow only a committed write.
 */
export function afterCommit(client: SqlClient, fn: () => void): void {
  const hooks = commitHooks.get(client);
  if (!hooks) throw new Error('afterCommit needs a client inside inTransaction (db/pool.ts)');
  hooks.push(fn);
}

/** Parameterised SQL (`$1`, `$2`, …) returning rows: the one shape the data-plane stores need. */
export interface Sql {
  query<R>(text: string, params?: readonly unknown[]): Promise<R[]>;
}

export function sqlOf(client: SqlPool | SqlClient): Sql {
  return { query: async <R>(text: string, params?: readonly unknown[]) => (await client.query(text, params as unknown[])).rows as R[] };
}
