import { Migration } from '@mikro-orm/migrations';

/** Per-key rate-limit counters on PostgreSQL (rate-limiter-flexible's table layout); Redis replaces it when configured. */
export class Migration20261127121500 extends Migration {

  override name = 'Migration20261127121500';

  override up(): void | Promise<void> {
    this.addSql(`create table "rate_limit" ("key" varchar(255) not null, "points" int not null default 0, "expire" bigint null, primary key ("key"));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "rate_limit" cascade;`);
  }

}
