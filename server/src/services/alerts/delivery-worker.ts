import type { Logger } from 'pino';
import { sqlOf, type SqlPool } from '../../db/pool.js';
import type { UpstreamClient } from '../../gateway/upstream.js';
import type { SecretBox } from '../crypto.js';
import { ALERT_EVENT_TYPES } from './alert-events.js';
import { alertSecretAad } from './alert-settings.js';
import { DEFAULT_RETRY_POLICY, retryDelayMs, type RetryPolicy } from './backoff.js';
import { claimDueDeliveries, pruneSettledDeliveries, recordAttempt, type AttemptOutcome, type ClaimedDelivery } from './delivery-store.js';
import { SIGNATURE_HEADER, signatureHeader } from './webhook-signature.js';

export interface DeliveryWorkerOptions {
  sql: SqlPool;
  secretBox: SecretBox;
  /** Sends through the guarded agent: webhook URLs are customer-provided, so the egress guard (SSRF rules of custom providers) applies. */
  upstream: Pick<UpstreamClient, 'send' | 'readBody'>;
  logger: Logger;
  now?: () => number;
  retry?: Partial<RetryPolicy>;
  /** Whole attempt (connect, headers, body). */
  timeoutMs?: number;
  /** How often due deliveries are looked for (retries, and claims lost with another instance); new alerts wake the worker at once. */
  pollMs?: number;
  /** Deliveries claimed (and sent concurrently) per round. */
  batchSize?: number;
  random?: () => number;
}

interface Endpoint {
  enabled: boolean;
  webhook_url: string | null;
  encrypted_secret: string | null;
}

/** What the receiver's answer may hold that we keep: nothing but its status; the body is read (bounded) and dropped. */
const MAX_RESPONSE_BYTES = 64 * 1024;
/** The delivery log keeps settled deliveries this long. */
const RETENTION_MS = 30 * 86_400_000;
const PRUNE_EVERY_MS = 3_600_000;

/**
 * Sends queued alerts (alert_delivery) to the organization's webhook, signed, with retries and
 * exponential backoff with jitter. Any instance may run it: a delivery is claimed by one
 * instance per attempt (delivery-store.ts), and its outcome is recorded only by that claim.
 * Delivery is at least once (an instance lost after sending but before recording retries after
 * the claim's lease), so the event `id` lets receivers drop a repeat, as with Stripe.
 */
export class AlertDeliveryWorker {
  private readonly now: () => number;
  private readonly retry: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly batchSize: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private again = false;
  private stopped = false;
  private lastPruneAt = 0;

  constructor(private readonly options: DeliveryWorkerOptions) {
    this.now = options.now ?? Date.now;
    this.retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.batchSize = options.batchSize ?? 10;
  }

  start(): void {
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => this.kick(), this.options.pollMs ?? 5_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  /** Look for due deliveries now (new alerts were queued); a round already running goes once more. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    void this.runOnce().catch((err: unknown) => this.options.logger.error({ err }, 'alert webhook delivery round failed'));
  }

  /** One round: claims due deliveries and attempts each once. Resolves with how many were attempted. Exposed for tests. */
  runOnce(): Promise<number> {
    if (this.running) return this.running;
    this.running = this.round().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
    return this.running;
  }

  private async round(): Promise<number> {
    const now = this.now();
    // The lease outlasts the attempt's timeout, so a live instance always records before anyone re-claims.
    if (now - this.lastPruneAt >= PRUNE_EVERY_MS) {
      this.lastPruneAt = now;
      await pruneSettledDeliveries(sqlOf(this.options.sql), now - RETENTION_MS);
    }
    const claims = await claimDueDeliveries(sqlOf(this.options.sql), now, now + this.timeoutMs + 30_000, this.batchSize);
    await Promise.all(claims.map((c) => this.attempt(c)));
    return claims.length;
  }

  private async attempt(claim: ClaimedDelivery): Promise<void> {
    const sql = sqlOf(this.options.sql);
    let outcome: AttemptOutcome;
    try {
      const [endpoint] = await sql.query<Endpoint>(
        `select "enabled", "webhook_url", "encrypted_secret" from "alert_settings" where "account_id" = $1`,
        [claim.accountId],
      );
      const usable = endpoint?.webhook_url && endpoint.encrypted_secret && (endpoint.enabled || claim.eventType === ALERT_EVENT_TYPES.test);
      if (!endpoint || !usable) {
        outcome = { status: 'failed', responseStatus: null, error: 'alert webhook is disabled or has no URL or secret', nextAttemptAt: null };
      } else {
        const secret = this.options.secretBox.decrypt(endpoint.encrypted_secret!, alertSecretAad(claim.accountId));
        outcome = this.outcomeOf(claim, await this.send(endpoint.webhook_url!, secret, claim));
      }
    } catch (err) {
      outcome = this.outcomeOf(claim, { status: null, error: describeError(err) });
    }
    const recorded = await recordAttempt(sql, claim, outcome, this.now());
    const log = { delivery: claim.id, type: claim.eventType, attempt: claim.attempt, status: outcome.status, responseStatus: outcome.responseStatus };
    if (!recorded) this.options.logger.warn(log, 'alert webhook attempt outcome not recorded: the claim was taken over');
    else if (outcome.status === 'succeeded') this.options.logger.info(log, 'alert webhook delivered');
    else this.options.logger.warn({ ...log, error: outcome.error }, 'alert webhook attempt failed');
  }

  private outcomeOf(claim: ClaimedDelivery, result: { status: number | null; error: string | null }): AttemptOutcome {
    if (result.status !== null && result.status >= 200 && result.status < 300) {
      return { status: 'succeeded', responseStatus: result.status, error: null, nextAttemptAt: null };
    }
    const error = result.error ?? `receiver answered ${result.status}`;
    if (claim.attempt >= this.retry.maxAttempts) return { status: 'failed', responseStatus: result.status, error, nextAttemptAt: null };
    const next = this.now() + retryDelayMs(claim.attempt, this.retry, this.options.random);
    return { status: 'pending', responseStatus: result.status, error, nextAttemptAt: next };
  }

  /** One signed POST; redirects are not followed (undici's agent), so a 3xx is a failed attempt. */
  private async send(url: string, secret: string, claim: ClaimedDelivery): Promise<{ status: number | null; error: string | null }> {
    const signal = AbortSignal.timeout(this.timeoutMs);
    const res = await this.options.upstream.send({
      url,
      method: 'POST',
      egress: 'guarded',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'ai-gateway-webhooks/1',
        [SIGNATURE_HEADER]: signatureHeader(secret, claim.body, Math.floor(this.now() / 1000)),
        'x-gateway-event': claim.eventType,
        'x-gateway-delivery': claim.id,
      },
      body: claim.body,
      signal,
      headersTimeoutMs: this.timeoutMs,
      bodyTimeoutMs: this.timeoutMs,
    });
    try {
      await this.options.upstream.readBody(res, MAX_RESPONSE_BYTES);
    } catch {
      // The answer's body does not matter; its status does.
    }
    return { status: res.status, error: null };
  }
}

/** A failed attempt in the delivery log: the error's code and message (egress refusals name no resolved address), never headers or the secret. */
function describeError(err: unknown): string {
  const e = err as { code?: unknown; name?: unknown; message?: unknown } | undefined;
  const code = typeof e?.code === 'string' ? e.code : typeof e?.name === 'string' ? e.name : 'Error';
  const message = typeof e?.message === 'string' ? e.message : String(err);
  return `${code}: ${message}`.slice(0, 500);
}
