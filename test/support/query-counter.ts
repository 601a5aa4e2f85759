import { createRequire } from 'node:module';
import type { MikroORM } from '@mikro-orm/postgresql';

/**
 * Counts SQL statements by wrapping `Client.prototype.query` of every copy of `pg` the server can
 * use: the one @mikro-orm/postgresql resolves (it may ship its own nested copy) and the top-level
 * one (migration lock, LISTEN/NOTIFY feed). Each query is kept with its text and call stack.
 */
export interface CountedQuery {
  sql: string;
  stack: string;
}

export interface QueryCounter {
  readonly queries: CountedQuery[];
  /** The ORM's pool is an instance of a wrapped copy's Pool (so nothing it runs escapes the count). */
  coversOrm(orm: MikroORM): Promise<boolean>;
  reset(): void;
  uninstall(): void;
}

type PgModule = {
  Client: { prototype: { query: (...args: unknown[]) => unknown } };
  Pool: abstract new (...args: never[]) => unknown;
};

function pgCopies(): PgModule[] {
  const here = createRequire(import.meta.url);
  const viaOrm = createRequire(here.resolve('@mikro-orm/postgresql'));
  const copies = new Set<PgModule>([viaOrm('pg') as PgModule, here('pg') as PgModule]);
  return [...copies];
}

export function installQueryCounter(): QueryCounter {
  const queries: CountedQuery[] = [];
  const copies = pgCopies();
  const originals = copies.map((pg) => pg.Client.prototype.query);
  copies.forEach((pg, i) => {
    const original = originals[i];
    pg.Client.prototype.query = function (this: unknown, ...args: unknown[]) {
      const first = args[0] as string | { text?: string } | undefined;
      const sql = typeof first === 'string' ? first : (first?.text ?? String(first));
      queries.push({ sql, stack: new Error().stack ?? '' });
      return original.apply(this, args);
    };
  });
  return {
    queries,
    async coversOrm(orm) {
      const pool = await orm.em.getConnection().getNativeClient();
      return copies.some((pg) => pool instanceof pg.Pool);
    },
    reset() {
      queries.length = 0;
    },
    uninstall() {
      copies.forEach((pg, i) => {
        pg.Client.prototype.query = originals[i];
      });
    },
  };
}
