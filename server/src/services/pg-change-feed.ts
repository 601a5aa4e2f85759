import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Logger } from 'pino';
import type { ChangeEvent, LocalChangeEvents } from './change-events.js';

const CHANNEL = 'gateway_changes';

export interface ChangeFeed {
  stop(): Promise<void>;
}

/**
 * Carries ChangeEvents between gateway instances on one PostgreSQL with LISTEN/NOTIFY, so a
 * revoked key or edited configuration takes effect everywhere at once. A dropped listener
 * reconnects and, since notifications may have been missed meanwhile, asks for a full flush.
 */
export async function startPgChangeFeed(options: {
  connectionString: string;
  events: LocalChangeEvents;
  instanceId: string;
  logger: Logger;
  /** Publishes with an ordinary pooled connection. */
  notify: (channel: string, payload: string) => Promise<void>;
  /** Called after a reconnect: anything may have changed while disconnected. */
  onResync: () => void;
}): Promise<ChangeFeed> {
  const { events, instanceId, logger } = options;
  // This process's own mark: INSTANCE_ID is the operator's to set, and two instances given the same
  // one would otherwise each take the other's changes for their own and skip them.
  const sender = randomUUID();
  let lastWarned = 0;
  let client: pg.Client | undefined;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;

  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: options.connectionString });
    c.on('notification', (msg) => {
      if (!msg.payload) return;
      try {
        const { origin, sender: from, event } = JSON.parse(msg.payload) as { origin: string; sender?: string; event: ChangeEvent };
        if (from === sender) return;
        if (origin === instanceId && Date.now() - lastWarned > 60_000) {
          // Their credit and budget grants are held under the same name too: say so loudly.
          lastWarned = Date.now();
          logger.error({ instanceId }, 'another gateway instance runs with the same INSTANCE_ID: give each instance its own, or leave INSTANCE_ID unset');
        }
        events.deliver(event);
      } catch {
        logger.warn('ignoring a malformed change notification');
      }
    });
    const reconnect = (err?: Error) => {
      if (stopped || client !== c) return;
      client = undefined;
      logger.warn({ err }, 'change feed connection lost; reconnecting');
      c.end().catch(() => undefined);
      retry = setTimeout(() => {
        connect().then(options.onResync, () => reconnect());
      }, 1000);
      retry.unref();
    };
    c.on('error', reconnect);
    c.on('end', () => reconnect());
    await c.connect();
    await c.query(`LISTEN ${CHANNEL}`);
    client = c;
  };

  await connect();
  events.onPublish = (event) => {
    options.notify(CHANNEL, JSON.stringify({ origin: instanceId, sender, event })).catch((err: unknown) => {
      logger.error({ err }, 'could not publish a change notification');
    });
  };

  return {
    async stop() {
      stopped = true;
      if (retry) clearTimeout(retry);
      events.onPublish = undefined;
      await client?.end().catch(() => undefined);
    },
  };
}
