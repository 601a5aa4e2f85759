import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import type { Role } from '../services/roles.js';
import { Account } from './account.entity.js';

/** A person who signs in to an organization (Account). One login per email across the gateway. */
export const Member = defineEntity({
  name: 'Member',
  properties: {
    id: p.uuid().primary(),
    accountId: () => p.manyToOne(Account).mapToPk().fieldName('account_id').deleteRule('cascade').index(),
    /** Lower-cased; unique, since logIn takes only an email and a password. */
    email: p.string().length(254).unique(),
    name: p.string().length(200).nullable(),
    /** scrypt$N$r$p$salt$hash — never the password. */
    passwordHash: p.string().length(300),
    role: p.string().length(16).$type<Role>(),
    createdAt: p.datetime().onCreate(() => new Date()),
    lastActiveAt: p.datetime().nullable(),
  },
});
export type IMember = InferEntity<typeof Member>;
