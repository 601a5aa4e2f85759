import type { ModelSpec, Surface } from '../catalog/types.js';
import { computeCost, worstCaseCost, type Cost } from '../services/pricing.js';
import type { TokenUsage } from './adapters/adapter.js';
import type { InferenceBody } from './request-body.js';
import type { Attempt, KeySource } from './resolve-model.js';
import { isPositiveInteger } from './request-fields.js';
import { webSearchesHeld } from './hosted-tools.js';
import { countMedia, estimateRequestInput, type InputEstimate } from './tokens.js';
import type { Reservation } from '../services/credits/balance-control.js';
import type { BudgetPeriod } from '../services/credits/budget-period.js';

export type { Reservation };

/** A request's hold on credit and on its key's budget; settled with the request's cost. */
export interface SpendReservation {
  /** Credits take `cost.totalNano`, the budget `cost.spendNano`. Once; later calls are no-ops. */
  settle(cost: Cost): void;
  /** Nothing to charge (never reached a provider). */
  release(): void;
}

/** Who pays: the account's credit and, when the key has one, its budget. */
export interface Payer {
  accountId: string;
  accessKeyId: string;
  budgetPeriod: BudgetPeriod | null;
}

/** What /v1 needs from credits and budgets: a pre-flight reservation for the worst case, and the price of what happened. */
export interface CreditGate {
  /** `at`: the request's admission time (its budget period). Throws budget_exceeded / insufficient_credits. */
  reserve(payer: Payer, surface: Surface, attempts: readonly Attempt[], body: InferenceBody, at: number): SpendReservation | Promise<SpendReservation>;
  cost(usage: TokenUsage, spec: ModelSpec | undefined, keySource: KeySource): Cost;
}

export interface CreditReserver {
  reserve(accountId: string, worstCaseNano: bigint): Reservation | Promise<Reservation>;
  reserveBudget(accessKeyId: string, period: BudgetPeriod, worstCaseNano: bigint, at: number): Reservation | Promise<Reservation>;
}

/** Below this size a byte count bounds the prompt's text tokens cheaply; above it, images and files dominate. */
const BYTE_ESTIMATE_LIMIT = 64 * 1024;

/**
 * Input for the pre-flight hold without tokenizing on the hot path: a small body has at most
 * about bytes/3 tokens of text (JSON framing included), a large one is estimated by the tokenizer.
 * Either way its images and documents are counted apart, for worstCaseCost to hold each at its
 * model's ceiling: an image by URL is a few bytes in the body and thousands of tokens upstream.
 */
export function estimateInputForReservation(surface: Surface, body: InferenceBody): InputEstimate {
  if (body.bytes > BYTE_ESTIMATE_LIMIT) return estimateRequestInput(surface, body.json);
  const { images, documents } = countMedia(surface, body.json);
  return { textTokens: Math.ceil(body.bytes / 3), images, documents };
}

/**
 * The account's credit after the key's budget (already held: released again when the credit is
 * refused). Warm grants answer synchronously on both, so a warm request makes no promise here.
 */
function reserveCredit(credits: CreditReserver, accountId: string, worstCredit: bigint, budget: Reservation | undefined): SpendReservation | Promise<SpendReservation> {
  let credit: Reservation | Promise<Reservation>;
  try {
    credit = credits.reserve(accountId, worstCredit);
  } catch (err) {
    budget?.release();
    throw err;
  }
  if (!(credit instanceof Promise)) return spendReservation(credit, budget);
  return credit.then(
    (c) => spendReservation(c, budget),
    (err: unknown) => {
      budget?.release();
      throw err;
    },
  );
}

function spendReservation(credit: Reservation, budget: Reservation | undefined): SpendReservation {
  return {
    settle(cost) {
      credit.settle(cost.totalNano);
      budget?.settle(cost.spendNano);
    },
    release() {
      credit.release();
      budget?.release();
    },
  };
}

export function createCreditGate(credits: CreditReserver): CreditGate {
  return {
    reserve(payer, surface, attempts, body, at) {
      const { textTokens, images, documents } = estimateInputForReservation(surface, body);
      // Chat's `n` (up to 128 at OpenAI) multiplies the output billed: one answer's worth let `n: 128` overdraw 128-fold.
      const outputChoices = surface === 'chat' && isPositiveInteger(body.json.n) ? body.json.n : 1;
      const webSearchCalls = webSearchesHeld(body.json);
      let worstCredit = 0n;
      let worstSpend = 0n;
      for (const a of attempts) {
        const c = worstCaseCost({
          estimatedInputTokens: textTokens,
          images,
          documents,
          maxOutputTokens: body.maxOutputTokens,
          outputChoices,
          cacheWrites: body.cacheWrites,
          webSearchCalls,
          model: a.spec,
          keySource: a.credential.keySource,
        });
        if (c.totalNano > worstCredit) worstCredit = c.totalNano;
        if (c.spendNano > worstSpend) worstSpend = c.spendNano;
      }
      // Budget first: a key over its budget is refused without touching the account's credit.
      const budget = payer.budgetPeriod ? credits.reserveBudget(payer.accessKeyId, payer.budgetPeriod, worstSpend, at) : undefined;
      return budget instanceof Promise
        ? budget.then((b) => reserveCredit(credits, payer.accountId, worstCredit, b))
        : reserveCredit(credits, payer.accountId, worstCredit, budget);
    },
    cost(usage, spec, keySource) {
      return computeCost({ ...usage, model: spec, keySource });
    },
  };
}
