import { RateLimiter } from './rate-limiter.js';
import type { CounterStore } from './rate-limits/counter-store.js';

export interface InvitationLimits {
  /** Invitations one organization may issue per hour. */
  perOrganizationPerHour: number;
  /** Invitations one e-mail address may receive per day, from any organization. */
  perAddressPerDay: number;
}

/**
 * Bounds `inviteMember`, which can send e-mail through the operator's SMTP account and answers
 * whether an address already has a login: so many invitations per organization per hour (against
 * a mail relay and an enumeration oracle), so many per recipient address per day from any
 * organization (against mail-bombing one address by re-inviting it or from several sign-ups).
 * Every attempt that passes validation and the role check counts, also one answered CONFLICT.
 * Counted in the shared counter store, so all instances add up; a store error rejects (fails
 * closed, see counter-store.ts).
 */
export class InvitationThrottle {
  private readonly perOrganization: RateLimiter;
  private readonly perAddress: RateLimiter;

  constructor(counters: CounterStore, limits: InvitationLimits) {
    this.perOrganization = new RateLimiter(counters, 'invite-org', limits.perOrganizationPerHour, 60 * 60, 'invitations from this organization');
    this.perAddress = new RateLimiter(counters, 'invite-email', limits.perAddressPerDay, 24 * 60 * 60, 'invitations to this e-mail address');
  }

  /** Counts one invitation; throws `RATE_LIMITED` (with retry-after) past either limit. */
  async consume(accountId: string, email: string): Promise<void> {
    await this.perOrganization.consume(accountId);
    await this.perAddress.consume(email);
  }
}
