import type { ReactNode } from 'react';
import { useQuery } from 'urql';
import { graphql } from '../gql';
import type { Role, ViewerQuery as ViewerData } from '../gql/graphql';

/** The signed-in member (null for an API key), read from the API so the UI follows role changes. */
export const ViewerQuery = graphql(`
  query Viewer {
    viewer {
      id
      email
      name
      role
    }
  }
`);

const VIEWER_CONTEXT = { additionalTypenames: ['Member'] };
const RANK: Record<Role, number> = { VIEWER: 0, DEVELOPER: 1, ADMIN: 2, OWNER: 3 };

export function roleAtLeast(role: Role | null | undefined, minimum: Role): boolean {
  return role != null && RANK[role] >= RANK[minimum];
}

/**
 * `can('ADMIN')` is true once the viewer is known to hold that role or higher. While loading it
 * is false, so a button the member may not use is never shown (the server refuses it anyway).
 */
export function useRole(): { role: Role | null; memberId: string | null; can: (minimum: Role) => boolean } {
  const { viewer } = useViewer();
  return { role: viewer?.role ?? null, memberId: viewer?.id ?? null, can: (minimum) => roleAtLeast(viewer?.role, minimum) };
}

/** The signed-in member (null when signed in with an API key, or while loading: see `fetching`). */
export function useViewer(): { viewer: ViewerData['viewer']; fetching: boolean } {
  const [result] = useQuery({ query: ViewerQuery, context: VIEWER_CONTEXT });
  return { viewer: result.data?.viewer ?? null, fetching: result.fetching };
}

/** Renders its children only for members holding `min` or a higher role. */
export function RequireRole({ min, children }: { min: Role; children: ReactNode }) {
  return useRole().can(min) ? children : null;
}
