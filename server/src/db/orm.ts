// Before @mikro-orm/*: its AsyncLocalStorages must be the scoped ones (see the module).
import { scopedOrmContextsInstalled } from './orm-async-context.js';
import { MikroORM, type Options, PostgreSqlDriver, TransactionContext, UnderscoreNamingStrategy } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import pg from 'pg';
import { ALL_ENTITIES } from '../entities/index.js';
import { MIGRATIONS } from './migrations/index.js';

export interface OrmSettings {
  clientUrl: string;
  poolMax: number;
  debug?: boolean;
}

export function ormOptions(settings: OrmSettings): Options {
  return {
    driver: PostgreSqlDriver,
    clientUrl: settings.clientUrl,
    entities: ALL_ENTITIES,
    namingStrategy: UnderscoreNamingStrategy,
    extensions: [Migrator],
    // Migrations are listed explicitly so dist/, tsx and vitest all load the same classes.
    migrations: { migrationsList: MIGRATIONS, transactional: true, allOrNothing: true, snapshot: false, silent: true },
    pool: { min: 0, max: settings.poolMax },
    // usage_event is partitioned by day (hand-written migrations, services/usage/partitions.ts):
    // the schema diff must neither recreate it nor drop its partitions.
    schemaGenerator: { skipTables: [/^usage_event(_p\d{8})?$/] },
    debug: settings.debug ?? false,
    allowGlobalContext: false,
    forceUtcTimezone: true,
    ignoreUndefinedInQuery: true,
  };
}

export async function openOrm(settings: OrmSettings): Promise<MikroORM> {
  // `storage` is private in the typings; it is the static field the scoped class must have filled.
  if (!scopedOrmContextsInstalled((TransactionContext as unknown as { storage: unknown }).storage)) {
    process.emitWarning('MikroORM was loaded before db/orm-async-context.ts: async_hooks promise hooks stay on after the first transaction (slower /v1 requests).');
  }
  return MikroORM.init(ormOptions(settings));
}

/** Arbitrary constant: the advisory lock that serialises migrations across instances. */
const MIGRATION_LOCK_ID = 7_358_201_144;

/**
 * Applies pending migrations. With several instances starting at once on one PostgreSQL, a
 * session advisory lock (held on a dedicated connection) lets exactly one migrate at a time.
 */
export async function migrateUp(orm: MikroORM, lockConnectionString?: string, log?: (message: string) => void): Promise<void> {
  const apply = async () => {
    const pending = await orm.migrator.getPending();
    if (pending.length === 0) return;
    log?.(`applying ${pending.length} migration(s): ${pending.map((m) => m.name).join(', ')}`);
    await orm.migrator.up();
    log?.('migrations applied');
  };
  if (!lockConnectionString) {
    await apply();
    return;
  }
  const lock = new pg.Client({ connectionString: lockConnectionString });
  await lock.connect();
  try {
    await lock.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    await apply();
  } finally {
    await lock.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]).catch(() => undefined);
    await lock.end();
  }
}
