import { Migration } from '@mikro-orm/migrations';

/**
 * The ids of summed usage batches (services/usage/usage-sums.ts, USAGE_EVENTS=errors|off). Generated,
 * then trimmed to this table: the generator also proposed undoing hand-written parts of earlier
 * migrations (the audit log's no-change trigger, a column default).
 */
export class Migration20261129050051 extends Migration {
  override name = 'Migration20261129050051';

  override up(): void | Promise<void> {
    this.addSql(`create table "usage_sum_batch" ("id" uuid not null, "written_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "usage_sum_batch_written_at_index" on "usage_sum_batch" ("written_at");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "usage_sum_batch" cascade;`);
  }
}
