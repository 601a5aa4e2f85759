import { Migration } from '@mikro-orm/migrations';

/**
 * Hand-written: usage_event becomes a table partitioned by day (declarative range partitioning on
 * created_at), so retention drops whole partitions. Existing rows move over unchanged; their
 * rollups already exist. The partition key must be part of every unique constraint, so a request
 * is identified by (request_id, created_at) (the writer always sends a record with its one time).
 * Later partitions are created ahead by services/usage/partitions.ts.
 */
export class Migration20261127120500 extends Migration {
  override name = 'Migration20261127120500';

  override up(): void | Promise<void> {
    this.addSql(`alter table "usage_event" rename to "usage_event_unpartitioned";`);
    this.addSql(`alter table "usage_event_unpartitioned" drop constraint "usage_event_request_id_unique";`);
    this.addSql(`alter table "usage_event_unpartitioned" rename constraint "usage_event_pkey" to "usage_event_unpartitioned_pkey";`);
    this.addSql(`drop index "usage_event_account_id_created_at_index";`);
    this.addSql(`drop index "usage_event_account_id_access_key_id_created_at_index";`);

    this.addSql(`create table "usage_event" ("id" uuid not null, "request_id" varchar(64) not null, "account_id" uuid not null, "access_key_id" uuid not null,
      "endpoint" varchar(64) not null, "provider" varchar(64) null, "model" varchar(256) null, "status" int not null, "streamed" boolean not null,
      "input_tokens" int not null, "output_tokens" int not null, "tokens_estimated" boolean not null, "latency_ms" int not null,
      "key_source" varchar(16) null, "provider_key_id" uuid null, "fee_nano" bigint not null default '0', "upstream_cost_nano" bigint not null default '0',
      "total_cost_nano" bigint not null default '0', "error_code" varchar(64) null, "attempts" jsonb not null, "created_at" timestamptz not null,
      "provider_cost_nano" bigint null, "cache_hit" boolean not null default false, "virtual_model" varchar(128) null, "firewall" jsonb not null default '[]',
      primary key ("id", "created_at")) partition by range ("created_at");`);
    this.addSql(`alter table "usage_event" add constraint "usage_event_request_id_created_at_unique" unique ("request_id", "created_at");`);
    // Newest-first pages of one account, optionally by access key; errors are rare, so they get their own.
    this.addSql(`create index "usage_event_account_id_created_at_id_index" on "usage_event" ("account_id", "created_at", "id");`);
    this.addSql(`create index "usage_event_account_id_access_key_id_created_at_index" on "usage_event" ("account_id", "access_key_id", "created_at");`);
    this.addSql(`create index "usage_event_errors_index" on "usage_event" ("account_id", "created_at") where "status" >= 400;`);

    // A partition for each UTC day that has events, and for the next few days.
    this.addSql(`do $$
      declare d date;
      begin
        for d in
          select distinct ("created_at" at time zone 'UTC')::date from "usage_event_unpartitioned"
          union select (now() at time zone 'UTC')::date + i from generate_series(-1, 3) as i
        loop
          execute format('create table %I partition of "usage_event" for values from (%L) to (%L)',
            'usage_event_p' || to_char(d, 'YYYYMMDD'), to_char(d, 'YYYY-MM-DD') || ' 00:00:00+00', to_char(d + 1, 'YYYY-MM-DD') || ' 00:00:00+00');
        end loop;
      end $$;`);
    this.addSql(`insert into "usage_event" select "id", "request_id", "account_id", "access_key_id", "endpoint", "provider", "model", "status",
      "streamed", "input_tokens", "output_tokens", "tokens_estimated", "latency_ms", "key_source", "provider_key_id", "fee_nano", "upstream_cost_nano",
      "total_cost_nano", "error_code", "attempts", "created_at", "provider_cost_nano", "cache_hit", "virtual_model", "firewall"
      from "usage_event_unpartitioned";`);
    this.addSql(`drop table "usage_event_unpartitioned";`);
  }
}
