import { useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import { Brand } from '../../components/app-layout';
import { ErrorMessage } from '../../components/error-message';
import { Field } from '../../components/form';
import { graphql } from '../../gql';
import { navigate } from '../../lib/router';
import { signIn } from '../../lib/session';

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

/** Opened from an invitation link (`/accept-invitation?token=…`): sets up the invitee's login. */
export function AcceptInvitationPage() {
  const token = new URLSearchParams(window.location.search).get('token') ?? '';
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
    <main className="auth-screen">
      <div className="auth-card">
        <div className="auth-brand">
          <Brand />
        </div>
        <h1>Join your team</h1>
        {token ? (
          <>
            <p className="muted">You were invited to an organization on this gateway. Choose your name and a password to sign in.</p>
            <form onSubmit={submit} className="form" aria-label="Accept invitation">
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
          </>
        ) : (
          <div className="alert alert-warning" role="alert">
            This link has no invitation token. Open the full link you were sent, or ask for a new invitation.
          </div>
        )}
      </div>
    </main>
  );
}
