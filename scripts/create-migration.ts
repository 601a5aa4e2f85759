/**
 * Generates the next migration by diffing the entities against a fresh embedded database with
 * every existing migration applied. Usage: npm run migration:create [-- --initial]
 */
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { MikroORM } from '@mikro-orm/postgresql';
import { ormOptions } from '../server/src/db/orm.js';
import { startEmbeddedDatabase } from '../server/src/db/embedded.js';

const dir = mkdtempSync(join(tmpdir(), 'gw-migration-'));
const db = await startEmbeddedDatabase(dir, 1);
try {
  const base = ormOptions({ clientUrl: db.clientUrl, poolMax: 1 });
  const orm = await MikroORM.init({
    ...base,
    migrations: { ...base.migrations, path: resolve('server/src/db/migrations'), emit: 'ts', snapshot: false },
  });
  await orm.migrator.up();
  const initial = process.argv.includes('--initial');
  const result = await orm.migrator.create(undefined, false, initial);
  if (result.diff.up.length === 0) {
    console.log('No schema changes: no migration created.');
  } else {
    console.log(`Created ${result.fileName}. Add it to server/src/db/migrations/index.ts.`);
  }
  await orm.close(true);
} finally {
  await db.stop();
  rmSync(dir, { recursive: true, force: true });
}
