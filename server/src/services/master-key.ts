import { existsSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { prepareDataDir } from '../db/data-dir.js';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';

/**
 * Embedded mode only: the master key lives in DATA_DIR/secret.key (0600), generated on first start.
 * With DATABASE_URL, config requires SECRET_KEY instead.
 */
export function loadOrCreateMasterKey(dataDir: string, logger: Logger): string {
  const path = join(dataDir, 'secret.key');
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  prepareDataDir(dataDir);
  const key = randomBytes(32).toString('base64');
  writeFileSync(path, key + '\n', { mode: 0o600 });
  chmodSync(path, 0o600);
  logger.warn({ path }, 'SECRET_KEY not set: generated a master key for provider-key encryption. Back it up; losing it makes stored provider keys unreadable.');
  return key;
}
