import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { loadConfig } from '../../server/src/config.js';
import { createLogger } from '../../server/src/logger.js';
import { startServer, type RunningServer, type StartOptions } from '../../server/src/server.js';
import { warmTokenizer } from '../../server/src/gateway/tokens.js';
import { createTestDatabase, type TestDatabase } from './db.js';

export interface TestServer extends RunningServer {
  db: TestDatabase;
  /** Everything the server logged, as JSON lines (to search for leaked secrets). */
  logs: string[];
  stop(): Promise<void>;
}

/** The real server in-process on an ephemeral port with its own database. */
export async function startTestServer(
  env: Record<string, string | undefined> = {},
  options: Omit<StartOptions, 'logger'> = {},
): Promise<TestServer> {
  const db = await createTestDatabase();
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: db.dataDir,
    LOG_LEVEL: 'info',
    SERVE_WEB: 'false',
    SHUTDOWN_GRACE_MS: '2000',
    ...(db.databaseUrl ? { DATABASE_URL: db.databaseUrl, SECRET_KEY: randomBytes(32).toString('base64') } : {}),
    ...env,
  });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      cb();
    },
  });
  // Tests compare exact o200k counts: the encoder's thread is ready before the first request (a
  // server starts it on first need, and estimates by characters until it is up).
  await warmTokenizer();
  const server = await startServer(config, { ...options, logger: createLogger(config.logLevel, sink) });
  return {
    ...server,
    db,
    logs,
    async stop() {
      await server.close();
      await db.drop();
    },
  };
}
