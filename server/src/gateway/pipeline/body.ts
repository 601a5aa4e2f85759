import { checkEmbeddingsRequest } from '../formats/openai-embeddings.js';
import { checkGenerativeRequest } from '../request-fields.js';
import { parseInferenceBody, readRequestBody } from '../request-body.js';
import type { PipelineDeps, RequestState } from './state.js';

/**
 * Pipeline step 3: read the body under its size cap, pick out the fields the gateway reads and
 * check the body's shape, before any candidate is billed an attempt for a request its provider
 * would refuse (or, translated, would be silently repaired).
 */
export function readBody(state: RequestState, deps: PipelineDeps): Promise<void> {
  return readCheckedBody(state, deps, false);
}

/** The same step for `count_tokens`, whose body has no output limit (count-tokens.ts). */
export function readCountTokensBody(state: RequestState, deps: PipelineDeps): Promise<void> {
  return readCheckedBody(state, deps, true);
}

async function readCheckedBody(state: RequestState, deps: PipelineDeps, counting: boolean): Promise<void> {
  state.body = parseInferenceBody(await readRequestBody(state.req, deps.maxRequestBodyBytes));
  if (state.surface === 'embeddings') checkEmbeddingsRequest(state.body.json);
  else checkGenerativeRequest(state.surface, state.body.json, counting);
  state.streamed = state.body.stream;
}
