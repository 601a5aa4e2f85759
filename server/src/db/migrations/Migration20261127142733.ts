import { Migration } from '@mikro-orm/migrations';

/** Alert webhooks (services/alerts): per-organization settings and the durable delivery queue. */
export class Migration20261127142733 extends Migration {

  override name = 'Migration20261127142733';

  override up(): void | Promise<void> {
    this.addSql(`create table "alert_delivery" ("id" uuid not null, "account_id" uuid not null, "event_type" varchar(64) not null, "dedupe_key" varchar(255) null, "body" text not null, "status" varchar(16) not null default 'pending', "attempts" int not null default 0, "next_attempt_at" timestamptz null, "last_attempt_at" timestamptz null, "response_status" int null, "last_error" varchar(500) null, "created_at" timestamptz not null, "delivered_at" timestamptz null, primary key ("id"));`);
    this.addSql(`alter table "alert_delivery" add constraint "alert_delivery_dedupe_key_unique" unique ("dedupe_key");`);
    this.addSql(`create index "alert_delivery_account_id_created_at_index" on "alert_delivery" ("account_id", "created_at");`);
    this.addSql(`create index "alert_delivery_status_next_attempt_at_index" on "alert_delivery" ("status", "next_attempt_at");`);

    this.addSql(`create table "alert_settings" ("account_id" uuid not null, "enabled" boolean not null default false, "webhook_url" varchar(2048) null, "encrypted_secret" text null, "low_balance_threshold_nano" bigint null, "low_balance_armed" boolean not null default true, "updated_at" timestamptz not null, primary key ("account_id"));`);

    this.addSql(`alter table "alert_delivery" add constraint "alert_delivery_account_id_foreign" foreign key ("account_id") references "account" ("id") on delete cascade;`);
    this.addSql(`alter table "alert_settings" add constraint "alert_settings_account_id_foreign" foreign key ("account_id") references "account" ("id") on update cascade on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "alert_delivery" cascade;`);
    this.addSql(`drop table if exists "alert_settings" cascade;`);
  }

}
