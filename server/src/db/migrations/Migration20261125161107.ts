import { Migration } from '@mikro-orm/migrations';

export class Migration20261125161107 extends Migration {

  override name = 'Migration20261125161107';

  override up(): void | Promise<void> {
    this.addSql(`create table "account" ("id" uuid not null, "email" varchar(254) not null, "name" varchar(200) null, "password_hash" varchar(300) not null, "total_timeout_ms" int not null default 120000, "per_attempt_timeout_ms" int not null default 60000, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "account" add constraint "account_email_unique" unique ("email");`);

    this.addSql(`create table "access_key_configuration" ("id" uuid not null, "account_id" uuid not null, "name" varchar(200) not null, "allowed_providers" jsonb null, "allowed_models" jsonb null, "routing" jsonb not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "access_key_configuration_account_id_index" on "access_key_configuration" ("account_id");`);

    this.addSql(`create table "access_key" ("id" uuid not null, "account_id" uuid not null, "name" varchar(200) not null, "description" varchar(1000) null, "token_hash" varchar(64) not null, "key_redacted" varchar(40) not null, "configuration_id" uuid null, "created_at" timestamptz not null, "last_used_at" timestamptz null, "revoked_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "access_key_account_id_index" on "access_key" ("account_id");`);
    this.addSql(`alter table "access_key" add constraint "access_key_token_hash_unique" unique ("token_hash");`);
    this.addSql(`create index "access_key_configuration_id_index" on "access_key" ("configuration_id");`);

    this.addSql(`create table "api_key" ("id" uuid not null, "account_id" uuid not null, "name" varchar(200) not null, "token_hash" varchar(64) not null, "key_redacted" varchar(40) not null, "created_at" timestamptz not null, "last_used_at" timestamptz null, "revoked_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "api_key_account_id_index" on "api_key" ("account_id");`);
    this.addSql(`alter table "api_key" add constraint "api_key_token_hash_unique" unique ("token_hash");`);

    this.addSql(`create table "custom_provider" ("id" uuid not null, "account_id" uuid not null, "provider_id" varchar(64) not null, "name" varchar(200) not null, "base_url" varchar(2048) not null, "api_format" varchar(16) not null, "models" jsonb not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "custom_provider" add constraint "custom_provider_account_id_provider_id_unique" unique ("account_id", "provider_id");`);

    this.addSql(`create table "provider_key" ("id" uuid not null, "account_id" uuid not null, "provider" varchar(64) not null, "name" varchar(200) not null, "encrypted_key" text not null, "key_redacted" varchar(40) not null, "priority" int not null default 0, "created_at" timestamptz not null, "updated_at" timestamptz not null, "last_used_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "provider_key_account_id_index" on "provider_key" ("account_id");`);
    this.addSql(`create index "provider_key_account_id_provider_index" on "provider_key" ("account_id", "provider");`);

    this.addSql(`create table "session" ("id" uuid not null, "account_id" uuid not null, "token_hash" varchar(64) not null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "revoked_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "session_account_id_index" on "session" ("account_id");`);
    this.addSql(`alter table "session" add constraint "session_token_hash_unique" unique ("token_hash");`);

    this.addSql(`create table "usage_event" ("id" uuid not null, "request_id" varchar(64) not null, "account_id" uuid not null, "access_key_id" uuid not null, "endpoint" varchar(64) not null, "provider" varchar(64) null, "model" varchar(256) null, "status" int not null, "streamed" boolean not null, "input_tokens" int not null, "output_tokens" int not null, "tokens_estimated" boolean not null, "latency_ms" int not null, "key_source" varchar(16) null, "provider_key_id" uuid null, "fee_nano" bigint not null default '0', "upstream_cost_nano" bigint not null default '0', "total_cost_nano" bigint not null default '0', "error_code" varchar(64) null, "attempts" jsonb not null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "usage_event" add constraint "usage_event_request_id_unique" unique ("request_id");`);
    this.addSql(`create index "usage_event_account_id_created_at_index" on "usage_event" ("account_id", "created_at");`);
    this.addSql(`create index "usage_event_account_id_access_key_id_created_at_index" on "usage_event" ("account_id", "access_key_id", "created_at");`);

    this.addSql(`alter table "access_key_configuration" add constraint "access_key_configuration_account_id_foreign" foreign key ("account_id") references "account" ("id") on delete cascade;`);

    this.addSql(`alter table "access_key" add constraint "access_key_account_id_foreign" foreign key ("account_id") references "account" ("id") on delete cascade;`);
    this.addSql(`alter table "access_key" add constraint "access_key_configuration_id_foreign" foreign key ("configuration_id") references "access_key_configuration" ("id") on delete set null;`);

    this.addSql(`alter table "api_key" add constraint "api_key_account_id_foreign" foreign key ("account_id") references "account" ("id") on delete cascade;`);

    this.addSql(`alter table "custom_provider" add constraint "custom_provider_account_id_foreign" foreign key ("account_id") references "account" ("id") on delete cascade;`);

    this.addSql(`alter table "provider_key" add constraint "provider_key_account_id_foreign" foreign key ("account_id") references "account" ("id") on delete cascade;`);

    this.addSql(`alter table "session" add constraint "session_account_id_foreign" foreign key ("account_id") references "account" ("id") on delete cascade;`);
  }

}
