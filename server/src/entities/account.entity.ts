import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** An organization: owns every resource; people sign in as its members (member.entity.ts). */
export const Account = defineEntity({
  name: 'Account',
  properties: {
    id: p.uuid().primary(),
    /** Contact email: the founding owner's at sign-up (lower-cased). Logins are members'. */
    email: p.string().length(254),
    name: p.string().length(200).nullable(),
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
