import type { ModelSpec, Surface } from '../catalog/types.js';
import { computeCost, worstCaseCost, type Cost } from '../services/pricing.js';
import type { TokenUsage } from './adapters/adapter.js';
import type { InferenceBody } from './request-body.js';
import type { Attempt, KeySource } from './resolve-model.js';
import { estimateRequestInputTokens } from './tokens.js';
import type { Reservation } from '../services/credits/credit-control.js';

export type { Reservation };

/** What /v1 needs from credits: a pre-flight reservation for the worst case, and the price of what happened. */
export interface CreditGate {
  reserve(accountId: string, surface: Surface, attempts: readonly Attempt[], body: InferenceBody): Promise<Reservation>;
  cost(usage: TokenUsage, spec: ModelSpec | undefined, keySource: KeySource): Cost;
}

export interface CreditReserver {
  reserve(accountId: string, worstCaseNano: bigint): Promise<Reservation>;
}

/** Below this size a byte count bounds the prompt's tokens cheaply; above it, images and files dominate. */
const BYTE_ESTIMATE_LIMIT = 64 * 1024;

/**
 * Input tokens for the pre-flight check without tokenizing on the hot path: a small body has at
 * most about bytes/3 tokens of text (JSON framing included); a large one is usually images or
 * files, which the tokenizer-based estimate counts at their flat price instead of their size.
 */
export function estimateInputForReservation(surface: Surface, body: InferenceBody): number {
  return body.bytes <= BYTE_ESTIMATE_LIMIT ? Math.ceil(body.bytes / 3) : estimateRequestInputTokens(surface, body.json);
}

export function createCreditGate(credits: CreditReserver): CreditGate {
  return {
    reserve(accountId, surface, attempts, body) {
      const estimatedInputTokens = estimateInputForReservation(surface, body);
      let worst = 0n;
      for (const a of attempts) {
        const c = worstCaseCost({
          estimatedInputTokens,
          maxOutputTokens: body.maxOutputTokens,
          model: a.spec,
          keySource: a.credential.keySource,
        }).totalNano;
        if (c > worst) worst = c;
      }
      return credits.reserve(accountId, worst);
    },
    cost(usage, spec, keySource) {
      return computeCost({ inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, model: spec, keySource });
    },
  };
}
