import { parseInferenceBody, readRawBody } from '../request-body.js';
import type { PipelineDeps, RequestState } from './state.js';

/** Pipeline step 3: read the body under its size cap and pick out the fields the gateway reads. */
export async function readBody(state: RequestState, deps: PipelineDeps): Promise<void> {
  state.body = parseInferenceBody(await readRawBody(state.req, deps.maxRequestBodyBytes));
  state.streamed = state.body.stream;
}
