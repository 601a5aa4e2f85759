import type { Surface } from '../../catalog/types.js';
import { resolveAttemptsWithListings, type CandidateNeeds } from '../resolve-model.js';
import { accessOf, bodyOf, resolutionOf, type PipelineDeps, type RequestState } from './state.js';

/**
 * Pipeline step: the model string, fallbacks and the key's configuration → ordered candidates.
 * Only an id the catalog lacks waits (for the providers' model lists); known models resolve at once.
 */
export function resolve(state: RequestState, deps: PipelineDeps): void | Promise<void> {
  const body = bodyOf(state);
  const resolution = resolveAttemptsWithListings(state.surface, body.model, body.fallbacks, accessOf(state), deps.directory, needsOf(state.surface, body.json));
  if (resolution instanceof Promise) {
    return resolution.then((r) => {
      state.resolution = r;
    });
  }
  state.resolution = resolution;
}

/**
 * Pipeline step: hold credit for the worst case of any candidate before anything is sent (warm:
 * from the instance's in-memory grant). It follows resolve because the price depends on the
 * candidates. The key's budget is reserved with it (budget_exceeded before credit is touched).
 */
export function reserve(state: RequestState, deps: PipelineDeps): void | Promise<void> {
  const reservation = deps.credits.reserve(accessOf(state), state.surface, resolutionOf(state).attempts, bodyOf(state), state.admittedAt);
  if (!(reservation instanceof Promise)) {
    state.reservation = reservation;
    return;
  }
  return reservation.then((r) => {
    state.reservation = r;
  });
}

const NO_NEEDS: CandidateNeeds = {};

/** A Responses request continuing stored state needs a provider that serves /v1/responses itself. */
function needsOf(surface: Surface, json: Record<string, unknown>): CandidateNeeds {
  if (surface !== 'responses') return NO_NEEDS;
  if (json.previous_response_id !== undefined && json.previous_response_id !== null) return { storedState: 'previous_response_id' };
  if (json.conversation !== undefined && json.conversation !== null) return { storedState: 'conversation' };
  return NO_NEEDS;
}
