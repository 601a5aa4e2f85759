import type { TestServer } from './test-app.js';

/** Columns that reading through the API may touch (coarse activity stamps), and runtime-only tables. */
const VOLATILE_COLUMNS = ['last_used_at', 'last_active_at'];
const RUNTIME_TABLES = new Set(['mikro_orm_migrations', 'credit_grant']);

/**
 * A hash per table of every row's content (activity stamps left out): equal fingerprints mean
 * nothing was created, changed or deleted in between.
 */
export async function dbFingerprint(server: TestServer): Promise<Record<string, string>> {
  const em = server.services.orm.em.fork();
  const tables = (await em.execute<{ tablename: string }[]>(`select tablename from pg_tables where schemaname = current_schema() order by tablename`))
    .map((r) => r.tablename)
    .filter((t) => !RUNTIME_TABLES.has(t));
  const strip = VOLATILE_COLUMNS.map((c) => ` - '${c}'`).join('');
  const sql = tables
    .map((t) => `select '${t}' as t, md5(coalesce(string_agg((to_jsonb(x)${strip})::text, ',' order by (to_jsonb(x)${strip})::text), '')) as h from "${t}" x`)
    .join(' union all ');
  const rows = await em.execute<{ t: string; h: string }[]>(sql);
  return Object.fromEntries(rows.map((r) => [r.t, r.h]));
}
