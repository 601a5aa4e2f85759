import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useUnmigratedOrm } from '../support/migration-orm.js';

/** The last migration before configuration, firewall policy and provider key names became unique. */
const BEFORE_UNIQUE_NAMES = 'Migration20261129050051';
const DUPLICATE = /duplicate key value violates unique constraint "\w+_lower_name_unique"/;

/**
 * Databases holding duplicate names (allowed before) still migrate: later duplicates are renamed
 * "name (2)", "name (3)", … in creation order, then the case-insensitive unique indexes hold.
 */
describe('migration to unique names', () => {
  const unmigratedOrm = useUnmigratedOrm();
  const accountA = randomUUID();
  const accountB = randomUUID();
  const at = (minutes: number) => new Date(Date.parse('2026-11-01T00:00:00Z') + minutes * 60_000);

  it('renames later duplicates deterministically and then refuses new ones, ignoring case', async () => {
    const orm = unmigratedOrm();
    await orm.migrator.up({ to: BEFORE_UNIQUE_NAMES });
    const em = orm.em.fork();
    for (const [id, email] of [
      [accountA, 'a@example.com'],
      [accountB, 'b@example.com'],
    ]) {
      await em.execute(`insert into account (id, email, name, created_at, updated_at) values (?, ?, 'Co', ?, ?)`, [id, email, at(0), at(0)]);
    }
    const configuration = (account: string, name: string, minute: number) =>
      em.execute(`insert into access_key_configuration (id, account_id, name, routing, created_at, updated_at) values (?, ?, ?, '[]', ?, ?)`, [
        randomUUID(),
        account,
        name,
        at(minute),
        at(minute),
      ]);
    // Inserted out of creation order; "conf1 (2)" already exists, so the second duplicate skips to (3).
    await configuration(accountA, 'CONF1', 3);
    await configuration(accountA, 'conf1', 1);
    await configuration(accountA, 'conf1 (2)', 0);
    await configuration(accountA, 'Conf1', 2);
    await configuration(accountA, 'x'.repeat(200), 4);
    await configuration(accountA, 'X'.repeat(200), 5);
    await configuration(accountB, 'conf1', 9); // another account's name is its own
    const policy = (account: string, name: string, minute: number) =>
      em.execute(`insert into firewall_policy (id, account_id, name, mode, on_error, rules, created_at, updated_at) values (?, ?, ?, 'ENFORCE', 'BLOCK', '[]', ?, ?)`, [
        randomUUID(),
        account,
        name,
        at(minute),
        at(minute),
      ]);
    await policy(accountA, 'fw', 1);
    await policy(accountA, 'FW', 2);
    const providerKey = (provider: string, name: string, minute: number) =>
      em.execute(
        `insert into provider_key (id, account_id, provider, name, encrypted_key, key_redacted, priority, created_at, updated_at) values (?, ?, ?, ?, 'v1.x', '…', 0, ?, ?)`,
        [randomUUID(), accountA, provider, name, at(minute), at(minute)],
      );
    await providerKey('openai', 'prod', 1);
    await providerKey('openai', 'prod', 2);
    await providerKey('anthropic', 'prod', 3); // another provider's key may share the name

    await orm.migrator.up();

    const names = async (table: string, extra = '') =>
      (await em.execute<{ name: string }[]>(`select ${extra}name from ${table} where account_id = ? order by created_at`, [accountA])).map((r) =>
        extra ? Object.values(r).join(' ') : r.name,
      );
    expect(await names('access_key_configuration')).toEqual(['conf1 (2)', 'conf1', 'Conf1 (3)', 'CONF1 (4)', 'x'.repeat(200), `${'X'.repeat(196)} (2)`]);
    expect(await names('firewall_policy')).toEqual(['fw', 'FW (2)']);
    expect(await names('provider_key', 'provider, ')).toEqual(['openai prod', 'openai prod (2)', 'anthropic prod']);
    const [b] = await em.execute<{ name: string }[]>(`select name from access_key_configuration where account_id = ?`, [accountB]);
    expect(b.name).toBe('conf1');

    await expect(configuration(accountA, 'CONF1 (4)', 10)).rejects.toThrow(DUPLICATE);
    await expect(policy(accountA, 'Fw', 10)).rejects.toThrow(DUPLICATE);
    await expect(providerKey('anthropic', 'PROD', 10)).rejects.toThrow(DUPLICATE);
    await configuration(accountB, 'conf2', 10);
  });
});
