import type { Logger } from 'pino';
import { afterCommit, sqlOf, type SqlClient } from '../../db/pool.js';
import type { ChargedUsage } from '../usage/pending-usage.js';
import { alertCandidates, detectAlerts } from './alert-detector.js';

export type UsageBatchHook = (client: SqlClient, events: readonly ChargedUsage[]) => Promise<void>;

/**
 * The usage writer's after-batch hook: alert detection in the batch's transaction, behind a
 * savepoint so that a failure here (logged) never costs the batch its usage events or charges.
 * New alerts wake the delivery worker once the batch commits.
 */
export function alertDetectionHook(options: { logger: Logger; now: () => number; onQueued: () => void }): UsageBatchHook {
  return async (client, events) => {
    const sql = sqlOf(client);
    // A plain read of a table this module owns: outside the savepoint, so a batch with no alerts configured costs one query.
    const candidates = await alertCandidates(sql, events);
    if (!candidates) return;
    await client.query('savepoint alert_detection');
    try {
      const queued = await detectAlerts(sql, candidates, options.now());
      await client.query('release savepoint alert_detection');
      if (queued.length > 0) afterCommit(client, options.onQueued);
    } catch (err) {
      await client.query('rollback to savepoint alert_detection');
      options.logger.error({ err }, 'alert detection failed for a usage batch; its alerts are skipped');
    }
  };
}
