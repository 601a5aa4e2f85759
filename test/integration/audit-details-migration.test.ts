import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useUnmigratedOrm } from '../support/migration-orm.js';

/** The last migration before audit events had details. */
const BEFORE_DETAILS = 'Migration20261129110000';

/** Adding audit_event.details keeps the log as it was: old rows read null and stay append-only. */
describe('migration adding audit event details', () => {
  const unmigratedOrm = useUnmigratedOrm();

  it('leaves existing events with null details and the append-only trigger in place', async () => {
    const orm = unmigratedOrm();
    await orm.migrator.up({ to: BEFORE_DETAILS });
    const em = orm.em.fork();
    const id = randomUUID();
    await em.execute(
      `insert into audit_event (id, account_id, created_at, actor_type, action) values (?, ?, now(), 'system', 'member.updateRole')`,
      [id, randomUUID()],
    );
    await orm.migrator.up();
    const [row] = await em.execute<{ details: unknown }[]>(`select details from audit_event where id = ?`, [id]);
    expect(row.details).toBeNull();
    await expect(em.execute(`update audit_event set details = '{}' where id = ?`, [id])).rejects.toThrow(/append-only/);
  });
});
