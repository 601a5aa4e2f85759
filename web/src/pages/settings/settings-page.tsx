import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { Card } from '../../components/card';
import { ConfirmButton } from '../../components/confirm-button';
import { EmptyState } from '../../components/empty-state';
import { ErrorMessage } from '../../components/error-message';
import { Modal } from '../../components/modal';
import { PageHeader } from '../../components/page-header';
import { QueryState } from '../../components/query-state';
import { SecretReveal } from '../../components/secret-reveal';
import { graphql } from '../../gql';
import type { SettingsPageQuery } from '../../gql/graphql';
import { formatDateTime, formatRelative } from '../../lib/format';

const SettingsPageQueryDoc = graphql(`
  query SettingsPage {
    me {
      id
      email
      name
      settings {
        totalTimeoutMs
        perAttemptTimeoutMs
      }
    }
    apiKeys(first: 100) {
      nodes {
        id
        name
        keyRedacted
        createdAt
        lastUsedAt
      }
    }
  }
`);

const UpdateAccountSettingsMutation = graphql(`
  mutation UpdateAccountSettings($input: AccountSettingsInput!) {
    updateAccountSettings(input: $input) {
      id
      settings {
        totalTimeoutMs
        perAttemptTimeoutMs
      }
    }
  }
`);

const CreateApiKeyMutation = graphql(`
  mutation CreateApiKey($input: CreateApiKeyInput!) {
    createApiKey(input: $input) {
      token
      apiKey {
        id
        name
        keyRedacted
      }
    }
  }
`);

const RevokeApiKeyMutation = graphql(`
  mutation RevokeApiKey($id: ID!) {
    revokeApiKey(id: $id)
  }
`);

const TYPENAMES = { additionalTypenames: ['ApiKey', 'Account'] };

export function SettingsPage() {
  const [result, reexecute] = useQuery({ query: SettingsPageQueryDoc, context: TYPENAMES });
  return (
    <div className="page">
      <PageHeader title="Settings" description="Account-wide request timeouts and API keys for automating this admin API." />
      <QueryState result={result} label="settings" onRetry={() => reexecute({ requestPolicy: 'network-only' })}>
        {(data) => (
          <div className="stack">
            <Card title="Account">
              <dl className="kv">
                <div>
                  <dt>Email</dt>
                  <dd>{data.me.email}</dd>
                </div>
                <div>
                  <dt>Name</dt>
                  <dd>{data.me.name || '—'}</dd>
                </div>
              </dl>
            </Card>
            <TimeoutsCard key={`${data.me.settings.totalTimeoutMs}:${data.me.settings.perAttemptTimeoutMs}`} settings={data.me.settings} />
            <ApiKeysCard apiKeys={data.apiKeys.nodes} />
          </div>
        )}
      </QueryState>
    </div>
  );
}

function TimeoutsCard({ settings }: { settings: SettingsPageQuery['me']['settings'] }) {
  const [total, setTotal] = useState(String(settings.totalTimeoutMs));
  const [perAttempt, setPerAttempt] = useState(String(settings.perAttemptTimeoutMs));
  const [saved, setSaved] = useState(false);
  const [state, update] = useMutation(UpdateAccountSettingsMutation);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    const result = await update({ input: { totalTimeoutMs: Number.parseInt(total, 10), perAttemptTimeoutMs: Number.parseInt(perAttempt, 10) } }, TYPENAMES);
    if (!result.error) setSaved(true);
  };
  return (
    <Card title="Request timeouts">
      <form className="form" onSubmit={submit}>
        <div className="form-grid">
          <label className="field">
            <span>Per-attempt timeout (ms)</span>
            <input type="number" min={1} step={1} required value={perAttempt} onChange={(e) => setPerAttempt(e.target.value)} />
            <small className="hint">Caps each upstream attempt; a timed-out attempt fails over to the next candidate.</small>
          </label>
          <label className="field">
            <span>Total timeout (ms)</span>
            <input type="number" min={1} step={1} required value={total} onChange={(e) => setTotal(e.target.value)} />
            <small className="hint">Caps the whole request, all attempts included (504 upstream_timeout).</small>
          </label>
        </div>
        <ErrorMessage error={state.error} />
        {saved ? (
          <div className="alert alert-success" role="status">
            Timeouts saved.
          </div>
        ) : null}
        <div className="actions">
          <button type="submit" className="btn btn-primary" disabled={state.fetching}>
            {state.fetching ? 'Saving…' : 'Save timeouts'}
          </button>
        </div>
      </form>
    </Card>
  );
}

function ApiKeysCard({ apiKeys }: { apiKeys: SettingsPageQuery['apiKeys']['nodes'] }) {
  const [createOpen, setCreateOpen] = useState(false);
  const [name, setName] = useState('');
  const [created, setCreated] = useState<string | null>(null);
  const [createState, create] = useMutation(CreateApiKeyMutation);
  const [, revoke] = useMutation(RevokeApiKeyMutation);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await create({ input: { name: name.trim() } }, TYPENAMES);
    if (result.data) {
      setCreated(result.data.createApiKey.token);
      setCreateOpen(false);
      setName('');
    }
  };

  return (
    <Card
      title="API keys"
      actions={
        <button type="button" className="btn btn-small btn-primary" onClick={() => setCreateOpen(true)}>
          Create API key
        </button>
      }
    >
      <p className="muted small">
        For scripts and CI: use as <code>Authorization: Bearer …</code> on <code>/graphql</code>. They act with your account's full rights; they cannot call{' '}
        <code>/v1</code>.
      </p>
      {created ? <SecretReveal what="API key" token={created} onDone={() => setCreated(null)} /> : null}
      {apiKeys.length === 0 ? (
        <EmptyState title="No API keys">Create one to automate this admin API.</EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table" aria-label="API keys">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Key</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {apiKeys.map((k) => (
                <tr key={k.id}>
                  <td className="cell-title">{k.name}</td>
                  <td>
                    <code className="mono-chip">{k.keyRedacted}</code>
                  </td>
                  <td title={formatDateTime(k.createdAt)}>{formatRelative(k.createdAt)}</td>
                  <td title={formatDateTime(k.lastUsedAt)}>{formatRelative(k.lastUsedAt)}</td>
                  <td className="row-actions">
                    <ConfirmButton
                      label="Revoke"
                      ariaLabel={`Revoke ${k.name}`}
                      title="Revoke API key?"
                      onConfirm={async () => (await revoke({ id: k.id }, TYPENAMES)).error}
                    >
                      <p>
                        Automation using <strong>{k.name}</strong> will stop working immediately.
                      </p>
                    </ConfirmButton>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Modal title="Create API key" open={createOpen} onClose={() => setCreateOpen(false)}>
        <form className="form" onSubmit={submit}>
          <label className="field">
            <span>Name</span>
            <input required value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. terraform" />
          </label>
          <ErrorMessage error={createState.error} />
          <div className="actions">
            <button type="button" className="btn" onClick={() => setCreateOpen(false)}>
              Cancel
            </button>
            <button type="submit" className="btn btn-primary" disabled={createState.fetching}>
              Create
            </button>
          </div>
        </form>
      </Modal>
    </Card>
  );
}
