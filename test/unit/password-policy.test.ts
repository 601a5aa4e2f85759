import { describe, expect, it, vi } from 'vitest';

// Counts how often the dictionaries are indexed (the costly step the idle drop trades against memory).
const built = vi.hoisted(() => ({ count: 0 }));
vi.mock('@zxcvbn-ts/core', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@zxcvbn-ts/core')>();
  class CountingFactory extends actual.ZxcvbnFactory {
    constructor(...args: ConstructorParameters<typeof actual.ZxcvbnFactory>) {
      super(...args);
      built.count++;
    }
  }
  return { ...actual, ZxcvbnFactory: CountingFactory };
});

const { isGuessablePassword } = await import('../../server/src/services/password-policy.js');

// Fake from the start: the module's idle timer is created on first use.
vi.useFakeTimers();

describe('password policy', () => {
  it('refuses common and guessable passwords, accepts unrelated words', () => {
    expect(isGuessablePassword('password')).toBe(true);
    expect(isGuessablePassword('12345678')).toBe(true);
    expect(isGuessablePassword('qwertyuiop')).toBe(true);
    expect(isGuessablePassword('violet-tractor-oyster-91')).toBe(false);
  });

  it('keeps the indexed dictionaries while in use and lets them go when idle', () => {
    isGuessablePassword('password'); // built here, or kept from the test above
    const before = built.count;
    vi.advanceTimersByTime(30_000);
    expect(isGuessablePassword('password')).toBe(true);
    vi.advanceTimersByTime(30_000);
    expect(isGuessablePassword('correct-horse-battery-staple-7')).toBe(false);
    expect(built.count).toBe(before); // each use restarts the idle minute
    vi.advanceTimersByTime(60_001);
    expect(isGuessablePassword('password')).toBe(true);
    expect(built.count).toBe(before + 1);
  });
});
