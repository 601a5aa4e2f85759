import type { Json } from '../pivot.js';
import { generatedId, isRecord } from './codec.js';

/**
 * What the gateway writes into Responses output items for answers another vendor gave, so the
 * conversation can go on anywhere: ids marked as its own, and Claude's thinking carried in
 * `encrypted_content` for the client to send back.
 */

/**
 * Output items of a translated answer get ids marked as the gateway's: `gw` never follows the
 * prefix in OpenAI's own (hex) ids, so a provider serving Responses itself can be spared items it
 * never wrote (withoutGatewayItems) when a later turn of the conversation goes to it.
 */
const GATEWAY_ITEM_ID = /^(rs|msg|fc|ctc)_gw/;
export const gatewayItemId = (prefix: 'rs_' | 'msg_' | 'fc_' | 'ctc_') => generatedId(`${prefix}gw`);

/**
 * Another vendor's thinking signature (Anthropic's) travels in a reasoning item's
 * `encrypted_content`, the field Responses clients send back whole (Codex asks for it), so the
 * next turn can return the thinking to the model that wrote it: Anthropic refuses a tool-use turn
 * continued with thinking on but the thinking left out. The prefix tells it from OpenAI's own
 * encrypted reasoning, which only OpenAI can read.
 */
const SIGNATURE_PREFIX = 'gateway-anthropic-signature:';
/** Likewise a `redacted_thinking` block's opaque data (thinking Anthropic encrypted), which has no text to show. */
const REDACTED_PREFIX = 'gateway-anthropic-redacted:';
export const ENCRYPTED_REASONING = 'reasoning.encrypted_content';

/** As at OpenAI, reasoning items carry `encrypted_content` only for a client that asked for it (Codex does). */
export const wantsEncryptedReasoning = (request: Json | undefined): boolean => Array.isArray(request?.include) && request.include.includes(ENCRYPTED_REASONING);

/** What a reasoning item's `encrypted_content` carries of Claude's thinking: its signature, or a redacted block whole. */
export type SignedReasoning = { signature?: string; redacted?: string };

export function encryptedContentOf({ signature, redacted }: SignedReasoning): string | undefined {
  if (redacted !== undefined) return `${REDACTED_PREFIX}${redacted}`;
  return signature === undefined ? undefined : `${SIGNATURE_PREFIX}${signature}`;
}

/** The Anthropic signature or redacted thinking the gateway put in `encrypted_content`; nothing for OpenAI's own. */
export function signedReasoningOf(encrypted: unknown): SignedReasoning {
  if (typeof encrypted !== 'string') return {};
  if (encrypted.startsWith(SIGNATURE_PREFIX)) return { signature: encrypted.slice(SIGNATURE_PREFIX.length) };
  if (encrypted.startsWith(REDACTED_PREFIX)) return { redacted: encrypted.slice(REDACTED_PREFIX.length) };
  return {};
}

const isGatewayItem = (item: unknown): item is Json => isRecord(item) && typeof item.id === 'string' && GATEWAY_ITEM_ID.test(item.id);

/**
 * A Responses body for a provider serving Responses itself, when a conversation has turns another
 * vendor answered through the gateway: the items the gateway wrote are not the provider's. OpenAI
 * looks up reasoning items by id (404 "Item not found" without `store`) and cannot decrypt another
 * vendor's thinking, so those are dropped; messages and function calls keep their content without
 * the foreign id (it is optional on input items). Untouched (the same object) when there are none.
 */
export function withoutGatewayItems(body: Json): Json {
  const input = body.input;
  if (!Array.isArray(input) || !input.some(isGatewayItem)) return body;
  const kept: unknown[] = [];
  for (const item of input) {
    if (!isGatewayItem(item)) kept.push(item);
    else if (item.type !== 'reasoning') {
      const { id: _foreignId, ...rest } = item;
      kept.push(rest);
    }
  }
  return { ...body, input: kept };
}
