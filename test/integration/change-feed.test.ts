/**
 * The change feed between instances on one PostgreSQL (LISTEN/NOTIFY): each instance's changes
 * reach the others once, and never come back to it, even when an operator gave two instances the
 * same INSTANCE_ID, which is then reported.
 */
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalChangeEvents, type ChangeEvent } from '../../server/src/services/change-events.js';
import { startPgChangeFeed, type ChangeFeed } from '../../server/src/services/pg-change-feed.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

const databaseUrl = process.env.TEST_DATABASE_URL;

describe.skipIf(!databaseUrl)('change feed between instances', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  const feeds: ChangeFeed[] = [];
  const logLines: string[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void logLines.push(line) });

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = new pg.Pool({ connectionString: db.databaseUrl, max: 2 });
  });
  afterAll(async () => {
    await Promise.all(feeds.map((f) => f.stop()));
    await pool?.end();
    await db?.drop();
  });

  /** One instance's events and feed, publishing through the shared pool. */
  async function instance(instanceId: string): Promise<{ events: LocalChangeEvents; received: ChangeEvent[] }> {
    const events = new LocalChangeEvents();
    const received: ChangeEvent[] = [];
    events.subscribe((e) => received.push(e));
    feeds.push(
      await startPgChangeFeed({
        connectionString: db.databaseUrl!,
        events,
        instanceId,
        logger,
        notify: async (channel, payload) => void (await pool.query('select pg_notify($1, $2)', [channel, payload])),
        onResync: () => undefined,
      }),
    );
    return { events, received };
  }

  it('delivers each instance’s change to the other once, and not back to itself, also under one shared INSTANCE_ID (reported)', async () => {
    for (const [idA, idB] of [
      ['a', 'b'],
      ['same', 'same'],
    ]) {
      logLines.length = 0;
      const a = await instance(idA);
      const b = await instance(idB);
      const fromA: ChangeEvent = { kind: 'accessKey', accountId: `acct-${idA}`, accessKeyId: 'k1' };
      const fromB: ChangeEvent = { kind: 'configuration', accountId: `acct-${idB}` };
      a.events.publish(fromA);
      b.events.publish(fromB);
      await expect.poll(() => b.received, { timeout: 5_000 }).toEqual([fromB, fromA]);
      await expect.poll(() => a.received, { timeout: 5_000 }).toEqual([fromA, fromB]);
      // Nothing arrives twice (the feed's own notifications come back to its listener too).
      await new Promise((r) => setTimeout(r, 300));
      expect(a.received).toHaveLength(2);
      expect(b.received).toHaveLength(2);
      const warned = logLines.some((l) => l.includes('same INSTANCE_ID'));
      expect(warned).toBe(idA === idB);
      await Promise.all(feeds.splice(0).map((f) => f.stop()));
    }
  });
});
