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

/** Runs `work` in one transaction on a pooled client: commit on success, rollback on throw. */
export async function inTransaction<T>(pool: SqlPool, work: (client: SqlClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const result = await work(client);
    await client.query('commit');
    return result;
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
