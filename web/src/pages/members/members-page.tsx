import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { Badge } from '../../components/badge';
import { Card } from '../../components/card';
import { ConfirmButton } from '../../components/confirm-button';
import { ACTIONS_COLUMN, DataTable, RelativeTimeCell } from '../../components/data-table';
import { EmptyState } from '../../components/empty-state';
import { Field, FormDialog } from '../../components/form';
import { PageHeader } from '../../components/page-header';
import { QueryState } from '../../components/query-state';
import { SecretReveal } from '../../components/secret-reveal';
import { StagedSelect } from '../../components/staged-select';
import { graphql } from '../../gql';
import type { InviteMemberMutation, MembersPageQuery, Role } from '../../gql/graphql';
import { formatDateTime } from '../../lib/format';
import { useRole } from '../../lib/role';

const MembersPageQueryDoc = graphql(`
  query MembersPage {
    members(first: 100) {
      nodes {
        id
        email
        name
        role
        createdAt
        lastActiveAt
      }
    }
    invitations(first: 100) {
      nodes {
        id
        email
        role
        createdAt
        expiresAt
      }
    }
  }
`);

const InviteMemberMutation = graphql(`
  mutation InviteMember($input: InviteMemberInput!) {
    inviteMember(input: $input) {
      token
      emailSent
      invitation {
        id
        email
        role
      }
    }
  }
`);

const RevokeInvitationMutation = graphql(`
  mutation RevokeInvitation($id: ID!) {
    revokeInvitation(id: $id)
  }
`);

const UpdateMemberRoleMutation = graphql(`
  mutation UpdateMemberRole($id: ID!, $role: Role!) {
    updateMemberRole(id: $id, role: $role) {
      id
      role
    }
  }
`);

const RemoveMemberMutation = graphql(`
  mutation RemoveMember($id: ID!) {
    removeMember(id: $id)
  }
`);

const TYPENAMES = { additionalTypenames: ['Member', 'Invitation'] };
const ROLES: Role[] = ['OWNER', 'ADMIN', 'DEVELOPER', 'VIEWER'];
const ROLE_HINT: Record<Role, string> = {
  OWNER: 'Everything, including members and roles.',
  ADMIN: 'Everything except changing or removing owners.',
  DEVELOPER: 'Reads everything but the audit log; manages access keys.',
  VIEWER: 'Reads keys, configurations, providers, usage and credits.',
};

/** The link an invitee opens; the token is in it, so it is shown once like any secret. */
export function invitationLink(token: string): string {
  return `${window.location.origin}/accept-invitation?token=${encodeURIComponent(token)}`;
}

export function MembersPage() {
  const [result, reexecute] = useQuery({ query: MembersPageQueryDoc, context: TYPENAMES });
  const { can, role } = useRole();
  const [inviteOpen, setInviteOpen] = useState(false);
  const [invited, setInvited] = useState<{ link: string; email: string; emailSent: boolean } | null>(null);
  return (
    <div className="page">
      <PageHeader
        title="Members"
        description="People who sign in to this organization, their roles, and pending invitations."
        actions={
          can('ADMIN') ? (
            <button type="button" className="btn btn-primary" onClick={() => setInviteOpen(true)}>
              Invite member
            </button>
          ) : null
        }
      />
      {invited ? (
        <>
          {invited.emailSent ? (
            <div className="alert alert-success" role="status">
              We also e-mailed the link to {invited.email}.
            </div>
          ) : null}
          <SecretReveal what="invitation link" token={invited.link} onDone={() => setInvited(null)} />
        </>
      ) : null}
      <QueryState result={result} label="members" onRetry={() => reexecute({ requestPolicy: 'network-only' })}>
        {(data) => (
          <div className="stack">
            <MembersCard members={data.members.nodes} canManage={can('ADMIN')} isOwner={role === 'OWNER'} />
            <InvitationsCard invitations={data.invitations.nodes} canManage={can('ADMIN')} />
          </div>
        )}
      </QueryState>
      {inviteOpen ? (
        <InviteDialog
          isOwner={role === 'OWNER'}
          onClose={() => setInviteOpen(false)}
          onInvited={(created) => setInvited({ link: invitationLink(created.token), email: created.invitation.email, emailSent: created.emailSent })}
        />
      ) : null}
    </div>
  );
}

type CreatedInvitation = InviteMemberMutation['inviteMember'];

function InviteDialog({ isOwner, onClose, onInvited }: { isOwner: boolean; onClose: () => void; onInvited: (created: CreatedInvitation) => void }) {
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('DEVELOPER');
  const [state, invite] = useMutation(InviteMemberMutation);
  const submit = async () => {
    const result = await invite({ input: { email: email.trim(), role } }, TYPENAMES);
    if (result.data) {
      onInvited(result.data.inviteMember);
      onClose();
    }
  };
  return (
    <FormDialog title="Invite member" open onClose={onClose} onSubmit={submit} state={state} submitLabel="Create invitation" busyLabel="Inviting…">
      <Field label="Email">
        <input type="email" required value={email} onChange={(e) => setEmail(e.target.value)} placeholder="colleague@example.com" />
      </Field>
      <Field label="Role" hint={ROLE_HINT[role]}>
        <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
          {ROLES.filter((r) => isOwner || r !== 'OWNER').map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </Field>
      <p className="muted small">You get a link to send them; it works once and expires in 7 days.</p>
    </FormDialog>
  );
}

type MemberNode = MembersPageQuery['members']['nodes'][number];

function MembersCard({ members, canManage, isOwner }: { members: MemberNode[]; canManage: boolean; isOwner: boolean }) {
  const mayTouch = (m: MemberNode) => canManage && (isOwner || m.role !== 'OWNER');
  return (
    <Card title="Members">
      <DataTable label="Members" columns={['Member', 'Role', 'Joined', 'Last active', ...(canManage ? [ACTIONS_COLUMN] : [])]}>
        <tbody>
          {members.map((m) => (
            <tr key={m.id}>
              <td className="cell-title">
                {m.name ? (
                  <>
                    {m.name} <span className="muted small">{m.email}</span>
                  </>
                ) : (
                  m.email
                )}
              </td>
              <td>{mayTouch(m) ? <RoleSelect member={m} isOwner={isOwner} /> : <Badge>{m.role}</Badge>}</td>
              <RelativeTimeCell value={m.createdAt} />
              <RelativeTimeCell value={m.lastActiveAt} />
              {canManage ? <td className="row-actions">{mayTouch(m) ? <RemoveButton member={m} /> : null}</td> : null}
            </tr>
          ))}
        </tbody>
      </DataTable>
    </Card>
  );
}

function RoleSelect({ member, isOwner }: { member: MemberNode; isOwner: boolean }) {
  const [, update] = useMutation(UpdateMemberRoleMutation);
  return (
    <StagedSelect
      label={`Role of ${member.email}`}
      value={member.role}
      describe={(role) => `${member.name || member.email} becomes ${role}: ${ROLE_HINT[role as Role].replace(/^./, (c) => c.toLowerCase())}`}
      onSave={async (role) => (await update({ id: member.id, role: role as Role }, TYPENAMES)).error}
    >
      {ROLES.filter((r) => isOwner || r !== 'OWNER').map((r) => (
        <option key={r} value={r}>
          {r}
        </option>
      ))}
    </StagedSelect>
  );
}

function RemoveButton({ member }: { member: MemberNode }) {
  const [, remove] = useMutation(RemoveMemberMutation);
  return (
    <ConfirmButton
      label="Remove"
      ariaLabel={`Remove ${member.email}`}
      title="Remove member?"
      onConfirm={async () => (await remove({ id: member.id }, TYPENAMES)).error}
    >
      <p>
        <strong>{member.email}</strong> loses access at once: their sessions end and the API keys they created are revoked.
      </p>
    </ConfirmButton>
  );
}

function InvitationsCard({ invitations, canManage }: { invitations: MembersPageQuery['invitations']['nodes']; canManage: boolean }) {
  const [, revoke] = useMutation(RevokeInvitationMutation);
  return (
    <Card title="Pending invitations">
      {invitations.length === 0 ? (
        <EmptyState title="No pending invitations">{canManage ? 'Invite a colleague to give them their own login.' : 'Nobody is waiting to join.'}</EmptyState>
      ) : (
        <DataTable label="Pending invitations" columns={['Email', 'Role', 'Expires', ...(canManage ? [ACTIONS_COLUMN] : [])]}>
          <tbody>
            {invitations.map((i) => (
              <tr key={i.id}>
                <td className="cell-title">{i.email}</td>
                <td>
                  <Badge>{i.role}</Badge>
                </td>
                <td>{formatDateTime(i.expiresAt)}</td>
                {canManage ? (
                  <td className="row-actions">
                    <ConfirmButton
                      label="Revoke"
                      ariaLabel={`Revoke invitation for ${i.email}`}
                      title="Revoke invitation?"
                      onConfirm={async () => (await revoke({ id: i.id }, TYPENAMES)).error}
                    >
                      <p>The link sent to {i.email} stops working.</p>
                    </ConfirmButton>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </DataTable>
      )}
    </Card>
  );
}
