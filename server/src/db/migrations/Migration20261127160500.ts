import { Migration } from '@mikro-orm/migrations';

/**
 * Hand-written: the Usage page's model filter. Without it a first page filtered by a model scans
 * the account's newest events until enough of that model turn up (100,000+ rows when recent
 * traffic is another model); with it, one backward range per daily partition.
 */
export class Migration20261127160500 extends Migration {
  override name = 'Migration20261127160500';

  override up(): void | Promise<void> {
    this.addSql(`create index if not exists "usage_event_account_id_model_created_at_index" on "usage_event" ("account_id", "model", "created_at");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index if exists "usage_event_account_id_model_created_at_index";`);
  }
}
