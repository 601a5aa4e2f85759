import { createContext, useContext, type ReactNode } from 'react';

/**
 * Role-aware UI in one place: pages ask `useCan('manageProviders')` instead of comparing roles, so the
 * table below is the only thing that knows which role may do what (it mirrors the server's
 * authorization table; the server stays the one that enforces it). Until the signed-in member's role is
 * known (or for an API that has no roles), everything is shown and the server answers FORBIDDEN.
 */
export type Role = 'OWNER' | 'ADMIN' | 'DEVELOPER' | 'VIEWER';

const RANK: Record<Role, number> = { VIEWER: 0, DEVELOPER: 1, ADMIN: 2, OWNER: 3 };

export const MINIMUM_ROLE = {
  manageAccessKeys: 'DEVELOPER',
  manageConfigurations: 'ADMIN',
  manageProviderKeys: 'ADMIN',
  manageProviders: 'ADMIN',
  buyCredits: 'ADMIN',
  manageSettings: 'ADMIN',
  manageApiKeys: 'ADMIN',
  manageMembers: 'ADMIN',
  readAudit: 'ADMIN',
} as const satisfies Record<string, Role>;

export type Action = keyof typeof MINIMUM_ROLE;

const RoleContext = createContext<Role | null>(null);

/** Wrap the signed-in UI with the member's role (from `viewer { role }`). */
export function RoleProvider({ role, children }: { role: Role | null; children: ReactNode }) {
  return <RoleContext.Provider value={role}>{children}</RoleContext.Provider>;
}

export function can(role: Role | null, action: Action): boolean {
  return role === null || RANK[role] >= RANK[MINIMUM_ROLE[action]];
}

export function useCan(action: Action): boolean {
  return can(useContext(RoleContext), action);
}

/** Renders its children only when the signed-in member may do `action`. */
export function IfCan({ action, children }: { action: Action; children: ReactNode }) {
  return useCan(action) ? <>{children}</> : null;
}
