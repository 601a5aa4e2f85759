import { isRecord } from './adapters/common.js';
import { isPositiveInteger } from './request-fields.js';

/**
 * Hosted web searches run at the provider and are billed per call on top of tokens (Anthropic's
 * `web_search_…` server tool, OpenAI's `web_search` / `web_search_preview` in Responses). A
 * request that offers one is held for the most calls it may make: the tool's `max_uses`
 * (Anthropic), else the request's `max_tool_calls` (Responses), else this many. The model decides
 * how often it searches, so without either bound a request that searches more is still charged
 * every call; only its hold assumed fewer.
 */
export const DEFAULT_WEB_SEARCHES_HELD = 10;

const isWebSearchTool = (tool: unknown): tool is Record<string, unknown> => isRecord(tool) && typeof tool.type === 'string' && tool.type.startsWith('web_search');

/** The most hosted web search calls a request may be billed (0 when it offers no such tool). */
export function webSearchesHeld(body: Record<string, unknown>): number {
  const tools = body.tools;
  if (!Array.isArray(tools) || tools.length === 0) return 0;
  let held = 0;
  let unbounded = false;
  for (const tool of tools) {
    if (!isWebSearchTool(tool)) continue;
    if (isPositiveInteger(tool.max_uses)) held += tool.max_uses;
    else unbounded = true;
  }
  if (!unbounded) return held;
  return held + (isPositiveInteger(body.max_tool_calls) ? body.max_tool_calls : DEFAULT_WEB_SEARCHES_HELD);
}
