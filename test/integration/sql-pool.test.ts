import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqlPool, inTransaction, type SqlPool } from '../../server/src/db/pool.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

/**
 * The data plane's pg pool when PostgreSQL drops a connection in the middle of a transaction
 * (restart, failover, a terminated backend): the caller gets an error and the process lives on.
 * Needs a server to terminate backends on, so it runs with TEST_DATABASE_URL (as CI does).
 */
describe.skipIf(!process.env.TEST_DATABASE_URL)('sql pool: a connection lost inside a transaction', () => {
  let db: TestDatabase;
  let pool: SqlPool;
  let admin: pg.Client;

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = createSqlPool(db.databaseUrl ?? '', 2);
    admin = new pg.Client({ connectionString: db.databaseUrl });
    await admin.connect();
  });

  afterAll(async () => {
    await admin.end();
    await pool.end();
    await db.drop();
  });

  it('rejects the transaction instead of crashing on the client error, and the pool serves the next one', async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => uncaught.push(err);
    // vitest reports an uncaught exception as a failure of its own; counting it here makes the cause explicit.
    process.on('uncaughtException', onUncaught);
    try {
      const failed = inTransaction(pool, async (client) => {
        const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
        await admin.query('select pg_terminate_backend($1)', [rows[0].pid]);
        // The termination arrives while no statement is running: the client itself emits 'error'.
        await new Promise((r) => setTimeout(r, 300));
        await client.query('select 1');
      });
      await expect(failed).rejects.toThrow();
      expect(uncaught).toEqual([]);
      const next = await inTransaction(pool, async (client) => (await client.query<{ ok: number }>('select 1 as ok')).rows[0].ok);
      expect(next).toBe(1);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });
});
