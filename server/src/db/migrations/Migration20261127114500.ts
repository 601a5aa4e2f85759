import { Migration } from '@mikro-orm/migrations';

/** Spend controls: key limits (budget, rate, expiry), account token caps, per-day key spend, budget grants. */
export class Migration20261127114500 extends Migration {

  override name = 'Migration20261127114500';

  override up(): void | Promise<void> {
    this.addSql(`alter table "access_key" add column "budget_nano" bigint null, add column "budget_period" varchar(8) null, add column "requests_per_minute" int null, add column "tokens_per_minute" int null, add column "expires_at" timestamptz null;`);
    this.addSql(`alter table "account" add column "max_input_tokens" int null, add column "max_output_tokens" int null;`);

    this.addSql(`create table "access_key_spend" ("access_key_id" uuid not null, "day" date not null, "spent_nano" bigint not null default 0, "request_count" int not null default 0, primary key ("access_key_id", "day"));`);
    this.addSql(`alter table "access_key_spend" add constraint "access_key_spend_access_key_id_foreign" foreign key ("access_key_id") references "access_key" ("id") on delete cascade;`);

    this.addSql(`create table "budget_grant" ("id" uuid not null, "access_key_id" uuid not null, "scope" varchar(40) not null, "instance_id" varchar(64) not null, "amount_nano" bigint not null, "lease_expires_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "budget_grant" add constraint "budget_grant_access_key_id_scope_instance_id_unique" unique ("access_key_id", "scope", "instance_id");`);
    this.addSql(`alter table "budget_grant" add constraint "budget_grant_access_key_id_foreign" foreign key ("access_key_id") references "access_key" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "budget_grant" cascade;`);
    this.addSql(`drop table if exists "access_key_spend" cascade;`);
    this.addSql(`alter table "account" drop column "max_input_tokens", drop column "max_output_tokens";`);
    this.addSql(`alter table "access_key" drop column "budget_nano", drop column "budget_period", drop column "requests_per_minute", drop column "tokens_per_minute", drop column "expires_at";`);
  }

}
