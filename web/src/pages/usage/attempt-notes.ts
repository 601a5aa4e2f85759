/**
 * Why each attempt of a request came where it did, in words, from the gateway's ordering rules: for each
 * model (the requested one, then each fallback), your provider keys in route order (or by priority), then
 * the gateway's own credentials; a key whose circuit is open (several failures in a row) is moved to the
 * end until its cool-down ends. An event records the attempts made, not the plan, so these notes read
 * the order back from those rules.
 */
export interface AttemptLike {
  provider: string;
  model: string;
  keySource: string;
  providerKeyId?: string | null;
}

export function attemptNotes(attempts: readonly AttemptLike[]): (string | null)[] {
  const firstModel = attempts[0] ? `${attempts[0].provider}:${attempts[0].model}` : '';
  return attempts.map((attempt, index) => {
    const model = `${attempt.provider}:${attempt.model}`;
    const earlier = attempts.slice(0, index);
    if (attempt.keySource === 'gateway') {
      return "The gateway's own credentials: tried after your keys for this model and before any fallback model; billed from credits at catalog prices.";
    }
    // Own keys come before the gateway's credentials and before later models; one that comes after them was deferred.
    const deferredPast = earlier.find((a) => a.keySource === 'gateway' && `${a.provider}:${a.model}` === model)
      ? 'the gateway credentials'
      : earlier.some((a) => `${a.provider}:${a.model}` !== model && `${a.provider}:${a.model}` !== firstModel)
        ? 'a later model'
        : null;
    if (attempt.keySource === 'user' && deferredPast) {
      return `Tried after ${deferredPast}: this key was cooling down after repeated failures, so it went last.`;
    }
    if (index > 0 && model !== firstModel && !earlier.some((a) => `${a.provider}:${a.model}` === model)) {
      return `Fallback model: tried after every credential for ${firstModel} failed.`;
    }
    if (attempt.keySource === 'none') return 'No key: this custom provider is called without credentials.';
    return null;
  });
}
