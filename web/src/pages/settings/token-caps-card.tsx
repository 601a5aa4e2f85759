import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { Card } from '../../components/card';
import { ActionForm, Field } from '../../components/form';
import { QueryState } from '../../components/query-state';
import { graphql } from '../../gql';

const TokenCapsQuery = graphql(`
  query SettingsTokenCaps {
    me {
      id
      settings {
        maxInputTokens
        maxOutputTokens
      }
    }
  }
`);

const UpdateTokenCapsMutation = graphql(`
  mutation UpdateTokenCaps($input: AccountSettingsInput!) {
    updateAccountSettings(input: $input) {
      id
      settings {
        maxInputTokens
        maxOutputTokens
      }
    }
  }
`);

const TYPENAMES = { additionalTypenames: ['Account'] };

/** An empty field means "no cap" (null); anything else must be a whole number ≥ 1. */
function capOf(text: string): number | null | 'invalid' {
  if (text.trim() === '') return null;
  const n = Number(text);
  return Number.isInteger(n) && n >= 1 ? n : 'invalid';
}

/** Account-wide token caps, applied to every /v1 request of every key. */
export function TokenCapsCard() {
  const [result, reexecute] = useQuery({ query: TokenCapsQuery, context: TYPENAMES });
  // Held here, not in the form: saving changes the caps, which remounts the form (its key).
  const [saved, setSaved] = useState(false);
  return (
    <Card title="Token caps">
      <QueryState result={result} label="token caps" onRetry={() => reexecute({ requestPolicy: 'network-only' })}>
        {(data) => (
          <TokenCapsForm
            key={`${data.me.settings.maxInputTokens}:${data.me.settings.maxOutputTokens}`}
            maxInputTokens={data.me.settings.maxInputTokens ?? null}
            maxOutputTokens={data.me.settings.maxOutputTokens ?? null}
            saved={saved}
            onSaved={setSaved}
          />
        )}
      </QueryState>
    </Card>
  );
}

function TokenCapsForm(props: { maxInputTokens: number | null; maxOutputTokens: number | null; saved: boolean; onSaved: (saved: boolean) => void }) {
  const { saved, onSaved: setSaved } = props;
  const [input, setInput] = useState(props.maxInputTokens === null ? '' : String(props.maxInputTokens));
  const [output, setOutput] = useState(props.maxOutputTokens === null ? '' : String(props.maxOutputTokens));
  const [problem, setProblem] = useState<string | null>(null);
  const [state, update] = useMutation(UpdateTokenCapsMutation);
  const submit = async () => {
    setSaved(false);
    const maxInputTokens = capOf(input);
    const maxOutputTokens = capOf(output);
    const invalid = maxInputTokens === 'invalid' || maxOutputTokens === 'invalid' ? 'Caps are whole numbers of at least 1, or empty for no cap.' : null;
    setProblem(invalid);
    if (maxInputTokens === 'invalid' || maxOutputTokens === 'invalid') return;
    const outcome = await update({ input: { maxInputTokens, maxOutputTokens } }, TYPENAMES);
    if (!outcome.error) setSaved(true);
  };
  return (
    <ActionForm onSubmit={submit} state={{ fetching: state.fetching, error: problem ?? state.error }} notice={saved ? 'Token caps saved.' : null} submitLabel="Save token caps" busyLabel="Saving…">
      <div className="form-grid">
        <Field label="Max input tokens" hint="Requests whose estimated input is larger are refused (413 request_too_large), nothing goes upstream. Empty: no cap.">
          <input type="number" min={1} step={1} value={input} onChange={(e) => setInput(e.target.value)} placeholder="No cap" />
        </Field>
        <Field label="Max output tokens" hint="Requests asking for more output, or not saying, are sent with this cap. Empty: no cap.">
          <input type="number" min={1} step={1} value={output} onChange={(e) => setOutput(e.target.value)} placeholder="No cap" />
        </Field>
      </div>
    </ActionForm>
  );
}
