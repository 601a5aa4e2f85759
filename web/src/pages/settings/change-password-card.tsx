import { useState } from 'react';
import { useMutation } from 'urql';
import { Card } from '../../components/card';
import { ActionForm, Field } from '../../components/form';
import { graphql } from '../../gql';

const ChangePasswordMutation = graphql(`
  mutation ChangePassword($input: ChangePasswordInput!) {
    changePassword(input: $input)
  }
`);

const TYPENAMES = { additionalTypenames: ['Session'] };

/** Your own password: the current one, then the new one twice; your other sessions end. */
export function ChangePasswordCard() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [state, change] = useMutation(ChangePasswordMutation);
  const submit = async () => {
    setSaved(false);
    const mismatch = next !== repeat ? 'The new password and its repetition differ.' : null;
    setProblem(mismatch);
    if (mismatch) return;
    const result = await change({ input: { currentPassword: current, newPassword: next } }, TYPENAMES);
    if (!result.error) {
      setSaved(true);
      setCurrent('');
      setNext('');
      setRepeat('');
    }
  };
  return (
    <Card title="Password">
      <ActionForm
        onSubmit={submit}
        state={{ fetching: state.fetching, error: problem ?? state.error }}
        notice={saved ? 'Password changed. Your other sessions have ended.' : null}
        submitLabel="Change password"
        busyLabel="Changing…"
      >
        <div className="form-grid">
          <Field label="Current password">
            <input type="password" name="current-password" autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.target.value)} />
          </Field>
          <Field label="New password" hint="At least 8 characters and hard to guess, e.g. a few unrelated words.">
            <input type="password" name="new-password" autoComplete="new-password" required minLength={8} value={next} onChange={(e) => setNext(e.target.value)} />
          </Field>
          <Field label="Repeat new password">
            <input type="password" name="repeat-password" autoComplete="new-password" required minLength={8} value={repeat} onChange={(e) => setRepeat(e.target.value)} />
          </Field>
        </div>
      </ActionForm>
    </Card>
  );
}
