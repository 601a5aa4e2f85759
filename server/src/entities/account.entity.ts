import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

export const Account = defineEntity({
  name: 'Account',
  properties: {
    id: p.uuid().primary(),
    /** Lower-cased; unique. */
    email: p.string().length(254).unique(),
    name: p.string().length(200).nullable(),
    /** scrypt$N$r$p$salt$hash — never the password. */
    passwordHash: p.string().length(300),
    totalTimeoutMs: p.integer().default(120_000),
    perAttemptTimeoutMs: p.integer().default(60_000),
    /** Estimated input tokens above this are refused (413); null: no cap. */
    maxInputTokens: p.integer().nullable(),
    /** Output tokens a request may ask for; requests asking for more or not saying are sent with it. */
    maxOutputTokens: p.integer().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export type IAccount = InferEntity<typeof Account>;
