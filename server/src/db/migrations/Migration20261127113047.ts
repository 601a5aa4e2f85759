import { Migration } from '@mikro-orm/migrations';

export class Migration20261127113047 extends Migration {

  override name = 'Migration20261127113047';

  override up(): void | Promise<void> {
    this.addSql(`create table "firewall_policy" ("id" uuid not null, "account_id" uuid not null, "name" varchar(200) not null, "mode" varchar(16) not null, "on_error" varchar(16) not null, "rules" jsonb not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "firewall_policy_account_id_index" on "firewall_policy" ("account_id");`);

    this.addSql(`alter table "access_key_configuration" add "firewall_policy_ids" jsonb not null default '[]';`);

    this.addSql(`alter table "firewall_policy" add constraint "firewall_policy_account_id_foreign" foreign key ("account_id") references "account" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "firewall_policy" cascade;`);

    this.addSql(`alter table "access_key_configuration" drop column "firewall_policy_ids";`);
  }

}
