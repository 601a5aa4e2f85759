import { Migration } from '@mikro-orm/migrations';

/**
 * Daily usage rollups beside the hourly ones (summaries over weeks read whole days from here),
 * filled from the hourly rollups, which hold every event ever written (also those whose raw
 * partitions retention has dropped).
 */
export class Migration20261127150000 extends Migration {

  override name = 'Migration20261127150000';

  override up(): void | Promise<void> {
    this.addSql(`create table "usage_rollup_daily" ("account_id" uuid not null, "day" timestamptz not null, "access_key_id" uuid not null, "provider" varchar(64) not null, "model" varchar(256) not null, "status" int not null, "requests" bigint not null, "input_tokens" bigint not null, "output_tokens" bigint not null, "fee_nano" bigint not null, "provider_cost_nano" bigint not null, "spend_nano" bigint not null, "cost_nano" bigint not null, "cache_hits" bigint not null, primary key ("account_id", "day", "access_key_id", "provider", "model", "status"));`);
    // Hand-written: the daily rows start out equal to the hourly ones.
    this.addSql(`insert into "usage_rollup_daily" ("account_id", "day", "access_key_id", "provider", "model", "status", "requests", "input_tokens", "output_tokens", "fee_nano", "provider_cost_nano", "spend_nano", "cost_nano", "cache_hits")
      select "account_id", date_trunc('day', "hour", 'UTC'), "access_key_id", "provider", "model", "status", sum("requests"), sum("input_tokens"), sum("output_tokens"),
             sum("fee_nano"), sum("provider_cost_nano"), sum("spend_nano"), sum("cost_nano"), sum("cache_hits")
        from "usage_rollup" group by 1, 2, 3, 4, 5, 6;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "usage_rollup_daily" cascade;`);
  }

}
