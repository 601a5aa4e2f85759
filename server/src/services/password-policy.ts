import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import { z } from 'zod';

/**
 * zxcvbn score at or above which a password is accepted: 2 means "somewhat guessable", more than
 * 10^6 guesses, so the common-password list (`password`, `12345678`), keyboard walks, repeats
 * and dates are refused.
 */
const MIN_SCORE = 2;

/**
 * How long the estimator is kept after its last use. Its indexed dictionaries are ~6 MB of the
 * old generation (a heap snapshot of a running gateway: a tenth of everything alive), which every
 * full GC marks again; passwords are set rarely (sign-up, invitations, changes), so the index is
 * dropped when idle and built again (~100 ms) the next time one is.
 */
const ESTIMATOR_IDLE_MS = 60_000;

let estimator: ZxcvbnFactory | undefined;
let dropTimer: NodeJS.Timeout | undefined;

function passwordEstimator(): ZxcvbnFactory {
  // maxLength bounds the estimator's work; the first 64 characters decide.
  estimator ??= new ZxcvbnFactory({ dictionary: { ...common.dictionary }, graphs: common.adjacencyGraphs, maxLength: 64 });
  if (dropTimer) dropTimer.refresh();
  else {
    dropTimer = setTimeout(() => {
      estimator = undefined;
      dropTimer = undefined;
    }, ESTIMATOR_IDLE_MS);
    dropTimer.unref();
  }
  return estimator;
}

/** True when the password is in the common-password lists or otherwise guessable in under ~10^6 tries. */
export function isGuessablePassword(password: string): boolean {
  return passwordEstimator().check(password).score < MIN_SCORE;
}

/** The password rule for every place that sets one (sign-up, invitations, password changes). */
export const passwordSchema = z
  .string()
  .min(8, 'must be at least 8 characters')
  .max(200, 'must be at most 200 characters')
  .refine((p) => p.length < 8 || !isGuessablePassword(p), 'is too common or too easy to guess; try a few unrelated words');
