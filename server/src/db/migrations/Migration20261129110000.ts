import { Migration } from '@mikro-orm/migrations';

/** A table whose names become unique within a group (an account, or an account's provider), ignoring case. */
interface NamedTable {
  table: string;
  /** Columns besides lower(name) that scope the name. */
  scope: string[];
  index: string;
}

const TABLES: NamedTable[] = [
  { table: 'access_key_configuration', scope: ['account_id'], index: 'access_key_configuration_account_id_lower_name_unique' },
  { table: 'firewall_policy', scope: ['account_id'], index: 'firewall_policy_account_id_lower_name_unique' },
  { table: 'provider_key', scope: ['account_id', 'provider'], index: 'provider_key_account_id_provider_lower_name_unique' },
];

/** The column is varchar(200) on all three tables. */
const MAX_NAME = 200;

/** `name (n)`, the name shortened (by characters, as varchar counts them) so the whole fits. */
function numbered(name: string, n: number): string {
  const suffix = ` (${n})`;
  return Array.from(name).slice(0, MAX_NAME - suffix.length).join('') + suffix;
}

/**
 * Configuration and firewall policy names are unique per account, and a provider's key names per
 * account, ignoring case: pickers could not tell duplicates apart. Existing duplicates are renamed
 * first, deterministically: in each group the oldest row (created_at, then id) keeps its name and
 * each later one becomes "name (2)", "name (3)", …, skipping numbers whose name is taken.
 * lower() runs in the database, the same function the unique index uses.
 */
export class Migration20261129110000 extends Migration {
  override name = 'Migration20261129110000';

  override async up(): Promise<void> {
    for (const { table, scope, index } of TABLES) {
      const group = scope.map((c) => `"${c}"`).join(', ');
      const rows = (await this.execute(
        `select "id", "name", lower("name") as "lower_name", ${group},
                row_number() over (partition by ${group}, lower("name") order by "created_at", "id") as "rank"
           from "${table}" order by ${group}, lower("name"), "created_at", "id"`,
      )) as Record<string, string>[];
      const groupOf = (row: Record<string, string>) => scope.map((c) => row[c]).join('\u0000');
      const taken = new Set(rows.map((r) => `${groupOf(r)}\u0000${r.lower_name}`));
      for (const row of rows) {
        if (Number(row.rank) === 1) continue;
        let n = Number(row.rank);
        let candidate = numbered(row.name, n);
        // lower() of the candidate as the database computes it, so the check matches the index.
        const lowerOf = async (name: string) => ((await this.execute(`select lower(?) as "l"`, [name])) as { l: string }[])[0].l;
        while (taken.has(`${groupOf(row)}\u0000${await lowerOf(candidate)}`)) candidate = numbered(row.name, ++n);
        taken.add(`${groupOf(row)}\u0000${await lowerOf(candidate)}`);
        await this.execute(`update "${table}" set "name" = ? where "id" = ?`, [candidate, row.id]);
      }
      this.addSql(`create unique index "${index}" on "${table}" (${group}, lower("name"));`);
    }
  }

  override down(): void | Promise<void> {
    for (const { index } of TABLES) this.addSql(`drop index if exists "${index}";`);
  }
}
