import { Migration } from '@mikro-orm/migrations';

export class Migration20261125162059 extends Migration {

  override name = 'Migration20261125162059';

  override up(): void | Promise<void> {
    this.addSql(`create table "credit_grant" ("id" uuid not null, "account_id" uuid not null, "instance_id" varchar(64) not null, "amount_nano" bigint not null, "lease_expires_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "credit_grant" add constraint "credit_grant_account_id_instance_id_unique" unique ("account_id", "instance_id");`);

    this.addSql(`create table "credit_purchase" ("id" uuid not null, "account_id" uuid not null, "amount_nano" bigint not null, "status" varchar(16) not null, "method" varchar(16) not null, "external_id" varchar(255) null, "checkout_url" text null, "created_at" timestamptz not null, "completed_at" timestamptz null, "expires_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "credit_purchase_account_id_index" on "credit_purchase" ("account_id");`);
    this.addSql(`alter table "credit_purchase" add constraint "credit_purchase_external_id_unique" unique ("external_id");`);

    this.addSql(`create table "credit_lot" ("id" uuid not null, "account_id" uuid not null, "purchase_id" uuid null, "amount_nano" bigint not null, "remaining_nano" bigint not null, "expired_nano" bigint not null default '0', "created_at" timestamptz not null, "expires_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "credit_lot" add constraint "credit_lot_purchase_id_unique" unique ("purchase_id");`);
    this.addSql(`create index "credit_lot_account_id_expires_at_index" on "credit_lot" ("account_id", "expires_at");`);
    this.addSql(`create index "credit_lot_expires_at_index" on "credit_lot" ("expires_at");`);

    this.addSql(`create table "credit_transaction" ("id" uuid not null, "account_id" uuid not null, "kind" varchar(16) not null, "amount_nano" bigint not null, "usage_day" varchar(10) null, "request_count" int not null default 0, "purchase_id" uuid null, "lot_id" uuid null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "expires_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "credit_transaction_account_id_created_at_index" on "credit_transaction" ("account_id", "created_at");`);
    this.addSql(`alter table "credit_transaction" add constraint "credit_transaction_account_id_usage_day_unique" unique ("account_id", "usage_day");`);

    this.addSql(`alter table "credit_grant" add constraint "credit_grant_account_id_foreign" foreign key ("account_id") references "account" ("id") on delete cascade;`);

    this.addSql(`alter table "credit_purchase" add constraint "credit_purchase_account_id_foreign" foreign key ("account_id") references "account" ("id") on delete cascade;`);

    this.addSql(`alter table "credit_lot" add constraint "credit_lot_account_id_foreign" foreign key ("account_id") references "account" ("id") on delete cascade;`);
    this.addSql(`alter table "credit_lot" add constraint "credit_lot_purchase_id_foreign" foreign key ("purchase_id") references "credit_purchase" ("id") on delete cascade;`);

    this.addSql(`alter table "credit_transaction" add constraint "credit_transaction_account_id_foreign" foreign key ("account_id") references "account" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "credit_lot" drop constraint "credit_lot_purchase_id_foreign";`);

    this.addSql(`drop table if exists "credit_grant" cascade;`);
    this.addSql(`drop table if exists "credit_purchase" cascade;`);
    this.addSql(`drop table if exists "credit_lot" cascade;`);
    this.addSql(`drop table if exists "credit_transaction" cascade;`);
  }

}
