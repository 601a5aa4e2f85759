import { registerEnumType } from 'type-graphql';
import type { Role as RoleName } from '../../services/roles.js';

/** GraphQL `Role`: the same names as services/roles.ts. */
export const Role: { [K in RoleName]: K } = { OWNER: 'OWNER', ADMIN: 'ADMIN', DEVELOPER: 'DEVELOPER', VIEWER: 'VIEWER' };

registerEnumType(Role, {
  name: 'Role',
  description: 'OWNER: everything. ADMIN: everything but changing or removing an OWNER. DEVELOPER: reads (not the audit log) and manages access keys. VIEWER: reads keys, configurations, providers, usage and credits.',
});
