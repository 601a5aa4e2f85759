/**
 * Master key rotation:
 *   1. set SECRET_KEY to the new key and PREVIOUS_SECRET_KEYS to the old one(s), restart the gateway
 *      (it decrypts with any of them and encrypts with the new one);
 *   2. npm run rotate-master-key, or node server/dist/cli/rotate-master-key.js in the image (same
 *      environment): re-encrypts every stored provider key and alert webhook signing secret;
 *   3. remove PREVIOUS_SECRET_KEYS and restart.
 * In embedded mode the current key lives in DATA_DIR/secret.key; stop the gateway first.
 */
import 'reflect-metadata';
import { loadConfig } from '../config.js';
import { openOrm } from '../db/orm.js';
import { startEmbeddedDatabase } from '../db/embedded.js';
import { createLogger } from '../logger.js';
import { SecretBox } from '../services/crypto.js';
import { loadOrCreateMasterKey } from '../services/master-key.js';
import { reencryptProviderKeys } from '../services/key-rotation.js';
import { reencryptAlertSecrets } from '../services/alerts/secret-rotation.js';

const config = loadConfig();
const logger = createLogger('info');
const embedded = config.databaseUrl ? undefined : await startEmbeddedDatabase(config.dataDir, 1);
const orm = await openOrm({ clientUrl: config.databaseUrl ?? embedded!.clientUrl, poolMax: 1 });
try {
  const current = config.secretKey ?? loadOrCreateMasterKey(config.dataDir, logger);
  const box = new SecretBox([current, ...config.previousSecretKeys]);
  const result = await reencryptProviderKeys(orm.em.fork(), box, (done, total) => {
    process.stdout.write(`\rre-encrypting provider keys: ${done}/${total}`);
  });
  process.stdout.write('\n');
  console.log(`${result.reencrypted} of ${result.total} provider keys re-encrypted under key ${box.currentKeyId}.`);
  if (result.failed.length > 0) {
    console.error(`${result.failed.length} keys could not be decrypted with the configured keys: ${result.failed.join(', ')}`);
    process.exitCode = 1;
  }
  const alerts = await reencryptAlertSecrets(orm.em.fork(), box);
  console.log(`${alerts.reencrypted} of ${alerts.total} alert webhook signing secrets re-encrypted.`);
  if (alerts.failed.length > 0) {
    console.error(`${alerts.failed.length} signing secrets (accounts ${alerts.failed.join(', ')}) could not be decrypted with the configured keys.`);
    process.exitCode = 1;
  }
} finally {
  await orm.close(true);
  await embedded?.stop();
}
