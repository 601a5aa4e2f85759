import { useMutation, useQuery } from 'urql';
import { Badge } from '../../components/badge';
import { Card } from '../../components/card';
import { ConfirmButton } from '../../components/confirm-button';
import { ACTIONS_COLUMN, DataTable, RelativeTimeCell } from '../../components/data-table';
import { QueryState } from '../../components/query-state';
import { graphql } from '../../gql';
import { signOut } from '../../lib/session';

const SessionsQuery = graphql(`
  query Sessions {
    sessions(first: 100) {
      nodes {
        id
        createdAt
        lastUsedAt
        ip
        userAgent
        current
      }
    }
  }
`);

const RevokeSessionMutation = graphql(`
  mutation RevokeSession($id: ID!) {
    revokeSession(id: $id)
  }
`);

const LogOutEverywhereMutation = graphql(`
  mutation LogOutEverywhere {
    logOutEverywhere
  }
`);

const TYPENAMES = { additionalTypenames: ['Session'] };

/** Your own sign-ins: where and when, with a way to end one or all of them. */
export function SessionsCard() {
  const [result, reexecute] = useQuery({ query: SessionsQuery, context: TYPENAMES });
  const [, revoke] = useMutation(RevokeSessionMutation);
  const [, logOutEverywhere] = useMutation(LogOutEverywhereMutation);
  return (
    <Card
      title="Your sessions"
      actions={
        <ConfirmButton
          label="Sign out everywhere"
          title="Sign out everywhere?"
          confirmLabel="Sign out everywhere"
          onConfirm={async () => {
            const outcome = await logOutEverywhere({}, TYPENAMES);
            if (!outcome.error) signOut();
            return outcome.error;
          }}
        >
          <p>Every session of yours ends, this one included. API keys keep working.</p>
        </ConfirmButton>
      }
    >
      <QueryState result={result} label="sessions" onRetry={() => reexecute({ requestPolicy: 'network-only' })}>
        {(data) => (
          <DataTable label="Your sessions" columns={['Device', 'IP', 'Signed in', 'Last used', ACTIONS_COLUMN]}>
            <tbody>
              {data.sessions.nodes.map((s) => (
                <tr key={s.id}>
                  <td className="cell-title">
                    <span title={s.userAgent ?? undefined}>{describeAgent(s.userAgent)}</span> {s.current ? <Badge tone="success">This session</Badge> : null}
                  </td>
                  <td>{s.ip ?? '—'}</td>
                  <RelativeTimeCell value={s.createdAt} />
                  <RelativeTimeCell value={s.lastUsedAt} />
                  <td className="row-actions">
                    {s.current ? null : (
                      <ConfirmButton
                        label="Revoke"
                        ariaLabel={`Revoke session from ${s.ip ?? 'unknown address'}`}
                        title="End this session?"
                        onConfirm={async () => (await revoke({ id: s.id }, TYPENAMES)).error}
                      >
                        <p>That browser or script is signed out at once.</p>
                      </ConfirmButton>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </DataTable>
        )}
      </QueryState>
    </Card>
  );
}

/** A short, readable name for a user agent (the full string is in the tooltip). */
function describeAgent(agent: string | null | undefined): string {
  if (!agent) return 'Unknown client';
  const browser = /(Edg|Firefox|Chrome|Safari)\/[\d.]+/.exec(agent)?.[1]?.replace('Edg', 'Edge');
  const os = /(Windows|Mac OS X|Linux|Android|iPhone)/.exec(agent)?.[1]?.replace('Mac OS X', 'macOS');
  if (browser) return os ? `${browser} on ${os}` : browser;
  return agent.slice(0, 40);
}
