import type { ModelSpec } from '../catalog/types.js';
import type { TokenUsage } from './adapters/adapter.js';
import type { InferenceBody } from './request-body.js';
import type { Attempt, KeySource } from './resolve-model.js';

export interface Cost {
  feeNano: bigint;
  upstreamCostNano: bigint;
  totalNano: bigint;
}

export interface Reservation {
  settle(costNano: bigint): void;
  release(): void;
}

/** What /v1 needs from credits: a pre-flight reservation for the worst case, and the price of what happened. */
export interface CreditGate {
  reserve(accountId: string, attempts: readonly Attempt[], body: InferenceBody): Promise<Reservation>;
  cost(usage: TokenUsage, spec: ModelSpec | undefined, keySource: KeySource): Cost;
}
