import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/src/config.js';
import { startServer } from '../../server/src/server.js';
import { gqlOk } from '../support/graphql.js';
import { startTestServer } from '../support/test-app.js';

/**
 * REDIS_URL holds the log-in, sign-up and per-key counters, which fail closed. A wrong or
 * unreachable REDIS_URL used to start silently (its connection errors logged at debug, /readyz
 * ok), after which every log-in and sign-up answered "Internal server error". It must stop
 * start-up with a sentence naming REDIS_URL (never its password) instead.
 */
describe('REDIS_URL at start-up', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gw-redis-start-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  const configWith = (redisUrl: string) =>
    loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, SERVE_WEB: 'false', LOG_LEVEL: 'silent', REDIS_URL: redisUrl });

  it('refuses a REDIS_URL that is not redis:// or rediss://', () => {
    expect(() => configWith('localhost:6379')).toThrow(/REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL/);
  });

  it('refuses to start when Redis cannot be reached, naming the URL without its password', async () => {
    const started = startServer(configWith('redis://user:s3cret-pass@127.0.0.1:1'), { logger: pino({ level: 'silent' }) });
    const outcome = await started.then(
      async (server) => {
        await server.close();
        return undefined;
      },
      (err: unknown) => err,
    );
    expect(outcome).toBeInstanceOf(ConfigError);
    const message = (outcome as Error).message;
    expect(message).toMatch(/^REDIS_URL redis:\/\/user:\*\*\*@127\.0\.0\.1:1\/?: cannot use Redis \(.*ECONNREFUSED.*\)/);
    expect(message).not.toContain('s3cret-pass');
  });

  it.skipIf(!process.env.TEST_REDIS_URL)('starts on a reachable Redis, and sign-up works (TEST_REDIS_URL)', async () => {
    const server = await startTestServer({ REDIS_URL: process.env.TEST_REDIS_URL, REDIS_KEY_PREFIX: `redis-start-${Date.now()}:` });
    try {
      await gqlOk(server.url, 'mutation { signUp(input: { email: "redis-start@example.com", password: "a long password", name: "R" }) { token } }');
    } finally {
      await server.stop();
    }
  });
});
