import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { Brand } from '../../components/app-layout';
import { ErrorMessage } from '../../components/error-message';
import { Field } from '../../components/form';
import { QueryState } from '../../components/query-state';
import { graphql } from '../../gql';
import type { InvitationPreviewQuery as PreviewData, InvitationState } from '../../gql/graphql';
import { formatDateTime } from '../../lib/format';
import { Link, navigate } from '../../lib/router';
import { signIn } from '../../lib/session';

const InvitationPreviewQuery = graphql(`
  query InvitationPreview($token: String!) {
    invitationPreview(token: $token) {
      organization
      role
      invitedBy
      email
      expiresAt
      state
    }
  }
`);

const AcceptInvitationMutation = graphql(`
  mutation AcceptInvitation($token: String!, $input: AcceptInvitationInput!) {
    acceptInvitation(token: $token, input: $input) {
      token
      account {
        id
        name
        email
      }
    }
  }
`);

type Preview = NonNullable<PreviewData['invitationPreview']>;

/** Opened from an invitation link (`/accept-invitation?token=…`): shows the invitation, then sets up the invitee's login. */
export function AcceptInvitationPage() {
  const token = new URLSearchParams(window.location.search).get('token') ?? '';
  return (
    <main className="auth-screen">
      <div className="auth-card">
        <div className="auth-brand">
          <Brand />
        </div>
        <h1>Join your team</h1>
        {token ? (
          <Invitation token={token} />
        ) : (
          <div className="alert alert-warning" role="alert">
            This link has no invitation token. Open the full link you were sent, or ask for a new invitation.
          </div>
        )}
      </div>
    </main>
  );
}

/** What the invitation offers, read before the form so nobody sets a password for an invitation that cannot be used. */
function Invitation({ token }: { token: string }) {
  // network-only: the state (revoked, expired) is the server's now, never a cached answer.
  const [result, reexecute] = useQuery({ query: InvitationPreviewQuery, variables: { token }, requestPolicy: 'network-only' });
  return (
    <QueryState result={result} label="invitation" onRetry={() => reexecute({ requestPolicy: 'network-only' })}>
      {({ invitationPreview: preview }) =>
        preview?.state === 'PENDING' ? (
          <>
            <InvitationSummary preview={preview} />
            <AcceptForm token={token} email={preview.email ?? null} />
          </>
        ) : (
          <InvitationUnusable preview={preview ?? null} />
        )
      }
    </QueryState>
  );
}

function InvitationSummary({ preview }: { preview: Preview }) {
  return (
    <div className="invitation-summary" data-testid="invitation-summary">
      <p>
        You&rsquo;re invited to {preview.organization ? <strong>{preview.organization}</strong> : 'an organization'} as <strong>{preview.role}</strong>
        {preview.invitedBy ? (
          <>
            {' '}
            by <strong>{preview.invitedBy}</strong>
          </>
        ) : null}
        ; expires {formatDateTime(preview.expiresAt ?? null)}.
      </p>
      <p className="muted">
        You will sign in as <strong>{preview.email}</strong>. Choose your name and a password.
      </p>
    </div>
  );
}

const NOT_VALID = 'This invitation link is not valid. Check that you opened the full link you were sent, or ask for a new invitation.';

type Unusable = Exclude<InvitationState, 'PENDING'>;

const ASK = 'ask whoever invited you, or another admin of the organization, for a new one';

/**
 * Why an invitation cannot be accepted, and what to do instead. The server names nothing more
 * than the state of such an invitation (it may have gone to the wrong address).
 */
const UNUSABLE: Record<Unusable, string> = {
  EXPIRED: `This invitation has expired; ${ASK}.`,
  REVOKED: `This invitation has been withdrawn (revoked, or replaced by a newer one); ${ASK}.`,
  ACCEPTED: 'This invitation has already been used. Sign in with the email it was sent to instead.',
  LOGIN_EXISTS:
    'The email this invitation was sent to already has a login on this gateway, and an email has only one, so it cannot be accepted. Sign in instead, or ask for an invitation to another email.',
};

function unusableMessage(preview: Preview | null): string {
  if (!preview || preview.state === 'PENDING') return NOT_VALID;
  return UNUSABLE[preview.state];
}

function InvitationUnusable({ preview }: { preview: Preview | null }) {
  const canSignIn = preview?.state === 'ACCEPTED' || preview?.state === 'LOGIN_EXISTS';
  return (
    <>
      <div className="alert alert-warning" role="alert" data-testid="invitation-unusable">
        {unusableMessage(preview)}
      </div>
      {canSignIn ? (
        <p>
          <Link to="/login">Sign in</Link>
        </p>
      ) : null}
    </>
  );
}

function AcceptForm({ token, email }: { token: string; email: string | null }) {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [state, accept] = useMutation(AcceptInvitationMutation);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await accept({ token, input: { name: name.trim() || null, password } });
    if (result.data) {
      signIn(result.data.acceptInvitation.token);
      navigate('/access-keys', { replace: true });
    }
  };

  return (
    <form onSubmit={submit} className="form" aria-label="Accept invitation">
      {/* The login being created, for password managers to save the new password under (not editable: the invitation fixes it). */}
      {email ? <input type="email" name="username" autoComplete="username" value={email} readOnly hidden /> : null}
      <Field label="Name">
        <input type="text" name="name" autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} placeholder="Ada Lovelace" />
      </Field>
      <Field label="Password">
        <input
          type="password"
          name="password"
          autoComplete="new-password"
          required
          minLength={8}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <small className="hint">At least 8 characters.</small>
      </Field>
      <ErrorMessage error={state.error} />
      <button type="submit" className="btn btn-primary btn-block" disabled={state.fetching}>
        {state.fetching ? 'Please wait…' : 'Accept invitation'}
      </button>
    </form>
  );
}
