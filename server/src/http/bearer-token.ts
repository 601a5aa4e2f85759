/** The token of an `Authorization: Bearer <token>` header, or undefined when malformed. */
export function bearerToken(header: string): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m?.[1];
}
