import type { Json, PivotTool } from '../pivot.js';
import { isRecord, str } from './codec.js';

/**
 * The Responses API's tool declarations for providers that only know plain functions (Claude,
 * chat-completions vendors). Codex declares its tools in namespaces (`{type: 'namespace', name,
 * tools}`), as freeform `custom` tools (raw text input, optionally bound by a grammar), and for
 * its newest models in `additional_tools` input items rather than `tools`. Each becomes a function
 * the other model can call: a namespaced one named `<namespace>__<name>`, a custom one taking its
 * text as `{"input": "…"}`. Answers and later turns map the calls back (`function_call` with its
 * `namespace`, `custom_tool_call` with its `input`), so the client sees the calls it declared.
 */

/** A declared tool as the client named it. */
export interface DeclaredTool {
  name: string;
  namespace?: string;
  /** A freeform tool: called with text, answered as `custom_tool_call`. */
  custom: boolean;
}

/** Anthropic's and OpenAI's tool names: at most 64 of these characters. */
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const NAMESPACE_SEPARATOR = '__';

/** The name another vendor's model sees for a tool of `namespace` (the name itself outside one). */
export function flatToolName(namespace: string | undefined, name: string): string {
  return namespace === undefined || namespace === '' ? name : `${namespace}${NAMESPACE_SEPARATOR}${name}`;
}

/** The input of a custom tool, as a function's arguments. */
const CUSTOM_INPUT = 'input';

function customParameters(format: unknown): Json {
  const grammar = isRecord(format) && format.type === 'grammar' && typeof format.definition === 'string' ? format : undefined;
  const description = grammar
    ? `Raw text input. It must match this ${str(grammar.syntax) ?? ''} grammar:\n${String(grammar.definition)}`
    : 'Raw text input.';
  return { type: 'object', properties: { [CUSTOM_INPUT]: { type: 'string', description } }, required: [CUSTOM_INPUT], additionalProperties: false };
}

/** Custom-tool arguments back to the text the client's tool takes (the arguments themselves if they are not `{"input": string}`). */
export function customInputOf(args: string): string {
  try {
    const parsed: unknown = JSON.parse(args);
    if (isRecord(parsed) && typeof parsed[CUSTOM_INPUT] === 'string') return parsed[CUSTOM_INPUT];
  } catch {
    // Not JSON: the model wrote the text itself.
  }
  return args;
}

/** A custom tool call's text as function arguments, for a later turn. */
export function customArguments(input: string): string {
  return JSON.stringify({ [CUSTOM_INPUT]: input });
}

/** The tools a request declares, in `tools` and in `additional_tools` input items, with what each flat name stands for. */
export interface DeclaredTools {
  tools: PivotTool[];
  byFlatName: Map<string, DeclaredTool>;
}

function declare(out: DeclaredTools, t: Json, namespace: string | undefined, removed: Set<string>): void {
  if ((t.type !== 'function' && t.type !== 'custom') || typeof t.name !== 'string') {
    // Hosted tools (web_search, file_search, code_interpreter, …) exist only at OpenAI.
    removed.add(`tools.${String(t.type)}`);
    return;
  }
  const name = flatToolName(namespace, t.name);
  if (!TOOL_NAME.test(name)) {
    removed.add(namespace === undefined ? `tools.${t.name}` : `tools.${namespace}.${t.name}`);
    return;
  }
  const custom = t.type === 'custom';
  const tool: PivotTool = { name, parameters: custom ? customParameters(t.format) : isRecord(t.parameters) ? t.parameters : { type: 'object', properties: {} } };
  if (typeof t.description === 'string' && t.description !== '') tool.description = t.description;
  if (!custom && typeof t.strict === 'boolean') tool.strict = t.strict;
  out.tools.push(tool);
  out.byFlatName.set(name, { name: t.name, ...(namespace === undefined ? {} : { namespace }), custom });
}

function declareAll(out: DeclaredTools, tools: unknown, removed: Set<string>): void {
  if (!Array.isArray(tools)) return;
  for (const t of tools) {
    if (!isRecord(t)) continue;
    if (t.type === 'namespace' && typeof t.name === 'string' && Array.isArray(t.tools)) {
      for (const inner of t.tools) if (isRecord(inner)) declare(out, inner, t.name, removed);
    } else {
      declare(out, t, undefined, removed);
    }
  }
}

/**
 * Read once per request body: its request is built with them and its answer (each attempt's, on
 * failover) maps the calls back with them.
 */
const declaredByBody = new WeakMap<Json, { declared: DeclaredTools; unofferable: readonly string[] }>();

/** Every tool the request declares; `removed` collects what cannot be offered to another vendor. */
export function declaredTools(body: Json, removed?: Set<string>): DeclaredTools {
  let known = declaredByBody.get(body);
  if (known === undefined) {
    const declared: DeclaredTools = { tools: [], byFlatName: new Map() };
    const unofferable = new Set<string>();
    declareAll(declared, body.tools, unofferable);
    if (Array.isArray(body.input)) {
      for (const item of body.input) if (isRecord(item) && item.type === 'additional_tools') declareAll(declared, item.tools, unofferable);
    }
    known = { declared, unofferable: [...unofferable] };
    declaredByBody.set(body, known);
  }
  for (const name of known.unofferable) removed?.add(name);
  return known.declared;
}
