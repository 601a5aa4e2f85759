/**
 * Operator reset of a member's forgotten password (e.g. the only OWNER's):
 *   npm run reset-password -- <email>          (a checkout)
 *   node server/dist/cli/reset-password.js <email>   (the built server, e.g. in the image)
 * Runs against the same database as the gateway (DATABASE_URL, else the embedded one in DATA_DIR:
 * stop the gateway first, since only one process can open it). Sets a new random password and
 * prints it once, ends all of that member's sessions and writes a `member.resetPassword` audit
 * event (actor: system). The member should change it in Settings after signing in.
 */
import 'reflect-metadata';
import { loadConfig } from '../config.js';
import { openOrm } from '../db/orm.js';
import { startEmbeddedDatabase } from '../db/embedded.js';
import { AppError } from '../errors/app-error.js';
import { resetPassword } from '../services/accounts.js';

const email = process.argv[2];
if (!email || process.argv.length > 3) {
  console.error('usage: npm run reset-password -- <email>   (or: node server/dist/cli/reset-password.js <email>)');
  process.exit(2);
}

const config = loadConfig();
const embedded = config.databaseUrl ? undefined : await startEmbeddedDatabase(config.dataDir, 1);
const orm = await openOrm({ clientUrl: config.databaseUrl ?? embedded!.clientUrl, poolMax: 1 });
try {
  const result = await resetPassword(orm.em.fork(), email);
  console.log(`New password for ${result.email} (shown once; all of their sessions have ended):`);
  console.log(result.password);
} catch (err) {
  if (!(err instanceof AppError)) throw err;
  console.error(err.code === 'not_found' ? `No member signs in with ${JSON.stringify(email)}.` : err.message);
  process.exitCode = 1;
} finally {
  await orm.close(true);
  await embedded?.stop();
}
