import { Migration } from '@mikro-orm/migrations';

/**
 * Organizations: every account becomes an organization whose single member is its OWNER (same
 * email, name and password hash), and its sessions and API keys move to that member, so every
 * existing login, session and API key keeps working. Adds invitations and the append-only audit log.
 */
export class Migration20261127112816 extends Migration {

  override name = 'Migration20261127112816';

  override up(): void | Promise<void> {
    this.addSql(`create table "member" ("id" uuid not null, "account_id" uuid not null, "email" varchar(254) not null, "name" varchar(200) null, "password_hash" varchar(300) not null, "role" varchar(16) not null, "created_at" timestamptz not null, "last_active_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "member_account_id_index" on "member" ("account_id");`);
    this.addSql(`alter table "member" add constraint "member_email_unique" unique ("email");`);
    this.addSql(`alter table "member" add constraint "member_account_id_foreign" foreign key ("account_id") references "account" ("id") on delete cascade;`);
    this.addSql(`insert into "member" ("id", "account_id", "email", "name", "password_hash", "role", "created_at") select gen_random_uuid(), "id", "email", "name", "password_hash", 'OWNER', "created_at" from "account";`);

    this.addSql(`alter table "session" add "member_id" uuid null, add "last_used_at" timestamptz null, add "ip" varchar(64) null, add "user_agent" varchar(300) null;`);
    this.addSql(`update "session" set "member_id" = m."id" from "member" m where m."account_id" = "session"."account_id";`);
    this.addSql(`alter table "session" alter column "member_id" set not null;`);
    this.addSql(`alter table "session" add constraint "session_member_id_foreign" foreign key ("member_id") references "member" ("id") on delete cascade;`);
    this.addSql(`create index "session_member_id_index" on "session" ("member_id");`);

    this.addSql(`alter table "api_key" add "member_id" uuid null, add "role" varchar(16) null;`);
    this.addSql(`update "api_key" set "member_id" = m."id", "role" = 'OWNER' from "member" m where m."account_id" = "api_key"."account_id";`);
    this.addSql(`alter table "api_key" alter column "role" set not null;`);
    this.addSql(`alter table "api_key" add constraint "api_key_member_id_foreign" foreign key ("member_id") references "member" ("id") on delete set null;`);
    this.addSql(`create index "api_key_member_id_index" on "api_key" ("member_id");`);

    this.addSql(`alter table "account" drop constraint "account_email_unique";`);
    this.addSql(`alter table "account" drop column "password_hash";`);

    this.addSql(`create table "invitation" ("id" uuid not null, "account_id" uuid not null, "email" varchar(254) not null, "role" varchar(16) not null, "token_hash" varchar(64) not null, "invited_by" uuid null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "accepted_at" timestamptz null, "revoked_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "invitation_account_id_index" on "invitation" ("account_id");`);
    this.addSql(`alter table "invitation" add constraint "invitation_token_hash_unique" unique ("token_hash");`);
    this.addSql(`alter table "invitation" add constraint "invitation_account_id_foreign" foreign key ("account_id") references "account" ("id") on delete cascade;`);

    this.addSql(`create table "audit_event" ("id" uuid not null, "account_id" uuid not null, "created_at" timestamptz not null, "actor_type" varchar(16) not null, "actor_id" uuid null, "actor_name" varchar(254) null, "action" varchar(64) not null, "target_type" varchar(64) null, "target_id" varchar(200) null, "ip" varchar(64) null, primary key ("id"));`);
    this.addSql(`create index "audit_event_account_id_created_at_id_index" on "audit_event" ("account_id", "created_at", "id");`);
    // Append-only below the app too: no UPDATE, DELETE or TRUNCATE through any connection.
    this.addSql(`create function "audit_event_append_only"() returns trigger language plpgsql as $$ begin raise exception 'audit_event is append-only'; end $$;`);
    this.addSql(`create trigger "audit_event_no_change" before update or delete on "audit_event" for each row execute function "audit_event_append_only"();`);
    this.addSql(`create trigger "audit_event_no_truncate" before truncate on "audit_event" for each statement execute function "audit_event_append_only"();`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "audit_event" cascade;`);
    this.addSql(`drop function if exists "audit_event_append_only"();`);
    this.addSql(`drop table if exists "invitation" cascade;`);

    this.addSql(`alter table "account" add "password_hash" varchar(300) null;`);
    this.addSql(`update "account" set "password_hash" = m."password_hash" from "member" m where m."account_id" = "account"."id" and m."email" = "account"."email";`);
    this.addSql(`update "account" set "password_hash" = '!' where "password_hash" is null;`);
    this.addSql(`alter table "account" alter column "password_hash" set not null;`);
    this.addSql(`alter table "account" add constraint "account_email_unique" unique ("email");`);

    this.addSql(`alter table "api_key" drop constraint "api_key_member_id_foreign";`);
    this.addSql(`alter table "api_key" drop column "member_id", drop column "role";`);
    this.addSql(`alter table "session" drop constraint "session_member_id_foreign";`);
    this.addSql(`alter table "session" drop column "member_id", drop column "last_used_at", drop column "ip", drop column "user_agent";`);
    this.addSql(`drop table if exists "member" cascade;`);
  }

}
