import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import { parseSseText } from './v1-client.js';

/**
 * Anthropic's API definition as JSON Schemas (test/fixtures/spec/anthropic-schemas.json, generated
 * from @anthropic-ai/sdk's types by scripts/extract-anthropic-schemas.ts), and checks of whole
 * answers and SSE streams against it.
 */

interface SchemaDocument {
  $id: string;
  source: { package: string; version: string };
  definitions: Record<string, unknown>;
}

const document = JSON.parse(readFileSync(new URL('../fixtures/spec/anthropic-schemas.json', import.meta.url), 'utf8')) as SchemaDocument;

/** The SDK version the schemas were generated from. */
export const SPEC_SOURCE = document.source;

type Schema = Record<string, unknown>;

const isObject = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The `type` constant of a definition `$ref` points at, when it is an object tagged by `type`. */
function tagOf(ref: unknown, definitions: Record<string, unknown>): string | undefined {
  if (!isObject(ref) || typeof ref.$ref !== 'string' || Object.keys(ref).length !== 1) return undefined;
  const target = definitions[ref.$ref.replace('#/definitions/', '')];
  if (!isObject(target) || !isObject(target.properties) || !Array.isArray(target.required) || !target.required.includes('type')) return undefined;
  const type = isObject(target.properties.type) ? target.properties.type.const : undefined;
  return typeof type === 'string' ? type : undefined;
}

/**
 * The same constraints, with each union of `type`-tagged objects (content blocks, deltas, stream
 * events, error objects) as a `oneOf` with a discriminator: its members exclude each other by their
 * `type` constant already, so nothing is accepted or refused differently, but a refused value is
 * reported against the member its `type` names instead of against every member.
 */
function withDiscriminators(node: unknown, definitions: Record<string, unknown>): unknown {
  if (Array.isArray(node)) return node.map((n) => withDiscriminators(n, definitions));
  if (!isObject(node)) return node;
  const out: Schema = {};
  for (const [key, value] of Object.entries(node)) out[key] = withDiscriminators(value, definitions);
  const members = Array.isArray(node.anyOf) ? node.anyOf : undefined;
  const tags = members?.map((m) => tagOf(m, definitions));
  if (members && tags && tags.every((t) => t !== undefined) && new Set(tags).size === tags.length && Object.keys(node).length === 1) {
    return { type: 'object', discriminator: { propertyName: 'type' }, oneOf: members };
  }
  return out;
}

// Strict: an unknown keyword in the generated schemas is an error, not silently ignored.
// allowUnionTypes: the generator writes nullable fields as `type: ["string", "null"]`.
const ajv = new Ajv({ strict: true, allowUnionTypes: true, allErrors: true, discriminator: true });
ajv.addSchema({ $id: document.$id, definitions: withDiscriminators(document.definitions, document.definitions) });

const ref = (name: string): ValidateFunction => ajv.compile({ $ref: `${document.$id}#/definitions/${name}` });

const validators = {
  Message: ref('Message'),
  RawMessageStreamEvent: ref('RawMessageStreamEvent'),
  // RawMessageStreamEvent's members, each event checked against the one its type names.
  RawMessageStartEvent: ref('RawMessageStartEvent'),
  RawMessageDeltaEvent: ref('RawMessageDeltaEvent'),
  RawMessageStopEvent: ref('RawMessageStopEvent'),
  RawContentBlockStartEvent: ref('RawContentBlockStartEvent'),
  RawContentBlockDeltaEvent: ref('RawContentBlockDeltaEvent'),
  RawContentBlockStopEvent: ref('RawContentBlockStopEvent'),
  MessageTokensCount: ref('MessageTokensCount'),
  ErrorResponse: ref('ErrorResponse'),
  /**
   * Two events Anthropic documents in its streaming guide that the SDK declares no type for (its
   * stream reader skips `ping` and raises `error` as an APIError): `ping`, and `error` with the
   * same `error` object as an error answer. `request_id` is optional in-stream (the documented
   * event carries none; the request id is in the response headers).
   */
  ping: ajv.compile({ type: 'object', properties: { type: { const: 'ping' } }, required: ['type'], additionalProperties: false }),
  errorEvent: ajv.compile({
    type: 'object',
    properties: {
      type: { const: 'error' },
      error: { $ref: `${document.$id}#/definitions/ErrorObject` },
      request_id: { type: ['string', 'null'] },
    },
    required: ['type', 'error'],
    additionalProperties: false,
  }),
};

export type SpecType = keyof typeof validators;

/** Schema errors of `value` as `SpecType`, as readable lines (empty when it conforms). */
export function specErrors(type: SpecType, value: unknown): string[] {
  const validate = validators[type];
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}

/** The content a client assembles from a stream, block by block. */
export interface StreamedBlock {
  type: string;
  text: string;
  /** tool_use: the concatenated input_json_delta; thinking: the signature. */
  extra: string;
  start: Record<string, unknown>;
}

export interface CheckedStream {
  /** Protocol and schema violations, each naming the frame; empty when the stream conforms. */
  violations: string[];
  types: string[];
  blocks: StreamedBlock[];
  messageStart?: Record<string, unknown>;
  messageDelta?: Record<string, unknown>;
  /** The terminal `error` event, when the stream ended with one. */
  error?: Record<string, unknown>;
}

/** The SDK's type for each stream event (RawMessageStreamEvent's members), plus the two it leaves untyped. */
const EVENT_SCHEMA: Readonly<Record<string, SpecType>> = {
  message_start: 'RawMessageStartEvent',
  message_delta: 'RawMessageDeltaEvent',
  message_stop: 'RawMessageStopEvent',
  content_block_start: 'RawContentBlockStartEvent',
  content_block_delta: 'RawContentBlockDeltaEvent',
  content_block_stop: 'RawContentBlockStopEvent',
  ping: 'ping',
  error: 'errorEvent',
};

/** Which delta types each content block accepts (Anthropic's streaming guide). */
const DELTAS_BY_BLOCK: Readonly<Record<string, readonly string[]>> = {
  text: ['text_delta', 'citations_delta'],
  thinking: ['thinking_delta', 'signature_delta'],
  tool_use: ['input_json_delta'],
  server_tool_use: ['input_json_delta'],
  redacted_thinking: [],
};

/**
 * Checks a raw Messages SSE body: every frame has an `event:` line equal to its data's `type`, every
 * payload conforms to the SDK's schemas, and the order is Anthropic's: `message_start`, then per
 * content block (indexes 0, 1, … in order, one open at a time) `content_block_start`, its deltas,
 * `content_block_stop`, then one `message_delta` and `message_stop` last; `ping` anywhere after
 * the start. A stream may instead end with one `error` event at any point after `message_start`.
 */
export function checkMessagesStream(body: string): CheckedStream {
  const out: CheckedStream = { violations: [], types: [], blocks: [] };
  const fail = (i: number, what: string) => out.violations.push(`frame #${i}: ${what}`);
  type Phase = 'before-start' | 'blocks' | 'after-delta' | 'stopped' | 'errored';
  let phase: Phase = 'before-start';
  let open: StreamedBlock | undefined;
  let openIndex = -1;

  for (const [i, frame] of parseSseText(body).entries()) {
    let data: Record<string, unknown>;
    try {
      data = JSON.parse(frame.data) as Record<string, unknown>;
    } catch {
      fail(i, `data is not JSON: ${frame.data.slice(0, 80)}`);
      continue;
    }
    const type = typeof data.type === 'string' ? data.type : '';
    out.types.push(type);
    if (frame.event !== type) fail(i, `event "${String(frame.event)}" but data.type "${type}"`);
    // An unknown type is checked against the whole union, which refuses it.
    for (const e of specErrors(EVENT_SCHEMA[type] ?? 'RawMessageStreamEvent', data)) fail(i, `${type}: ${e}`);
    if (phase === 'stopped' || phase === 'errored') {
      fail(i, `${type} after ${phase === 'stopped' ? 'message_stop' : 'error'}`);
      continue;
    }
    if (type === 'ping') {
      if (phase === 'before-start') fail(i, 'ping before message_start');
      continue;
    }
    if (type === 'error') {
      if (phase === 'before-start') fail(i, 'error event before message_start (a refusal before the stream starts is an HTTP error)');
      out.error = data;
      phase = 'errored';
      continue;
    }
    if (phase === 'before-start') {
      if (type !== 'message_start') fail(i, `${type} before message_start`);
      out.messageStart = data;
      phase = 'blocks';
      continue;
    }
    const index = typeof data.index === 'number' ? data.index : undefined;
    switch (type) {
      case 'content_block_start': {
        if (phase !== 'blocks') fail(i, 'content_block_start after message_delta');
        if (open !== undefined) fail(i, `content_block_start while block ${openIndex} is open`);
        if (index !== out.blocks.length) fail(i, `content_block_start index ${String(index)}, expected ${out.blocks.length}`);
        const block = (data.content_block ?? {}) as Record<string, unknown>;
        const blockType = String(block.type);
        open = { type: blockType, text: typeof block.text === 'string' ? block.text : '', extra: '', start: block };
        openIndex = index ?? -1;
        out.blocks.push(open);
        break;
      }
      case 'content_block_delta': {
        const delta = (data.delta ?? {}) as Record<string, unknown>;
        if (open === undefined || index !== openIndex) {
          fail(i, `content_block_delta for index ${String(index)}, open block ${open === undefined ? 'none' : openIndex}`);
          break;
        }
        if (!(DELTAS_BY_BLOCK[open.type] ?? []).includes(String(delta.type))) fail(i, `${String(delta.type)} in a ${open.type} block`);
        if (delta.type === 'text_delta') open.text += String(delta.text);
        if (delta.type === 'thinking_delta') open.text += String(delta.thinking);
        if (delta.type === 'signature_delta') open.extra += String(delta.signature);
        if (delta.type === 'input_json_delta') open.extra += String(delta.partial_json);
        break;
      }
      case 'content_block_stop':
        if (open === undefined || index !== openIndex) fail(i, `content_block_stop for index ${String(index)}, open block ${open === undefined ? 'none' : openIndex}`);
        open = undefined;
        break;
      case 'message_delta':
        if (open !== undefined) fail(i, `message_delta while block ${openIndex} is open`);
        if (phase === 'after-delta') fail(i, 'second message_delta');
        out.messageDelta = data;
        phase = 'after-delta';
        break;
      case 'message_stop':
        if (phase !== 'after-delta') fail(i, 'message_stop without message_delta');
        phase = 'stopped';
        break;
      default:
        fail(i, `unexpected event ${type}`);
    }
  }
  if (phase !== 'stopped' && phase !== 'errored') out.violations.push(`stream ended without message_stop or error (last phase: ${phase})`);
  return out;
}
