/**
 * The single base of every error the gateway raises on purpose. `code` is the
 * contract's error code; `expose` says whether `message` is safe to send to a caller.
 */
export interface AppErrorOptions {
  expose?: boolean;
  details?: Record<string, string>;
  cause?: unknown;
  headers?: Record<string, string>;
}

export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly expose: boolean;
  readonly details: Record<string, string>;
  /** Extra response headers (e.g. retry-after) for the HTTP edge. */
  readonly headers: Record<string, string>;

  constructor(code: string, status: number, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = status;
    this.expose = options.expose ?? true;
    this.details = options.details ?? {};
    this.headers = options.headers ?? {};
  }
}
