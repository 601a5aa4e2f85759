import { Migration } from '@mikro-orm/migrations';

/**
 * Hand-written: how much of a request's input the provider read from or wrote to its prompt
 * cache, and how many hosted web searches it ran (each billed at its own price,
 * services/pricing.ts), so a usage event explains its cost.
 * Constant defaults: PostgreSQL adds such columns to the partitioned table and every partition
 * without rewriting a row; events written before read 0.
 */
export class Migration20261129160000 extends Migration {
  override name = 'Migration20261129160000';

  override up(): void | Promise<void> {
    this.addSql(`alter table "usage_event" add column "prompt_cache_read_tokens" int not null default 0, add column "prompt_cache_write_tokens" int not null default 0, add column "web_search_calls" int not null default 0;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "usage_event" drop column if exists "prompt_cache_read_tokens", drop column if exists "prompt_cache_write_tokens", drop column if exists "web_search_calls";`);
  }
}
