import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { ICreditPurchase } from '../../entities/credit-purchase.entity.js';
import type { ICreditTransaction } from '../../entities/credit-transaction.entity.js';
import type { CreditExpiry as LotExpiry } from '../../services/credits/credit-sql.js';
import { formatUsd } from '../../services/credits/money.js';
import { connectionType } from './connection.type.js';

const USD = 'Exact decimal string of US dollars: up to 9 decimals, at least 2 ("5.00", "0.00000125").';

@ObjectType({ description: 'A purchase of credit; each completed purchase is a lot that expires 365 days after completion.' })
export class CreditPurchase {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: USD })
  amountUsd!: string;

  @Field(() => Date, { description: 'When the credit expires (provisional while pending: 365 days from now).' })
  expiresAt!: Date;

  @Field(() => String, { description: '"pending" (awaiting payment), "completed" (credit granted) or "failed".' })
  status!: string;

  @Field(() => String, { nullable: true, description: 'Stripe Checkout page to pay a pending purchase (PAYMENTS=stripe).' })
  checkoutUrl!: string | null;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  completedAt!: Date | null;

  static from(p: ICreditPurchase): CreditPurchase {
    return Object.assign(new CreditPurchase(), {
      id: p.id,
      amountUsd: formatUsd(BigInt(p.amountNano)),
      expiresAt: p.expiresAt,
      status: p.status,
      checkoutUrl: p.status === 'pending' ? (p.checkoutUrl ?? null) : null,
      createdAt: p.createdAt,
      completedAt: p.completedAt ?? null,
    });
  }
}

export const CreditPurchaseConnection = connectionType(CreditPurchase, 'CreditPurchase');

@ObjectType({
  description:
    'A movement of credit. "purchase" (positive), "expiry" (negative: what was left of a lot when it expired, dated at the expiry) ' +
    'and "usage" (negative: all request charges of one UTC day, one row per day, updated as charges are written; createdAt is the first charge of the day).',
})
export class CreditTransaction {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: '"purchase", "usage" or "expiry".' })
  kind!: string;

  @Field(() => String, { description: `Signed: credit added is positive, spent or expired is negative. ${USD}` })
  amountUsd!: string;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { nullable: true, description: 'purchase: when its credit expires; expiry: when it expired.' })
  expiresAt!: Date | null;

  @Field(() => Int, { description: 'usage: requests charged in the row; 0 otherwise.' })
  requestCount!: number;

  static from(t: ICreditTransaction): CreditTransaction {
    return Object.assign(new CreditTransaction(), {
      id: t.id,
      kind: t.kind,
      amountUsd: formatUsd(BigInt(t.amountNano)),
      createdAt: t.createdAt,
      expiresAt: t.expiresAt ?? null,
      requestCount: t.requestCount,
    });
  }
}

export const CreditTransactionConnection = connectionType(CreditTransaction, 'CreditTransaction');

@ObjectType({ description: 'Unexpired credit that expires at one moment: what is left of the lot completed 365 days before it (lots completed at the same instant are summed).' })
export class CreditExpiry {
  @Field(() => String, { description: `What is left of the lot, not what was bought. ${USD}` })
  amountUsd!: string;

  @Field(() => Date)
  expiresAt!: Date;

  static from(e: LotExpiry): CreditExpiry {
    return Object.assign(new CreditExpiry(), { amountUsd: formatUsd(e.amountNano), expiresAt: e.expiresAt });
  }
}
