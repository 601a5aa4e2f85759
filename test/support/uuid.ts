/** A UUID version 7 (RFC 9562), as the gateway makes request and usage event ids (timeOrderedUuid). */
export const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The Unix time in milliseconds a UUID v7 carries in its first 48 bits. */
export const msOfUuidV7 = (id: string): number => Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
