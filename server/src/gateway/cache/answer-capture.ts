/**
 * Collects the bytes sent to the client for the cache, up to a limit. Created only for requests
 * whose configuration caches, so the relay pays nothing otherwise; chunks are kept by reference
 * (undici hands out fresh buffers) and joined once at the end.
 */
export class AnswerCapture {
  private parts: Buffer[] = [];
  private bytes = 0;
  private overflowed = false;

  constructor(private readonly maxBytes: number) {}

  append(data: Uint8Array | string): void {
    if (this.overflowed) return;
    const b = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    this.bytes += b.length;
    if (this.bytes > this.maxBytes) {
      this.overflowed = true;
      this.parts = [];
      return;
    }
    this.parts.push(b);
  }

  /** The whole answer, or undefined when it outgrew the limit. */
  result(): Buffer | undefined {
    return this.overflowed ? undefined : Buffer.concat(this.parts, this.bytes);
  }
}
