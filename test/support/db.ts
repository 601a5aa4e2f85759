import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/**
 * An isolated database for one test file: a fresh database on TEST_DATABASE_URL's server when set
 * (CI: PostgreSQL 15), else an embedded one in a temp dir. Either way runs never see each other.
 */
export interface TestDatabase {
  /** DATABASE_URL for the server, or undefined for embedded mode. */
  databaseUrl: string | undefined;
  dataDir: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gw-test-'));
  const base = process.env.TEST_DATABASE_URL;
  if (!base) {
    return { databaseUrl: undefined, dataDir, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const name = `gw_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    databaseUrl: url.toString(),
    dataDir,
    async drop() {
      rmSync(dataDir, { recursive: true, force: true });
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      try {
        await c.query(`drop database if exists ${name} with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}

/**
 * What every instance of a multi-instance test shares: one database and one secret key (an
 * instance must decrypt what another stored), with quiet logs, no web UI and any free port.
 */
export function sharedInstanceEnv(db: TestDatabase): Record<string, string> {
  return {
    PORT: '0',
    LOG_LEVEL: 'silent',
    SERVE_WEB: 'false',
    DATA_DIR: db.dataDir,
    DATABASE_URL: db.databaseUrl ?? '',
    SECRET_KEY: randomBytes(32).toString('base64'),
  };
}
