import { resolveAttemptsWithListings } from '../resolve-model.js';
import { accessOf, bodyOf, resolutionOf, type PipelineDeps, type RequestState } from './state.js';

/**
 * Pipeline step: the model string, fallbacks and the key's configuration → ordered candidates.
 * Only an id the catalog lacks waits (for the providers' model lists); known models resolve at once.
 */
export function resolve(state: RequestState, deps: PipelineDeps): void | Promise<void> {
  const body = bodyOf(state);
  const resolution = resolveAttemptsWithListings(state.surface, body.model, body.fallbacks, accessOf(state), deps.directory);
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
