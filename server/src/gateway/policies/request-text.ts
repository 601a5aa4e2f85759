import type { Surface } from '../../catalog/types.js';

/**
 * Every text a request carries, per client format: system/instructions, message contents, text
 * parts and tool results. `visit` may return a replacement (redaction) or the same string (a scan).
 * Tool-call arguments are JSON the client will parse again, so they are only visited for scans
 * (`toolArguments: true`): a placeholder inside a number would break them.
 */
export type TextVisitor = (text: string) => string;

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function mapField(holder: Json, key: string, visit: TextVisitor): void {
  const v = holder[key];
  if (typeof v === 'string') {
    const next = visit(v);
    if (next !== v) holder[key] = next;
  }
}

/** Text parts of any of the three formats: {type: text|input_text|output_text, text}. */
function mapParts(parts: unknown[], visit: TextVisitor, toolArguments: boolean): void {
  for (const part of parts) {
    if (!isObject(part)) continue;
    if (typeof part.text === 'string') mapField(part, 'text', visit);
    // Anthropic tool_result blocks nest their own content (string or blocks).
    if (part.type === 'tool_result') mapContent(part, 'content', visit, toolArguments);
    if (toolArguments && part.type === 'tool_use' && part.input !== undefined) visit(JSON.stringify(part.input));
  }
}

function mapContent(holder: Json, key: string, visit: TextVisitor, toolArguments: boolean): void {
  const v = holder[key];
  if (typeof v === 'string') mapField(holder, key, visit);
  else if (Array.isArray(v)) mapParts(v, visit, toolArguments);
}

/** Embeddings input: one string or an array of strings (token arrays carry no text to scan). */
function mapEmbeddingInput(body: Json, visit: TextVisitor): void {
  const input = body.input;
  if (typeof input === 'string') mapField(body, 'input', visit);
  else if (Array.isArray(input)) {
    for (let i = 0; i < input.length; i++) {
      const item: unknown = input[i];
      if (typeof item !== 'string') continue;
      const next = visit(item);
      if (next !== item) input[i] = next;
    }
  }
}

export function mapRequestTexts(surface: Surface, body: Json, visit: TextVisitor, options: { toolArguments?: boolean } = {}): void {
  const toolArguments = options.toolArguments ?? false;
  if (surface === 'embeddings') {
    mapEmbeddingInput(body, visit);
    return;
  }
  if (surface === 'messages') mapContent(body, 'system', visit, toolArguments);
  if (surface === 'responses') {
    mapField(body, 'instructions', visit);
    mapContent(body, 'input', visit, toolArguments);
  }
  const items = surface === 'responses' ? body.input : body.messages;
  if (!Array.isArray(items)) return;
  for (const item of items) {
    if (!isObject(item)) continue;
    mapContent(item, 'content', visit, toolArguments);
    // Responses: function results travel as `output`; earlier calls as `arguments`.
    if (item.type === 'function_call_output') mapContent(item, 'output', visit, toolArguments);
    if (toolArguments) {
      if (typeof item.arguments === 'string') visit(item.arguments);
      if (Array.isArray(item.tool_calls)) {
        for (const call of item.tool_calls) {
          const fn = isObject(call) ? call.function : undefined;
          if (isObject(fn) && typeof fn.arguments === 'string') visit(fn.arguments);
        }
      }
    }
  }
}
