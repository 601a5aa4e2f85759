import { beforeAll, describe, expect, it } from 'vitest';
import { TokenizerThread } from '../../server/src/gateway/tokenizer-thread.js';
import {
  collectRequestText,
  countMedia,
  estimateRequestInputTokens,
  estimateTextTokens,
  warmTokenizer,
} from '../../server/src/gateway/tokens.js';

describe('TokenizerThread', () => {
  it('builds the encoder while the event loop goes on, answering undefined (by characters) until then', async () => {
    const thread = new TokenizerThread('o200k_base');
    expect(thread.count('hello world')).toBeUndefined();
    // Built on the event loop, the encoder took 0.2–0.8 s in one piece (bench/RESULTS.md, session
    // 18) and no turn of the loop ran before it was ready; built in the thread, turns go on meanwhile.
    let turns = 0;
    let counting = true;
    const turn = (): void => {
      turns++;
      if (counting) setImmediate(turn);
    };
    setImmediate(turn);
    await thread.start();
    counting = false;
    expect(turns).toBeGreaterThan(0);
    expect(thread.count('hello world')).toBe(2);
    expect(thread.count('The quick brown fox jumps over the lazy dog.')).toBe(10);
    expect(thread.count('')).toBe(0);
    expect(thread.count('naïve café 🙂 日本語')).toBeGreaterThan(4);
  });
});

describe('estimateTextTokens', () => {
  beforeAll(() => warmTokenizer());

  it('counts o200k_base tokens', () => {
    expect(estimateTextTokens('')).toBe(0);
    expect(estimateTextTokens('hello world')).toBe(2);
    expect(estimateTextTokens('The quick brown fox jumps over the lazy dog.')).toBe(10);
  });

  it('counts special-token text as text instead of throwing', () => {
    expect(estimateTextTokens('a <|endoftext|> b')).toBeGreaterThan(3);
  });

  it('scales a sample for very long text, staying close to the exact count', () => {
    const sentence = 'The quick brown fox jumps over the lazy dog. ';
    const long = sentence.repeat(12_000); // 540k characters, over the exact limit
    const estimate = estimateTextTokens(long);
    const exact = 10 * 12_000;
    expect(Math.abs(estimate - exact) / exact).toBeLessThan(0.01);
  });
});

describe('content parts', () => {
  const parts = [
    { type: 'text', text: 'look' },
    { type: 'image_url', image_url: { url: `data:image/png;base64,${'A'.repeat(100_000)}` } },
    { type: 'tool_use', id: 't', name: 'f', input: { a: 1 } },
    { type: 'tool_result', tool_use_id: 't', content: [{ type: 'text', text: 'done' }, { type: 'image', source: { type: 'url', url: 'https://x/y.png' } }] },
    { type: 'document', source: { type: 'url', url: 'https://x/y.pdf' } },
  ];

  it('takes text from strings and parts, and counts images and documents without reading them', () => {
    const into = collectRequestText('messages', { messages: [{ role: 'user', content: parts }] });
    expect(into.parts).toEqual(['look', 'f', '{"a":1}', 'done']);
    expect(into).toMatchObject({ images: 2, documents: 1, messages: 1 });
  });

  it('countMedia finds the same media in every surface, nested tool results and function outputs included', () => {
    expect(countMedia('messages', { messages: [{ role: 'user', content: parts }] })).toMatchObject({ images: 2, documents: 1 });
    expect(
      countMedia('chat', {
        messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x/a.png' } }, { type: 'file', file: { file_id: 'f' } }] }],
      }),
    ).toMatchObject({ images: 1, documents: 1 });
    expect(
      countMedia('responses', {
        input: [
          { role: 'user', content: [{ type: 'input_image', image_url: 'https://x/a.png' }, { type: 'input_file', file_url: 'https://x/b.pdf' }] },
          { type: 'function_call_output', call_id: 'c', output: [{ type: 'input_image', image_url: 'https://x/c.png' }] },
          { type: 'computer_call_output', call_id: 'd', output: { type: 'computer_screenshot', image_url: 'https://x/d.png' } },
        ],
      }),
    ).toMatchObject({ images: 3, documents: 1 });
    expect(countMedia('chat', { messages: [{ role: 'user', content: 'plain' }] })).toMatchObject({ images: 0, documents: 0 });
    expect(countMedia('embeddings', { input: 'x' })).toMatchObject({ images: 0, documents: 0 });
  });
});

describe('collectRequestText', () => {
  it('reads chat messages, tool calls and tools', () => {
    const tools = [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }];
    const c = collectRequestText('chat', {
      messages: [
        { role: 'system', content: 'sys' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{"x":2}' } }] },
      ],
      tools,
    });
    expect(c.parts).toEqual(['sys', 'f', '{"x":2}', JSON.stringify(tools)]);
    expect(c.messages).toBe(2);
  });

  it('reads Anthropic system and Responses instructions and input items', () => {
    expect(collectRequestText('messages', { system: [{ type: 'text', text: 'S' }], messages: [{ role: 'user', content: 'U' }] }).parts).toEqual([
      'S',
      'U',
    ]);
    const r = collectRequestText('responses', {
      instructions: 'I',
      input: [
        { role: 'user', content: [{ type: 'input_text', text: 'Q' }] },
        { type: 'function_call', name: 'g', arguments: '{}', call_id: 'c' },
        { type: 'function_call_output', call_id: 'c', output: 'R' },
      ],
    });
    expect(r.parts).toEqual(['I', 'Q', 'g', '{}', 'R']);
    expect(r.messages).toBe(3);
    expect(collectRequestText('responses', { input: 'just text' }).parts).toEqual(['just text']);
  });
});

describe('estimateRequestInputTokens', () => {
  it('adds per-message overhead and reply priming to the text count', () => {
    const body = { model: 'm', messages: [{ role: 'user', content: 'hello world' }, { role: 'assistant', content: 'hello world' }] };
    // "hello world\nhello world" = 5 tokens, + 2 × 3 per message + 3 priming
    expect(estimateRequestInputTokens('chat', body)).toBe(14);
  });

  it('charges a flat amount per image rather than its base64 size', () => {
    const body = {
      messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: `data:image/png;base64,${'QUJD'.repeat(50_000)}` } }] }],
    };
    expect(estimateRequestInputTokens('chat', body)).toBe(765 + 3 + 3);
  });
});
