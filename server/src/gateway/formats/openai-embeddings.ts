import { z } from 'zod';
import { ValidationError } from '../../errors/validation-error.js';
import { parseInput } from '../../services/validate.js';

/**
 * The client side of `POST /v1/embeddings` (OpenAI's Embeddings API). The body is checked, never
 * rewritten: it is forwarded as is (fields beyond these included, e.g. OpenRouter's `input_type`)
 * and the answer comes back untouched, `encoding_format: base64` as well. `model` and `models`
 * are read by request-body.ts like on every route.
 */

/** OpenAI's documented limits: at most 2,048 inputs per request and 300,000 tokens across them. */
export const MAX_EMBEDDING_INPUTS = 2048;
export const MAX_EMBEDDING_TOKENS = 300_000;

const INPUT_SHAPES =
  'must be a non-empty string, an array of non-empty strings, an array of token ids, or an array of token-id arrays';

const text = z.string().min(1, 'must not be an empty string');
const tokenIds = z.array(z.number().int('token ids must be integers').nonnegative('token ids must not be negative')).min(1, 'must not be empty');

const input = z.union([text, z.array(text).min(1), tokenIds, z.array(tokenIds).min(1)], { error: INPUT_SHAPES });

const embeddingsRequest = z.looseObject({
  input: z.unknown().refine((v) => v !== undefined, 'is required').pipe(input),
  encoding_format: z.enum(['float', 'base64'], { error: 'must be "float" or "base64"' }).optional(),
  dimensions: z.number().int('must be an integer').min(1, 'must be at least 1').optional(),
  user: z.string().max(256, 'must be at most 256 characters').optional(),
  stream: z.literal(false, { error: 'embeddings do not stream; leave `stream` out' }).optional(),
});

/** Validates an embeddings body (400 `invalid_request` with a message naming the field otherwise). */
export function checkEmbeddingsRequest(body: Record<string, unknown>): void {
  const { input: value } = parseInput(embeddingsRequest, body);
  if (typeof value === 'string') return;
  // A flat array of token ids is one input; any other array holds one input per item.
  const single = typeof value[0] === 'number';
  if (!single && value.length > MAX_EMBEDDING_INPUTS) {
    throw new ValidationError(`input: at most ${MAX_EMBEDDING_INPUTS} items per request (got ${value.length}).`);
  }
  // Token ids count exactly, so their total is capped here; text is bounded by the body size limit.
  let tokens = single ? value.length : 0;
  if (!single) for (const item of value) if (Array.isArray(item)) tokens += item.length;
  if (tokens > MAX_EMBEDDING_TOKENS) {
    throw new ValidationError(`input: at most ${MAX_EMBEDDING_TOKENS} tokens across all inputs (got ${tokens}).`);
  }
}
