import type { Actor } from './audit.js';
import type { Role } from './roles.js';

/** Who calls the admin API: a member's session, or an API key acting with its (capped) role. */
export interface Caller {
  accountId: string;
  via: 'session' | 'apiKey';
  /** Session or API key id, e.g. to end the current session. */
  credentialId: string;
  /** The signed-in member, or the API key's creator. */
  memberId: string;
  /** Read on every request, so role changes and removals apply at once. */
  role: Role;
  /** Member email or API key name, for the audit log. */
  name: string;
}

export function actorOfCaller(caller: Caller, ip: string | null): Actor {
  return {
    accountId: caller.accountId,
    type: caller.via === 'session' ? 'member' : 'apiKey',
    id: caller.via === 'session' ? caller.memberId : caller.credentialId,
    name: caller.name,
    ip,
  };
}
