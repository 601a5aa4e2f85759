import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { Card } from '../../components/card';
import { ConfirmButton } from '../../components/confirm-button';
import { ACTIONS_COLUMN, DataTable, RelativeTimeCell, RowButton } from '../../components/data-table';
import { EmptyCard } from '../../components/empty-state';
import { DuplicateNameHint, Field, FormDialog } from '../../components/form';
import { PageHeader } from '../../components/page-header';
import { QueryState } from '../../components/query-state';
import { QuickstartPanel } from '../../components/quickstart-panel';
import { SecretReveal } from '../../components/secret-reveal';
import { StagedSelect } from '../../components/staged-select';
import { SetupChecklist } from '../../components/setup-checklist';
import { graphql } from '../../gql';
import type { AccessKeysPageQuery } from '../../gql/graphql';
import { Link } from '../../lib/router';
import { ExpiryNote, LimitsFields, NO_LIMITS, SpendCell, draftOf, limitsInput, rateLimitsText } from './key-limits';
import { RequireRole, useRole } from '../../lib/role';

const AccessKeysPageQueryDoc = graphql(`
  query AccessKeysPage {
    accessKeys(first: 100) {
      nodes {
        id
        name
        description
        keyRedacted
        createdAt
        lastUsedAt
        spentUsd
        periodResetsAt
        limits {
          budgetUsd
          budgetPeriod
          requestsPerMinute
          tokensPerMinute
          expiresAt
        }
        configuration {
          id
          name
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
    accessKeyConfigurations(first: 100) {
      nodes {
        id
        name
      }
    }
  }
`);

const CreateAccessKeyMutation = graphql(`
  mutation CreateAccessKey($input: CreateAccessKeyInput!) {
    createAccessKey(input: $input) {
      token
      accessKey {
        id
        name
        keyRedacted
      }
    }
  }
`);

const UpdateAccessKeyMutation = graphql(`
  mutation UpdateAccessKey($id: ID!, $input: UpdateAccessKeyInput!) {
    updateAccessKey(id: $id, input: $input) {
      id
      name
      description
      spentUsd
      periodResetsAt
      limits {
        budgetUsd
        budgetPeriod
        requestsPerMinute
        tokensPerMinute
        expiresAt
      }
      configuration {
        id
        name
      }
    }
  }
`);

const RevokeAccessKeyMutation = graphql(`
  mutation RevokeAccessKey($id: ID!) {
    revokeAccessKey(id: $id)
  }
`);

const TYPENAMES = { additionalTypenames: ['AccessKey', 'AccessKeyConfiguration'] };

type AccessKeyRow = AccessKeysPageQuery['accessKeys']['nodes'][number];
type ConfigurationOption = AccessKeysPageQuery['accessKeyConfigurations']['nodes'][number];

export function AccessKeysPage() {
  const [result, reexecute] = useQuery({ query: AccessKeysPageQueryDoc, context: TYPENAMES });
  const [createOpen, setCreateOpen] = useState(false);
  const canManage = useRole().can('DEVELOPER');
  const [created, setCreated] = useState<{ token: string; name: string } | null>(null);

  return (
    <div className="page">
      <PageHeader
        title="Access keys"
        description="Keys your applications use to call the gateway's /v1 endpoints."
        actions={
          <RequireRole min="DEVELOPER">
            <button type="button" className="btn btn-primary" onClick={() => setCreateOpen(true)}>
              Create access key
            </button>
          </RequireRole>
        }
      />
      <SetupChecklist hideWhenDone />
      {created ? (
        <Card title={`Access key “${created.name}” created`}>
          <SecretReveal what="access key" token={created.token} onDone={() => setCreated(null)} />
          <h3 className="section-title">Try it</h3>
          <QuickstartPanel token={created.token} />
        </Card>
      ) : null}
      <QueryState result={result} label="access keys" onRetry={() => reexecute({ requestPolicy: 'network-only' })}>
        {(data) =>
          data.accessKeys.nodes.length === 0 ? (
            <EmptyCard title="No access keys yet" actionLabel={canManage ? 'Create your first key' : undefined} onAction={() => setCreateOpen(true)}>
              Create a key, then use it as the API key of the OpenAI or Anthropic SDK.
            </EmptyCard>
          ) : (
            <Card>
              <DataTable label="Access keys" columns={['Name', 'Key', 'Configuration', 'Spend & limits', 'Created', 'Last used', ACTIONS_COLUMN]}>
                <tbody>
                  {data.accessKeys.nodes.map((key) => (
                    <AccessKeyRowView key={key.id} accessKey={key} configurations={data.accessKeyConfigurations.nodes} />
                  ))}
                </tbody>
              </DataTable>
              {data.accessKeys.pageInfo.hasNextPage ? <p className="muted small table-note">Showing the first 100 keys.</p> : null}
            </Card>
          )
        }
      </QueryState>
      <CreateAccessKeyDialog
        open={createOpen}
        configurations={result.data?.accessKeyConfigurations.nodes ?? []}
        existingNames={result.data?.accessKeys.nodes.map((k) => k.name) ?? []}
        onClose={() => setCreateOpen(false)}
        onCreated={(token, name) => {
          setCreateOpen(false);
          setCreated({ token, name });
        }}
      />
    </div>
  );
}

function AccessKeyRowView({ accessKey, configurations }: { accessKey: AccessKeyRow; configurations: ConfigurationOption[] }) {
  const canManage = useRole().can('DEVELOPER');
  const [, update] = useMutation(UpdateAccessKeyMutation);
  const [, revoke] = useMutation(RevokeAccessKeyMutation);
  const [renameOpen, setRenameOpen] = useState(false);
  const nameOf = (id: string) => configurations.find((c) => c.id === id)?.name ?? 'a configuration';

  return (
    <tr>
      <td>
        <div className="cell-title">{accessKey.name}</div>
        {accessKey.description ? <div className="muted small">{accessKey.description}</div> : null}
        <ExpiryNote expiresAt={accessKey.limits.expiresAt} />
      </td>
      <td>
        <code className="mono-chip">{accessKey.keyRedacted}</code>
      </td>
      <td>
        <StagedSelect
          label={`Configuration for ${accessKey.name}`}
          value={accessKey.configuration?.id ?? ''}
          disabled={!canManage}
          className="select-compact"
          describe={(id) =>
            id
              ? `Requests with ${accessKey.name} will follow “${nameOf(id)}” instead of ${accessKey.configuration ? `“${accessKey.configuration.name}”` : 'no restrictions'}.`
              : `${accessKey.name} loses the restrictions, routing and firewall policies of “${accessKey.configuration?.name ?? ''}”.`
          }
          onSave={async (id) => (await update({ id: accessKey.id, input: { configurationId: id || null } }, TYPENAMES)).error}
        >
          <option value="">No restrictions</option>
          <ConfigurationOptions configurations={configurations} />
        </StagedSelect>
      </td>
      <SpendCell
        spentUsd={accessKey.spentUsd}
        budgetUsd={accessKey.limits.budgetUsd}
        periodResetsAt={accessKey.periodResetsAt}
        rateLimits={rateLimitsText(accessKey.limits)}
      />
      <RelativeTimeCell value={accessKey.createdAt} />
      <RelativeTimeCell value={accessKey.lastUsedAt} />
      <td className="row-actions">
        {canManage ? (
          <>
            <RowButton label="Edit" subject={accessKey.name} onClick={() => setRenameOpen(true)} />
            <ConfirmButton
              label="Revoke"
              ariaLabel={`Revoke ${accessKey.name}`}
              title="Revoke access key?"
              confirmLabel="Revoke key"
              onConfirm={async () => (await revoke({ id: accessKey.id }, TYPENAMES)).error}
            >
              <p>
                Requests using <strong>{accessKey.name}</strong> (<code>{accessKey.keyRedacted}</code>) will be rejected with 401 immediately. This
                cannot be undone.
              </p>
            </ConfirmButton>
            <RenameAccessKeyDialog accessKey={accessKey} open={renameOpen} onClose={() => setRenameOpen(false)} />
          </>
        ) : null}
      </td>
    </tr>
  );
}

function ConfigurationOptions({ configurations }: { configurations: ConfigurationOption[] }) {
  return (
    <>
      {configurations.map((c) => (
        <option key={c.id} value={c.id}>
          {c.name}
        </option>
      ))}
    </>
  );
}

function RenameAccessKeyDialog({ accessKey, open, onClose }: { accessKey: AccessKeyRow; open: boolean; onClose: () => void }) {
  const [name, setName] = useState(accessKey.name);
  const [description, setDescription] = useState(accessKey.description ?? '');
  const [limits, setLimits] = useState(draftOf(accessKey.limits));
  const [state, update] = useMutation(UpdateAccessKeyMutation);
  const submit = async () => {
    const result = await update(
      { id: accessKey.id, input: { name: name.trim(), description: description.trim() || null, limits: limitsInput(limits) } },
      TYPENAMES,
    );
    if (!result.error) onClose();
  };
  return (
    <FormDialog title="Edit access key" open={open} onClose={onClose} onSubmit={submit} state={state} submitLabel="Save">
      <NameAndDescriptionFields name={name} onName={setName} description={description} onDescription={setDescription} />
      <LimitsFields value={limits} onChange={setLimits} />
    </FormDialog>
  );
}

function NameAndDescriptionFields(props: {
  name: string;
  onName: (name: string) => void;
  description: string;
  onDescription: (description: string) => void;
  namePlaceholder?: string;
  duplicate?: boolean;
}) {
  return (
    <>
      <Field label="Name" hint={props.duplicate ? <DuplicateNameHint what="access key" name={props.name} /> : undefined}>
        <input required value={props.name} onChange={(e) => props.onName(e.target.value)} placeholder={props.namePlaceholder} />
      </Field>
      <Field label="Description">
        <input value={props.description} onChange={(e) => props.onDescription(e.target.value)} placeholder="Optional" />
      </Field>
    </>
  );
}

interface CreateDialogProps {
  open: boolean;
  configurations: ConfigurationOption[];
  existingNames: string[];
  onClose: () => void;
  onCreated: (token: string, name: string) => void;
}

function CreateAccessKeyDialog({ open, configurations, existingNames, onClose, onCreated }: CreateDialogProps) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [configurationId, setConfigurationId] = useState('');
  const [limits, setLimits] = useState(NO_LIMITS);
  const [state, create] = useMutation(CreateAccessKeyMutation);
  const submit = async () => {
    const result = await create(
      { input: { name: name.trim(), description: description.trim() || null, configurationId: configurationId || null, limits: limitsInput(limits) } },
      TYPENAMES,
    );
    if (result.data) {
      onCreated(result.data.createAccessKey.token, result.data.createAccessKey.accessKey.name);
      setName('');
      setDescription('');
      setConfigurationId('');
      setLimits(NO_LIMITS);
    }
  };
  return (
    <FormDialog title="Create access key" open={open} onClose={onClose} onSubmit={submit} state={state} submitLabel="Create key" busyLabel="Creating…">
      <NameAndDescriptionFields
        name={name}
        onName={setName}
        description={description}
        onDescription={setDescription}
        namePlaceholder="e.g. production-backend"
        duplicate={existingNames.some((n) => n.trim().toLowerCase() === name.trim().toLowerCase())}
      />
      <Field
        label="Configuration"
        hint={
          <>
            Limits providers, models and routing. Manage them on <Link to="/configurations">Configurations</Link>.
          </>
        }
      >
        <select value={configurationId} onChange={(e) => setConfigurationId(e.target.value)}>
          <option value="">No restrictions (all providers and models)</option>
          <ConfigurationOptions configurations={configurations} />
        </select>
      </Field>
      <LimitsFields value={limits} onChange={setLimits} />
    </FormDialog>
  );
}
