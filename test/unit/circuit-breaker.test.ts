import { describe, expect, it } from 'vitest';
import { CircuitBreakers, RetryBudget } from '../../server/src/gateway/circuit-breaker.js';

describe('CircuitBreakers', () => {
  const make = () => {
    let t = 1_000;
    const b = new CircuitBreakers({ failureThreshold: 3, openMs: 10_000, maxOpenMs: 60_000, now: () => t });
    return { b, advance: (ms: number) => (t += ms) };
  };

  it('opens after consecutive failures and skips the key until the cool-down ends', () => {
    const { b, advance } = make();
    for (let i = 0; i < 2; i++) b.failure('k', 'transient');
    expect(b.allows('k')).toBe(true);
    b.failure('k', 'rate_limit');
    expect(b.allows('k')).toBe(false);
    advance(9_999);
    expect(b.allows('k')).toBe(false);
    advance(2);
    expect(b.allows('k')).toBe(true); // half-open trial
    expect(b.allows('k')).toBe(false); // only one trial at a time
  });

  it('closes after a successful trial and reopens after a failed one', () => {
    const { b, advance } = make();
    for (let i = 0; i < 3; i++) b.failure('k', 'credential');
    advance(10_001);
    expect(b.allows('k')).toBe(true);
    b.failure('k', 'transient');
    expect(b.allows('k')).toBe(false);
    advance(10_001);
    expect(b.allows('k')).toBe(true);
    b.success('k');
    expect(b.allows('k')).toBe(true);
    expect(b.isOpen('k')).toBe(false);
  });

  it('honours Retry-After up to the cap, and ignores caller faults', () => {
    const { b, advance } = make();
    for (let i = 0; i < 5; i++) b.failure('k', 'caller_fault');
    expect(b.allows('k')).toBe(true);
    for (let i = 0; i < 3; i++) b.failure('k', 'rate_limit', 30);
    advance(20_000);
    expect(b.allows('k')).toBe(false);
    advance(10_001);
    expect(b.allows('k')).toBe(true);
    const other = make();
    for (let i = 0; i < 3; i++) other.b.failure('x', 'rate_limit', 3600);
    other.advance(60_001);
    expect(other.b.allows('x')).toBe(true);
  });

  it('keeps separate circuits per key', () => {
    const { b } = make();
    for (let i = 0; i < 3; i++) b.failure('a', 'transient');
    expect(b.allows('a')).toBe(false);
    expect(b.allows('b')).toBe(true);
  });
});

describe('RetryBudget', () => {
  it('allows retries in proportion to requests once the initial allowance is spent', () => {
    const budget = new RetryBudget(0.2, 2);
    expect(budget.tryRetry()).toBe(true);
    expect(budget.tryRetry()).toBe(true);
    expect(budget.tryRetry()).toBe(false);
    for (let i = 0; i < 4; i++) budget.onRequest();
    expect(budget.tryRetry()).toBe(false);
    budget.onRequest();
    expect(budget.tryRetry()).toBe(true);
    for (let i = 0; i < 100; i++) budget.onRequest();
    expect(budget.available).toBe(2);
  });
});
