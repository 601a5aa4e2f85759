import type { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll } from 'vitest';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../server/src/db/embedded.js';
import { openOrm } from '../../server/src/db/orm.js';
import { createTestDatabase, type TestDatabase } from './db.js';

/**
 * An ORM on a fresh, unmigrated database for the current describe block (PostgreSQL when
 * TEST_DATABASE_URL is set, else the embedded one), for migration tests that migrate step by
 * step themselves. Returns a getter: the ORM exists once beforeAll has run.
 */
export function useUnmigratedOrm(): () => MikroORM {
  let db: TestDatabase | undefined;
  let embedded: EmbeddedDatabase | undefined;
  let orm: MikroORM | undefined;
  beforeAll(async () => {
    db = await createTestDatabase();
    if (!db.databaseUrl) embedded = await startEmbeddedDatabase(db.dataDir, 1);
    orm = await openOrm({ clientUrl: db.databaseUrl ?? embedded!.clientUrl, poolMax: 1 });
  }, 120_000);
  afterAll(async () => {
    await orm?.close(true);
    await embedded?.stop();
    await db?.drop();
  });
  return () => {
    if (!orm) throw new Error('useUnmigratedOrm: the ORM is opened in beforeAll');
    return orm;
  };
}
