import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { Card } from '../../components/card';
import { ConfirmButton } from '../../components/confirm-button';
import { ACTIONS_COLUMN, DataTable, RelativeTimeCell } from '../../components/data-table';
import { EmptyState } from '../../components/empty-state';
import { ActionForm, Field, FormDialog } from '../../components/form';
import { PageHeader } from '../../components/page-header';
import { QueryState } from '../../components/query-state';
import { SecretReveal } from '../../components/secret-reveal';
import { graphql } from '../../gql';
import type { Role, SettingsApiKeysQuery as ApiKeysData, SettingsPageQuery } from '../../gql/graphql';
import { useRole, useViewer } from '../../lib/role';
import { SessionsCard } from './sessions-card';
import { ChangePasswordCard } from './change-password-card';
import { AlertWebhooksCard } from './alert-webhooks-card';
import { TokenCapsCard } from './token-caps-card';

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
  }
`);

const SettingsApiKeysQuery = graphql(`
  query SettingsApiKeys {
    apiKeys(first: 100) {
      nodes {
        id
        name
        keyRedacted
        role
        effectiveRole
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
  const { can } = useRole();
  const { viewer } = useViewer();
  return (
    <div className="page">
      <PageHeader title="Settings" description="Account-wide request timeouts, token caps, alert webhooks and API keys for automating this admin API." />
      <QueryState result={result} label="settings" onRetry={() => reexecute({ requestPolicy: 'network-only' })}>
        {(data) => (
          <div className="stack">
            <Card title="Signed in as">
              {viewer ? (
                <dl className="kv">
                  <div>
                    <dt>Your name</dt>
                    <dd>{viewer.name || '—'}</dd>
                  </div>
                  <div>
                    <dt>Your email</dt>
                    <dd data-testid="viewer-email">{viewer.email}</dd>
                  </div>
                  <div>
                    <dt>Your role</dt>
                    <dd>{viewer.role}</dd>
                  </div>
                  <div>
                    <dt>Organization</dt>
                    <dd>{data.me.name || data.me.email}</dd>
                  </div>
                </dl>
              ) : (
                <p className="muted">
                  This admin API is used with an API key of the organization {data.me.name || data.me.email}, not a member's login.
                </p>
              )}
            </Card>
            {can('ADMIN') ? <TimeoutsCard key={`${data.me.settings.totalTimeoutMs}:${data.me.settings.perAttemptTimeoutMs}`} settings={data.me.settings} /> : null}
            {can('ADMIN') ? <TokenCapsCard /> : null}
            {can('ADMIN') ? <AlertWebhooksCard /> : null}
            {can('DEVELOPER') ? <ApiKeysSection canManage={can('ADMIN')} /> : null}
            <ChangePasswordCard />
            <SessionsCard />
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
  const [problem, setProblem] = useState<string | null>(null);
  const submit = async () => {
    setSaved(false);
    const invalid = Number.parseInt(perAttempt, 10) > Number.parseInt(total, 10) ? 'The per-attempt timeout cannot be longer than the total timeout.' : null;
    setProblem(invalid);
    if (invalid) return;
    const result = await update({ input: { totalTimeoutMs: Number.parseInt(total, 10), perAttemptTimeoutMs: Number.parseInt(perAttempt, 10) } }, TYPENAMES);
    if (!result.error) setSaved(true);
  };
  return (
    <Card title="Request timeouts">
      <ActionForm onSubmit={submit} state={{ fetching: state.fetching, error: problem ?? state.error }} notice={saved ? 'Timeouts saved.' : null} submitLabel="Save timeouts" busyLabel="Saving…">
        <div className="form-grid">
          <Field label="Per-attempt timeout (ms)" hint="Caps each upstream attempt; a timed-out attempt fails over to the next candidate.">
            <input type="number" min={1} step={1} required value={perAttempt} onChange={(e) => setPerAttempt(e.target.value)} />
          </Field>
          <Field label="Total timeout (ms)" hint="Caps the whole request, all attempts included (504 upstream_timeout).">
            <input type="number" min={1} step={1} required value={total} onChange={(e) => setTotal(e.target.value)} />
          </Field>
        </div>
      </ActionForm>
    </Card>
  );
}

function ApiKeysSection({ canManage }: { canManage: boolean }) {
  const [result, reexecute] = useQuery({ query: SettingsApiKeysQuery, context: TYPENAMES });
  return (
    <QueryState result={result} label="API keys" onRetry={() => reexecute({ requestPolicy: 'network-only' })}>
      {(data) => <ApiKeysCard apiKeys={data.apiKeys.nodes} canManage={canManage} />}
    </QueryState>
  );
}

function ApiKeysCard({ apiKeys, canManage }: { apiKeys: ApiKeysData['apiKeys']['nodes']; canManage: boolean }) {
  const [createOpen, setCreateOpen] = useState(false);
  const [name, setName] = useState('');
  const [created, setCreated] = useState<string | null>(null);
  const [createState, create] = useMutation(CreateApiKeyMutation);
  const [, revoke] = useMutation(RevokeApiKeyMutation);

  const submit = async () => {
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
        canManage ? (
          <button type="button" className="btn btn-small btn-primary" onClick={() => setCreateOpen(true)}>
            Create API key
          </button>
        ) : null
      }
    >
      <p className="muted small">
        For scripts and CI: use as <code>Authorization: Bearer …</code> on <code>/graphql</code>. A key acts with the role it was created with, never above its creator's current role; it cannot call{' '}
        <code>/v1</code>.
      </p>
      {created ? <SecretReveal what="API key" token={created} onDone={() => setCreated(null)} /> : null}
      {apiKeys.length === 0 ? (
        <EmptyState title="No API keys">Create one to automate this admin API.</EmptyState>
      ) : (
        <DataTable label="API keys" columns={['Name', 'Key', 'Role', 'Created', 'Last used', ...(canManage ? [ACTIONS_COLUMN] : [])]}>
          <tbody>
            {apiKeys.map((k) => (
              <tr key={k.id}>
                <td className="cell-title">{k.name}</td>
                <td>
                  <code className="mono-chip">{k.keyRedacted}</code>
                </td>
                <td>
                  <ApiKeyRole role={k.role} effectiveRole={k.effectiveRole} />
                </td>
                <RelativeTimeCell value={k.createdAt} />
                <RelativeTimeCell value={k.lastUsedAt} />
                {canManage ? (
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
                ) : null}
              </tr>
            ))}
          </tbody>
        </DataTable>
      )}
      <FormDialog title="Create API key" open={createOpen} onClose={() => setCreateOpen(false)} onSubmit={submit} state={createState} submitLabel="Create">
        <Field label="Name">
          <input required value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. terraform" />
        </Field>
      </FormDialog>
    </Card>
  );
}

/** What an API key may do now: its role, unless its creator's current role is lower (the server caps it). */
function ApiKeyRole({ role, effectiveRole }: { role: Role; effectiveRole: Role | null | undefined }) {
  if (!effectiveRole) return <span title="Its creator is no longer a member, so the key is refused.">None (creator removed)</span>;
  if (effectiveRole === role) return <>{role}</>;
  return (
    <span title={`Created as ${role}; a key never acts above its creator's current role, which is now ${effectiveRole}.`}>
      {effectiveRole} <span className="muted small">(created as {role}, limited by its creator's role)</span>
    </span>
  );
}
