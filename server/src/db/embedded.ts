import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/** PGlite on disk, served to the ordinary pg driver over a loopback socket. */
export interface EmbeddedDatabase {
  clientUrl: string;
  /** The socket server accepts this many connections; the ORM pool must not exceed it. */
  maxConnections: number;
  stop(): Promise<void>;
}

export async function startEmbeddedDatabase(dataDir: string, maxConnections = 6): Promise<EmbeddedDatabase> {
  const dir = join(dataDir, 'pg');
  // PGlite.create only creates the last path segment.
  mkdirSync(dir, { recursive: true });
  const db = await PGlite.create(dir);
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections });
  await server.start();
  const address = server.getServerConn();
  return {
    clientUrl: `postgres://postgres@${address}/postgres`,
    maxConnections,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
