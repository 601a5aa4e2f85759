import { Migration } from '@mikro-orm/migrations';

export class Migration20261127113012 extends Migration {

  override name = 'Migration20261127113012';

  override up(): void | Promise<void> {
    this.addSql(`create table "usage_dead_letter" ("id" uuid not null, "request_id" varchar(200) not null, "account_id" varchar(200) not null, "created_at" timestamptz null, "charge_nano" bigint not null, "charge_applied" boolean not null, "error" text not null, "payload" bytea not null, "parked_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "usage_dead_letter" add constraint "usage_dead_letter_request_id_unique" unique ("request_id");`);

    this.addSql(`create table "usage_rollup" ("account_id" uuid not null, "hour" timestamptz not null, "access_key_id" uuid not null, "provider" varchar(64) not null, "model" varchar(256) not null, "status" int not null, "requests" bigint not null, "input_tokens" bigint not null, "output_tokens" bigint not null, "fee_nano" bigint not null, "provider_cost_nano" bigint not null, "spend_nano" bigint not null, "cost_nano" bigint not null, "cache_hits" bigint not null, primary key ("account_id", "hour", "access_key_id", "provider", "model", "status"));`);

    this.addSql(`alter table "usage_event" add "provider_cost_nano" bigint null, add "cache_hit" boolean not null default false, add "virtual_model" varchar(128) null, add "firewall" jsonb not null default '[]';`);

    // Hand-written: existing events get their provider cost where it is known (gateway credentials
    // were billed at catalog prices), and the rollups start out equal to the events.
    this.addSql(`update "usage_event" set "provider_cost_nano" = "upstream_cost_nano" where "key_source" = 'gateway';`);
    this.addSql(`insert into "usage_rollup" ("account_id", "hour", "access_key_id", "provider", "model", "status", "requests", "input_tokens", "output_tokens", "fee_nano", "provider_cost_nano", "spend_nano", "cost_nano", "cache_hits")
      select "account_id", date_trunc('hour', "created_at", 'UTC'), "access_key_id", coalesce("provider", ''), coalesce("model", ''), "status",
             count(*), sum("input_tokens"), sum("output_tokens"), sum("fee_nano"), sum(coalesce("provider_cost_nano", 0)),
             sum("fee_nano" + coalesce("provider_cost_nano", 0)), sum("total_cost_nano"), 0
        from "usage_event" group by 1, 2, 3, 4, 5, 6;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "usage_dead_letter" cascade;`);
    this.addSql(`drop table if exists "usage_rollup" cascade;`);

    this.addSql(`alter table "usage_event" drop column "provider_cost_nano", drop column "cache_hit", drop column "virtual_model", drop column "firewall";`);
  }

}
