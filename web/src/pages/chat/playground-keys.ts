/**
 * Access-key tokens the chat playground may use, kept in sessionStorage: this tab only, gone when it
 * closes. Why not a server route that runs /v1 on the member's session with a chosen key's context?
 * Tokens are shown once and only their hash is stored, so the server cannot act "as" a key without
 * holding a way around that rule; and a second entrance to /v1 would be a second thing to keep
 * equal to the first. With the token in the tab, the playground is an ordinary /v1 client: the same
 * authentication, limits, routing, billing and usage events as any SDK.
 */
export interface PlaygroundKey {
  /** The access key's id when known (created here), else null for a pasted token. */
  id: string | null;
  name: string;
  token: string;
  /** When the key stops working (keys created here expire after 24 hours); absent when unknown. */
  expiresAt?: string | null;
}

const STORAGE_KEY = 'ai-gateway.playground-keys';

export function readPlaygroundKeys(): PlaygroundKey[] {
  try {
    const parsed = JSON.parse(window.sessionStorage.getItem(STORAGE_KEY) ?? '[]') as unknown;
    return Array.isArray(parsed) ? (parsed as PlaygroundKey[]).filter((k) => typeof k?.token === 'string' && typeof k?.name === 'string') : [];
  } catch {
    return [];
  }
}

export function savePlaygroundKey(key: PlaygroundKey): PlaygroundKey[] {
  const keys = [...readPlaygroundKeys().filter((k) => k.token !== key.token), key];
  window.sessionStorage.setItem(STORAGE_KEY, JSON.stringify(keys));
  return keys;
}

export function forgetPlaygroundKey(token: string): PlaygroundKey[] {
  const keys = readPlaygroundKeys().filter((k) => k.token !== token);
  window.sessionStorage.setItem(STORAGE_KEY, JSON.stringify(keys));
  return keys;
}

/** "ng-…a41f": enough to tell keys apart on screen without showing the token. */
export function redactToken(token: string): string {
  return `${token.slice(0, 3)}…${token.slice(-4)}`;
}
