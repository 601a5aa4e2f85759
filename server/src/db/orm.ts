import { MikroORM, type Options, PostgreSqlDriver, UnderscoreNamingStrategy } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
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
    debug: settings.debug ?? false,
    allowGlobalContext: false,
    forceUtcTimezone: true,
    ignoreUndefinedInQuery: true,
  };
}

export async function openOrm(settings: OrmSettings): Promise<MikroORM> {
  return MikroORM.init(ormOptions(settings));
}

export async function migrateUp(orm: MikroORM): Promise<void> {
  await orm.migrator.up();
}
