import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  SecretBox,
  TOKEN_PREFIX,
  generateToken,
  hashPassword,
  hashToken,
  providerKeyAad,
  redactSecret,
  verifyPassword,
} from '../../server/src/services/crypto.js';

const key = () => randomBytes(32).toString('base64');

describe('SecretBox', () => {
  it('round-trips and never contains the plaintext', () => {
    const box = new SecretBox([key()]);
    const sealed = box.encrypt('sk-live-secret-value', providerKeyAad('acc', 'k1'));
    expect(sealed).not.toContain('sk-live');
    expect(box.decrypt(sealed, providerKeyAad('acc', 'k1'))).toBe('sk-live-secret-value');
  });

  it('refuses a ciphertext moved to another row (associated data)', () => {
    const box = new SecretBox([key()]);
    const sealed = box.encrypt('sk-x', providerKeyAad('acc', 'k1'));
    expect(() => box.decrypt(sealed, providerKeyAad('acc', 'k2'))).toThrow(/could not be decrypted/);
    expect(() => box.decrypt(sealed, providerKeyAad('other', 'k1'))).toThrow();
  });

  it('detects tampering', () => {
    const box = new SecretBox([key()]);
    const parts = box.encrypt('sk-x', 'aad').split('.');
    parts[4] = Buffer.from('tampered').toString('base64url');
    expect(() => box.decrypt(parts.join('.'), 'aad')).toThrow();
  });

  it('decrypts with previous keys and reports what needs rotation', () => {
    const oldKey = key();
    const sealedOld = new SecretBox([oldKey]).encrypt('v', 'a');
    const rotated = new SecretBox([key(), oldKey]);
    expect(rotated.decrypt(sealedOld, 'a')).toBe('v');
    expect(rotated.needsRotation(sealedOld)).toBe(true);
    expect(rotated.needsRotation(rotated.encrypt('v', 'a'))).toBe(false);
  });

  it('rejects master keys that are not 32 bytes', () => {
    expect(() => new SecretBox([randomBytes(16).toString('base64')])).toThrow();
  });
});

describe('tokens', () => {
  it('carry 256 random bits behind a recognisable prefix', () => {
    const t = generateToken(TOKEN_PREFIX.accessKey);
    expect(t).toMatch(/^ng-[A-Za-z0-9_-]{43}$/);
    expect(generateToken(TOKEN_PREFIX.accessKey)).not.toBe(t);
    expect(hashToken(t)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('hash the whole token: known answer, and a change in the last character changes the hash (mutant M21)', () => {
    // sha256("ng-AAAAbbbbCCCCddddEEEEffffGGGGhhhhIIIIjjjjKKK"), computed independently with sha256sum.
    expect(hashToken('ng-AAAAbbbbCCCCddddEEEEffffGGGGhhhhIIIIjjjjKKK')).toBe(
      '1b10f00b3d7b5f203819dfa4e48bb8beba802b36c1a8993a93658f71a020cd69',
    );
    expect(hashToken('ng-AAAAbbbbCCCCddddEEEEffffGGGGhhhhIIIIjjjjKKL')).toBe(
      'beddfd8b3f8eb0ac6016d312ab34f62cc5f5e3e61c28080b331acc261f715dd7',
    );
  });

  it('redact to a recognisable but useless form', () => {
    const r = redactSecret('sk-proj-abcdefghijklmnopqrstuvwxyz1234');
    expect(r.endsWith('1234')).toBe(true);
    expect(r.length).toBeLessThan(16);
    expect(r).not.toContain('mnop');
  });
});

describe('passwords', () => {
  it('verify the right password only', async () => {
    const stored = await hashPassword('correct horse battery staple');
    expect(stored).not.toContain('correct');
    expect(await verifyPassword('correct horse battery staple', stored)).toBe(true);
    expect(await verifyPassword('wrong', stored)).toBe(false);
    expect(await verifyPassword('x', 'garbage')).toBe(false);
  });
});
