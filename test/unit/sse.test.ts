import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SseParser, serializeSse, type SseEvent } from '../../server/src/gateway/sse.js';

const fixture = (path: string): string => readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8');

function parseAll(chunks: Array<string | Uint8Array>): SseEvent[] {
  const parser = new SseParser();
  const events: SseEvent[] = [];
  for (const c of chunks) events.push(...parser.push(c));
  events.push(...parser.flush());
  return events;
}

describe('SseParser', () => {
  it('parses a recorded OpenAI chat stream into one event per data frame, [DONE] included', () => {
    const events = parseAll([fixture('chat/stream-usage.sse')]);
    expect(events).toHaveLength(7);
    expect(events[0].event).toBeUndefined();
    expect(JSON.parse(events[1].data).choices[0].delta.content).toBe('Hello');
    expect(events[6]).toEqual({ data: '[DONE]' });
  });

  it('keeps event names of a recorded Anthropic stream', () => {
    const events = parseAll([fixture('messages/stream-tool-use.sse')]);
    expect(events.map((e) => e.event)).toEqual([
      'message_start',
      'ping',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
  });

  it('accepts CRLF and lone CR line endings', () => {
    expect(parseAll(['event: a\r\ndata: 1\r\n\r\ndata: 2\r\rdata: 3\n\n'])).toEqual([
      { event: 'a', data: '1' },
      { data: '2' },
      { data: '3' },
    ]);
  });

  it('does not end an event early when CRLF is split across chunks', () => {
    expect(parseAll(['data: a\r', '\ndata: b\r', '\n\r', '\n'])).toEqual([{ data: 'a\nb' }]);
  });

  it('ignores comment lines and joins multi-line data with \\n', () => {
    expect(parseAll([': keep-alive\n\n:another\ndata: line one\ndata:line two\ndata\n\n'])).toEqual([
      { data: 'line one\nline two\n' },
    ]);
  });

  it('reads data lines cut straight from the chunk exactly as other fields (LF-only lines)', () => {
    // "dataX" is another field; "data" without a colon and "data:" with nothing after it add empty lines.
    expect(parseAll(['data:x\ndataX: y\ndata\ndata:\nevent: e\n\n'])).toEqual([{ event: 'e', data: 'x\n\n' }]);
    expect(parseAll(['dat', 'a: one\n', 'data: two\n', '\n'])).toEqual([{ data: 'one\ntwo' }]);
  });

  it('appends to the array it is given', () => {
    const parser = new SseParser();
    const out: SseEvent[] = [{ data: 'earlier' }];
    expect(parser.push('data: a\n\ndata: b', out)).toBe(out);
    expect(parser.flush(out)).toBe(out);
    expect(out).toEqual([{ data: 'earlier' }, { data: 'a' }, { data: 'b' }]);
  });

  it('strips exactly one space after the colon', () => {
    expect(parseAll(['data:  two spaces\n\n'])).toEqual([{ data: ' two spaces' }]);
  });

  it('does not dispatch an event that has no data line', () => {
    expect(parseAll(['event: ping\n\nid: 7\n\n'])).toEqual([]);
  });

  it('reports the id set inside the event and ignores retry and unknown fields', () => {
    expect(parseAll(['retry: 1000\nfoo: bar\nid: 42\ndata: x\n\n'])).toEqual([{ data: 'x', id: '42' }]);
  });

  it('decodes multi-byte UTF-8 split across chunks', () => {
    const bytes = new TextEncoder().encode('data: héllo €uro 🦄\n\n');
    const chunks = Array.from(bytes, (b) => Uint8Array.of(b));
    expect(parseAll(chunks)).toEqual([{ data: 'héllo €uro 🦄' }]);
  });

  it('emits a final event that lost its blank line on flush', () => {
    const parser = new SseParser();
    expect(parser.push('data: {"a":1}\n\ndata: [DONE]')).toEqual([{ data: '{"a":1}' }]);
    expect(parser.flush()).toEqual([{ data: '[DONE]' }]);
  });

  it('drops a UTF-8 byte-order mark at the start', () => {
    expect(parseAll([Uint8Array.of(0xef, 0xbb, 0xbf), 'data: x\n\n'])).toEqual([{ data: 'x' }]);
    expect(parseAll(['\ufeffdata: y\n\n'])).toEqual([{ data: 'y' }]);
  });

  it.each(['\r\n', '\n'])('yields the same events however the bytes are chunked (lines ending in %j)', (eol) => {
    const bytes = new TextEncoder().encode(fixture('messages/stream-tool-use.sse').replace(/\r?\n/g, eol) + `data: ünï${eol}${eol}`);
    const expected = parseAll([bytes]);
    expect(expected).toHaveLength(14);
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 40 }), (cuts) => {
        const sorted = [...cuts].sort((a, b) => a - b);
        const chunks: Uint8Array[] = [];
        let prev = 0;
        for (const cut of [...sorted, bytes.length]) {
          chunks.push(bytes.subarray(prev, cut));
          prev = cut;
        }
        expect(parseAll(chunks)).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });
});

describe('serializeSse', () => {
  it('writes event, id and data lines ending in a blank line', () => {
    expect(serializeSse({ event: 'message_stop', data: '{"type":"message_stop"}' })).toBe(
      'event: message_stop\ndata: {"type":"message_stop"}\n\n',
    );
    expect(serializeSse({ data: '[DONE]', id: '9' })).toBe('id: 9\ndata: [DONE]\n\n');
  });

  it('splits multi-line data into several data lines', () => {
    expect(serializeSse({ data: 'a\nb\r\nc' })).toBe('data: a\ndata: b\ndata: c\n\n');
  });

  it('round-trips through the parser', () => {
    fc.assert(
      fc.property(
        fc.record({ event: fc.option(fc.stringMatching(/^[a-z_.]{1,20}$/), { nil: undefined }), data: fc.string() }),
        ({ event, data }) => {
          const ev: SseEvent = event === undefined ? { data } : { event, data };
          const normalized = data.replace(/\r\n|\r/g, '\n');
          expect(parseAll([serializeSse(ev)])).toEqual([{ ...ev, data: normalized }]);
        },
      ),
    );
  });
});
