import { useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import { Brand } from '../../components/app-layout';
import { ErrorMessage } from '../../components/error-message';
import { ThemeSelect } from '../../components/theme-select';
import { Field } from '../../components/form';
import { graphql } from '../../gql';
import { Link, navigate } from '../../lib/router';
import { signIn } from '../../lib/session';

const SignUpMutation = graphql(`
  mutation SignUp($input: SignUpInput!) {
    signUp(input: $input) {
      token
      account {
        id
        email
        name
      }
    }
  }
`);

const LogInMutation = graphql(`
  mutation LogIn($input: LogInInput!) {
    logIn(input: $input) {
      token
      account {
        id
        email
        name
      }
    }
  }
`);

export function AuthPage({ mode }: { mode: 'signUp' | 'logIn' }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [name, setName] = useState('');
  const [signUpState, signUp] = useMutation(SignUpMutation);
  const [logInState, logIn] = useMutation(LogInMutation);
  const isSignUp = mode === 'signUp';
  const state = isSignUp ? signUpState : logInState;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (isSignUp) {
      const result = await signUp({ input: { email: email.trim(), password, name: name.trim() || null } });
      if (result.data) {
        signIn(result.data.signUp.token);
        navigate('/quickstart', { replace: true });
      }
    } else {
      const result = await logIn({ input: { email: email.trim(), password } });
      if (result.data) {
        signIn(result.data.logIn.token);
        navigate('/access-keys', { replace: true });
      }
    }
  };

  return (
    <main className="auth-screen">
      <div className="auth-card">
        <div className="auth-brand">
          <Brand />
        </div>
        <h1>{isSignUp ? 'Create your account' : 'Log in'}</h1>
        <p className="muted">
          {isSignUp ? 'One endpoint and one key for every model provider.' : 'Welcome back. Manage your keys, routing and usage.'}
        </p>
        <form onSubmit={submit} className="form" aria-label={isSignUp ? 'Sign up' : 'Log in'}>
          {isSignUp ? (
            <Field label="Name">
              <input type="text" name="name" autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} placeholder="Ada Lovelace" />
            </Field>
          ) : null}
          <Field label="Email">
            <input type="email" name="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} placeholder="you@example.com" />
          </Field>
          <Field label="Password">
            <input
              type="password"
              name="password"
              autoComplete={isSignUp ? 'new-password' : 'current-password'}
              required
              minLength={isSignUp ? 8 : undefined}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
            {isSignUp ? <small className="hint">At least 8 characters.</small> : null}
          </Field>
          <ErrorMessage error={state.error} />
          <button type="submit" className="btn btn-primary btn-block" disabled={state.fetching}>
            {state.fetching ? 'Please wait…' : isSignUp ? 'Sign up' : 'Log in'}
          </button>
        </form>
        <p className="auth-switch">
          {isSignUp ? (
            <>
              Already have an account? <Link to="/login">Log in</Link>
            </>
          ) : (
            <>
              New here? <Link to="/signup">Create an account</Link>
            </>
          )}
        </p>
        <div className="auth-theme">
          <ThemeSelect />
        </div>
      </div>
    </main>
  );
}
