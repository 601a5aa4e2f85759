import { Migration } from '@mikro-orm/migrations';

/**
 * Hand-written: what an audit event changed (services/audit-details.ts), e.g. a member's role
 * from VIEWER to ADMIN. Nullable without a default, so adding it rewrites no row and the
 * append-only triggers (row-level UPDATE/DELETE, TRUNCATE) neither fire nor change; events written
 * before it keep null.
 */
export class Migration20261129130000 extends Migration {
  override name = 'Migration20261129130000';

  override up(): void | Promise<void> {
    this.addSql(`alter table "audit_event" add column "details" jsonb null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "audit_event" drop column if exists "details";`);
  }
}
