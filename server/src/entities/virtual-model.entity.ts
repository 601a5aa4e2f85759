import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Account } from './account.entity.js';

export type RoutingStrategy = 'ORDERED' | 'WEIGHTED';

export interface VirtualModelTarget {
  /** A catalog model id or "provider:model". */
  model: string;
  /** Share of first picks under WEIGHTED; 0 = fallback only. Ignored under ORDERED. */
  weight: number;
}

/** A name an account gives to an ordered or weighted list of real models. */
export const VirtualModel = defineEntity({
  name: 'VirtualModel',
  properties: {
    id: p.uuid().primary(),
    accountId: () => p.manyToOne(Account).mapToPk().fieldName('account_id').deleteRule('cascade'),
    /** `[a-z0-9][a-z0-9._-]*`, unique per account, never a catalog id. */
    name: p.string().length(64),
    description: p.string().length(500).nullable(),
    strategy: p.string().length(16).$type<RoutingStrategy>(),
    targets: p.json<VirtualModelTarget[]>(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
  uniques: [{ properties: ['accountId', 'name'] }],
});
export type IVirtualModel = InferEntity<typeof VirtualModel>;
