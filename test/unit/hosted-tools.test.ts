import { describe, expect, it } from 'vitest';
import { DEFAULT_WEB_SEARCHES_HELD, webSearchesHeld } from '../../server/src/gateway/hosted-tools.js';

describe('webSearchesHeld', () => {
  it('holds nothing for a request offering no hosted web search', () => {
    expect(webSearchesHeld({})).toBe(0);
    expect(webSearchesHeld({ tools: [{ type: 'function', name: 'web_search' }, { name: 'lookup', input_schema: {} }] })).toBe(0);
  });

  it('holds each Anthropic web search tool’s max_uses', () => {
    expect(webSearchesHeld({ tools: [{ type: 'web_search_20250305', name: 'web_search', max_uses: 8 }] })).toBe(8);
    expect(webSearchesHeld({ tools: [{ type: 'web_search_20250305', max_uses: 3 }, { type: 'web_search_20260209', max_uses: 4 }] })).toBe(7);
  });

  it('holds the Responses max_tool_calls, or the default, for a tool without its own bound', () => {
    expect(webSearchesHeld({ tools: [{ type: 'web_search' }], max_tool_calls: 4 })).toBe(4);
    expect(webSearchesHeld({ tools: [{ type: 'web_search_preview' }] })).toBe(DEFAULT_WEB_SEARCHES_HELD);
    expect(webSearchesHeld({ tools: [{ type: 'web_search_20250305' }, { type: 'web_search_20250305', max_uses: 2 }] })).toBe(2 + DEFAULT_WEB_SEARCHES_HELD);
    // A max_uses that is not a positive integer bounds nothing.
    expect(webSearchesHeld({ tools: [{ type: 'web_search_20250305', max_uses: -1 }] })).toBe(DEFAULT_WEB_SEARCHES_HELD);
  });
});
