import { Migration } from '@mikro-orm/migrations';

export class Migration20261127112721 extends Migration {

  override name = 'Migration20261127112721';

  override up(): void | Promise<void> {
    this.addSql(`create table "virtual_model" ("id" uuid not null, "account_id" uuid not null, "name" varchar(64) not null, "description" varchar(500) null, "strategy" varchar(16) not null, "targets" jsonb not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "virtual_model" add constraint "virtual_model_account_id_name_unique" unique ("account_id", "name");`);

    this.addSql(`alter table "access_key_configuration" add "cache" jsonb null;`);

    this.addSql(`alter table "virtual_model" add constraint "virtual_model_account_id_foreign" foreign key ("account_id") references "account" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "virtual_model" cascade;`);

    this.addSql(`alter table "access_key_configuration" drop column "cache";`);
  }

}
