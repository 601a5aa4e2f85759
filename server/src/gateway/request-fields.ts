import type { GenerativeSurface } from '../catalog/types.js';
import { ValidationError } from '../errors/validation-error.js';

/**
 * The shape of a chat, responses or messages body, checked before routing as OpenAI and Anthropic
 * check it: a 400 `invalid_request` naming the field, in the caller's format. A translated request
 * used to be repaired silently instead (a string `max_tokens` became no cap or 4096, messages that
 * were not objects were dropped), so the same request failed or succeeded depending on the
 * provider that served it. Only what decides the request is checked: the message list and roles,
 * the output limit, sampling ranges and the tool list; content parts stay the provider's to judge.
 *
 * Written by hand rather than with zod (as the embeddings route is): this runs on every /v1
 * request and walks every message of long agent conversations, where a schema parse that builds
 * its output would cost more than the rest of the gateway's request handling.
 */

type Body = Record<string, unknown>;

const CHAT_ROLES = ['system', 'developer', 'user', 'assistant', 'tool', 'function'];
/** Claude Code sends `system` messages mid-conversation (test/fixtures/agents), which Anthropic accepts. */
const MESSAGES_ROLES = ['user', 'assistant', 'system'];
const OUTPUT_LIMITS = ['max_tokens', 'max_completion_tokens', 'max_output_tokens'] as const;

const isObject = (v: unknown): v is Body => typeof v === 'object' && v !== null && !Array.isArray(v);
/** JSON null reads as absent, as the providers read it. */
const given = (v: unknown): boolean => v !== undefined && v !== null;
export const isPositiveInteger = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v > 0;

function refuse(field: string, problem: string): never {
  throw new ValidationError(`${field}: ${problem}`);
}

/** `counting`: a count_tokens body, which has no output limit. */
export function checkGenerativeRequest(surface: GenerativeSurface, body: Body, counting = false): void {
  for (const field of OUTPUT_LIMITS) if (given(body[field]) && !isPositiveInteger(body[field])) refuse(field, 'must be a positive integer');
  checkRange(body, 'temperature', surface === 'messages' ? 1 : 2);
  checkRange(body, 'top_p', 1);
  if (given(body.tools) && !(Array.isArray(body.tools) && body.tools.every(isObject))) refuse('tools', 'must be an array of tool objects');
  if (surface === 'chat') {
    checkMessages(body.messages, CHAT_ROLES, true);
    if (given(body.n) && !isPositiveInteger(body.n)) refuse('n', 'must be a positive integer');
  } else if (surface === 'messages') {
    checkMessages(body.messages, MESSAGES_ROLES, false);
    if (!counting && !given(body.max_tokens)) refuse('max_tokens', 'is required');
    if (given(body.system) && typeof body.system !== 'string' && !Array.isArray(body.system)) refuse('system', 'must be a string or an array of content blocks');
  } else if (given(body.input) && typeof body.input !== 'string' && !(Array.isArray(body.input) && body.input.every(isObject))) {
    refuse('input', 'must be a string or an array of input items');
  }
}

function checkRange(body: Body, field: string, max: number): void {
  const v = body[field];
  if (given(v) && !(typeof v === 'number' && v >= 0 && v <= max)) refuse(field, `must be a number from 0 to ${max}`);
}

/** A non-empty list of message objects with a known role and text or content parts (chat allows none, e.g. an assistant's tool calls). */
function checkMessages(messages: unknown, roles: readonly string[], contentOptional: boolean): void {
  if (!Array.isArray(messages) || messages.length === 0) refuse('messages', 'must be a non-empty array of messages');
  for (let i = 0; i < messages.length; i++) {
    const m: unknown = messages[i];
    if (!isObject(m)) refuse(`messages.${i}`, 'must be a message object');
    if (typeof m.role !== 'string' || !roles.includes(m.role)) refuse(`messages.${i}.role`, `must be one of ${roles.join(', ')}`);
    const content = m.content;
    if (typeof content === 'string' || Array.isArray(content) || (contentOptional && !given(content))) continue;
    refuse(`messages.${i}.content`, contentOptional ? 'must be a string, an array of content parts or null' : 'must be a string or an array of content blocks');
  }
}
