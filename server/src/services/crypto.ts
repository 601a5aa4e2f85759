import { createCipheriv, createDecipheriv, createHash, hash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number, options: object) => Promise<Buffer>;

/** Token prefixes make leaked tokens recognisable (secret scanners, logs) and tell kinds apart. */
export const TOKEN_PREFIX = { accessKey: 'ng-', apiKey: 'ngadm-', session: 'ngsess-', invitation: 'nginv-' } as const;

/** 256 random bits, base64url, behind a recognisable prefix. */
export function generateToken(prefix: string): string {
  return prefix + randomBytes(32).toString('base64url');
}

/** Tokens are high-entropy, so a fast unsalted hash is the right lookup key (no brute force possible). */
export function hashToken(token: string): string {
  // One-shot hash (Node >= 20.12): about half the cost of a Hash object, on every /v1 request.
  return hash('sha256', token, 'hex');
}

/**
 * First few and last 4 characters; enough to recognise, useless to use. Never more than a quarter
 * of the characters in all: a short value shows only its end ("…45"), and under 8 characters
 * nothing ("…"). A prefix shorter than 3 characters says nothing, so it is left out.
 */
export function redactSecret(secret: string): string {
  const budget = Math.floor(secret.length / 4);
  if (budget < 2) return '…';
  const tail = Math.min(4, budget);
  const head = Math.min(8, Math.max(3, Math.floor(secret.length / 6)), budget - tail);
  return `${head >= 3 ? secret.slice(0, head) : ''}…${secret.slice(-tail)}`;
}

const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 64 };

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password.normalize('NFKC'), salt, SCRYPT.keylen, {
    N: SCRYPT.N,
    r: SCRYPT.r,
    p: SCRYPT.p,
    maxmem: 64 * 1024 * 1024,
  });
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

/** Constant-time compare; a malformed stored hash simply fails. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, r, p, saltB64, hashB64] = parts;
  const expected = Buffer.from(hashB64, 'base64url');
  const actual = await scryptAsync(password.normalize('NFKC'), Buffer.from(saltB64, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: 64 * 1024 * 1024,
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A password hash to compare against when the account does not exist, so timing does not reveal it. */
export const DUMMY_PASSWORD_HASH =
  'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$' + Buffer.alloc(64).toString('base64url');

export class DecryptionError extends Error {
  constructor() {
    super('Stored secret could not be decrypted (wrong master key or tampered ciphertext).');
  }
}

function keyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

/**
 * AES-256-GCM with associated data binding a ciphertext to its row (account id + key id), so a
 * ciphertext copied to another row fails to decrypt. Several master keys may be loaded for rotation:
 * the first encrypts, any decrypts (chosen by the key id embedded in the ciphertext).
 */
export class SecretBox {
  private readonly current: { id: string; key: Buffer };
  private readonly byId = new Map<string, Buffer>();

  constructor(masterKeysBase64: string[]) {
    if (masterKeysBase64.length === 0) throw new Error('SecretBox needs at least one master key.');
    for (const b64 of masterKeysBase64) {
      const key = Buffer.from(b64, 'base64');
      if (key.length !== 32) throw new Error('Master keys must be 32 bytes.');
      this.byId.set(keyId(key), key);
    }
    const first = Buffer.from(masterKeysBase64[0], 'base64');
    this.current = { id: keyId(first), key: first };
  }

  get currentKeyId(): string {
    return this.current.id;
  }

  encrypt(plaintext: string, associatedData: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return ['v1', this.current.id, iv.toString('base64url'), tag.toString('base64url'), ct.toString('base64url')].join('.');
  }

  decrypt(sealed: string, associatedData: string): string {
    const parts = sealed.split('.');
    if (parts.length !== 5 || parts[0] !== 'v1') throw new DecryptionError();
    const key = this.byId.get(parts[1]);
    if (!key) throw new DecryptionError();
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(parts[2], 'base64url'));
      decipher.setAAD(Buffer.from(associatedData, 'utf8'));
      decipher.setAuthTag(Buffer.from(parts[3], 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(parts[4], 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new DecryptionError();
    }
  }

  /** True when the ciphertext was sealed with an older master key and should be re-encrypted. */
  needsRotation(sealed: string): boolean {
    return sealed.split('.')[1] !== this.current.id;
  }
}

export function providerKeyAad(accountId: string, providerKeyId: string): string {
  return `provider-key:${accountId}:${providerKeyId}`;
}
