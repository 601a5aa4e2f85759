import { checkEmbeddingsRequest } from '../formats/openai-embeddings.js';
import { parseInferenceBody, readRawBody } from '../request-body.js';
import type { PipelineDeps, RequestState } from './state.js';

/** Pipeline step 3: read the body under its size cap and pick out the fields the gateway reads. */
export async function readBody(state: RequestState, deps: PipelineDeps): Promise<void> {
  state.body = parseInferenceBody(await readRawBody(state.req, deps.maxRequestBodyBytes));
  // The one route whose body shape the gateway checks itself: it is never translated, so a bad
  // input would otherwise be billed an attempt per candidate before the provider refused it.
  if (state.surface === 'embeddings') checkEmbeddingsRequest(state.body.json);
  state.streamed = state.body.stream;
}
