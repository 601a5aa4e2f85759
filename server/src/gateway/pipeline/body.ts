import { checkEmbeddingsRequest } from '../formats/openai-embeddings.js';
import { checkGenerativeRequest } from '../request-fields.js';
import { parseInferenceBody, readRequestBody } from '../request-body.js';
import type { PipelineDeps, RequestState } from './state.js';

const COUNT_TOKENS_PATH = '/v1/messages/count_tokens';

/**
 * Pipeline step 3: read the body under its size cap, pick out the fields the gateway reads and
 * check the body's shape, before any candidate is billed an attempt for a request its provider
 * would refuse (or, translated, would be silently repaired).
 */
export async function readBody(state: RequestState, deps: PipelineDeps): Promise<void> {
  state.body = parseInferenceBody(await readRequestBody(state.req, deps.maxRequestBodyBytes));
  if (state.surface === 'embeddings') checkEmbeddingsRequest(state.body.json);
  else checkGenerativeRequest(state.surface, state.body.json, state.path === COUNT_TOKENS_PATH);
  state.streamed = state.body.stream;
}
