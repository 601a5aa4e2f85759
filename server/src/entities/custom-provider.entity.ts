import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Account } from './account.entity.js';

/** An OpenAI- or Anthropic-compatible endpoint the account declares itself. */
export const CustomProvider = defineEntity({
  name: 'CustomProvider',
  properties: {
    id: p.uuid().primary(),
    accountId: () => p.manyToOne(Account).mapToPk().fieldName('account_id').deleteRule('cascade'),
    /** The id users put in model strings (`providerId:model`); unique per account. */
    providerId: p.string().length(64),
    name: p.string().length(200),
    baseUrl: p.string().length(2048),
    apiFormat: p.string().length(16),
    models: p.json<string[]>(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
  uniques: [{ properties: ['accountId', 'providerId'] }],
});
export type ICustomProvider = InferEntity<typeof CustomProvider>;
