import type { Surface } from '../catalog/types.js';
import { AppError } from '../errors/app-error.js';
import type { AccessContext } from './access-context.js';
import type { InferenceBody } from './request-body.js';
import type { Attempt } from './resolve-model.js';
import { estimateRequestInputTokens } from './tokens.js';
import { thinkingBudgetWithin } from './formats/anthropic-messages.js';

/** Estimated input above the account's maxInputTokens (`request_too_large`, 413; nothing goes upstream). */
export class InputTokensTooLargeError extends AppError {
  constructor(estimated: number, cap: number) {
    super(
      'request_too_large',
      413,
      `Request too large: about ${estimated} input tokens, above this account's limit of ${cap} input tokens (maxInputTokens).`,
    );
  }
}

/**
 * The account's token caps, applied to the client's body before anything goes upstream:
 * - maxInputTokens: the tokenizer estimate of the prompt above it is refused (only tokenized
 *   when a cap is set, so uncapped accounts pay nothing for it);
 * - maxOutputTokens: a request asking for more output, or not saying, is sent with the cap, in
 *   the field its format uses (chat: the one the client used, else `max_completion_tokens` for
 *   OpenAI and models that require it, `max_tokens` elsewhere; responses: `max_output_tokens`;
 *   messages: `max_tokens`, with a thinking budget lowered to fit under it).
 */
export function applyTokenCaps(access: AccessContext, surface: Surface, body: InferenceBody, attempts: readonly Attempt[]): void {
  if (access.maxInputTokens !== null) {
    const estimated = estimateRequestInputTokens(surface, body.json);
    if (estimated > access.maxInputTokens) throw new InputTokensTooLargeError(estimated, access.maxInputTokens);
  }
  const cap = access.maxOutputTokens;
  // Embeddings generate no output: there is no field to cap.
  if (surface === 'embeddings') return;
  if (cap === null || (body.maxOutputTokens !== undefined && body.maxOutputTokens <= cap)) return;
  const json = body.json;
  const fields = ['max_tokens', 'max_completion_tokens', 'max_output_tokens'].filter((f) => typeof json[f] === 'number');
  if (fields.length > 0) {
    for (const f of fields) json[f] = Math.min(json[f] as number, cap);
  } else if (surface === 'responses') {
    json.max_output_tokens = cap;
  } else if (surface === 'messages') {
    json.max_tokens = cap;
  } else {
    const first = attempts[0];
    json[first && (first.provider === 'openai' || first.spec?.maxTokensParam === 'max_completion_tokens') ? 'max_completion_tokens' : 'max_tokens'] = cap;
  }
  body.maxOutputTokens = cap;
  if (surface === 'messages') fitThinking(body, cap);
}

/**
 * Anthropic refuses a thinking budget that is not below max_tokens (or under 1,024): one the cap
 * left too large is lowered to fit, or the thinking is taken out where no budget fits.
 */
function fitThinking(body: InferenceBody, maxTokens: number): void {
  const thinking = body.json.thinking;
  if (typeof thinking !== 'object' || thinking === null) return;
  const t = thinking as Record<string, unknown>;
  if (typeof t.budget_tokens !== 'number' || t.budget_tokens < maxTokens) return;
  const budget = thinkingBudgetWithin(maxTokens, t.budget_tokens);
  if (budget !== undefined) {
    body.json.thinking = { ...t, budget_tokens: budget };
  } else {
    delete body.json.thinking;
    (body.removedByCaps ??= []).push('thinking');
  }
}
