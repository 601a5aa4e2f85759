import type { Surface } from '../../catalog/types.js';
import { policyViolationMessage } from '../../errors/policy-violation-error.js';
import { SseParser, serializeSse } from '../sse.js';
import { streamErrorFrame } from '../translate/error-body.js';
import type { AnswerGuard, ClientEvent } from './answer-guard.js';

/**
 * What the relay writes, filtered on its way to the client (only for requests whose policies look
 * at answers): the client-format SSE text is split into events; an event that may carry a
 * placeholder or a tool call (or comes while text is held back) is parsed, goes through the
 * answer guard and is re-serialised, every other one is relayed as it came. A blocked tool call ends the stream with one error
 * event in the client's format instead of the call.
 */
export interface StreamOutputFilter {
  filter(chunk: Uint8Array | string): { text: string; stopped: boolean };
  /** Held text, at the end of a stream that was not stopped. */
  end(): string;
}

export class FirewallStreamFilter implements StreamOutputFilter {
  private readonly parser = new SseParser();
  private stopped = false;

  constructor(
    private readonly surface: Surface,
    private readonly guard: AnswerGuard,
  ) {}

  filter(chunk: Uint8Array | string): { text: string; stopped: boolean } {
    if (this.stopped) return { text: '', stopped: true };
    let text = '';
    for (const ev of this.parser.push(chunk)) {
      if (!this.guard.mustInspect(ev.data)) {
        text += serializeSse(ev);
        continue;
      }
      let data: unknown;
      try {
        data = ev.data === '[DONE]' ? undefined : JSON.parse(ev.data);
      } catch {
        data = undefined;
      }
      if (typeof data !== 'object' || data === null || Array.isArray(data)) {
        // `[DONE]` and the like: held text goes out before them.
        text += this.serialize(this.guard.end()) + serializeSse(ev);
        continue;
      }
      const out = this.guard.guardEvent({ event: ev.event, data: data as ClientEvent['data'] });
      if ('block' in out) {
        this.stopped = true;
        return { text: text + streamErrorFrame(this.surface, 'policy_violation', `policy_violation: ${policyViolationMessage(out.block)}`, 403), stopped: true };
      }
      text += this.serialize(out.events);
    }
    return { text, stopped: false };
  }

  end(): string {
    if (this.stopped) return '';
    let text = '';
    text += this.serialize(this.guard.end());
    for (const ev of this.parser.flush()) text += serializeSse(ev);
    return text;
  }

  private serialize(events: ClientEvent[]): string {
    let text = '';
    for (const e of events) text += serializeSse({ event: e.event, data: JSON.stringify(e.data) });
    return text;
  }
}
