import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { Badge } from '../../components/badge';
import { Card } from '../../components/card';
import { ConfirmButton } from '../../components/confirm-button';
import { ConnectionTest } from '../../components/connection-test';
import { ACTIONS_COLUMN, DataTable, numeric, RelativeTimeCell, RowButton } from '../../components/data-table';
import { EmptyCard } from '../../components/empty-state';
import { ActionForm, DuplicateNameHint, Field, FormDialog } from '../../components/form';
import { Modal } from '../../components/modal';
import { PageHeader } from '../../components/page-header';
import { QueryState } from '../../components/query-state';
import { graphql } from '../../gql';
import type { ProviderKeysPageQuery } from '../../gql/graphql';
import { RequireRole, useRole } from '../../lib/role';

const ProviderKeysPageQueryDoc = graphql(`
  query ProviderKeysPage {
    providerKeys(first: 100) {
      nodes {
        id
        provider
        name
        keyRedacted
        priority
        createdAt
        lastUsedAt
      }
      pageInfo {
        hasNextPage
      }
    }
    providers {
      id
      name
      builtIn
      needsProviderKey
    }
  }
`);

const CreateProviderKeyMutation = graphql(`
  mutation CreateProviderKey($input: CreateProviderKeyInput!) {
    createProviderKey(input: $input) {
      id
      provider
      name
      keyRedacted
      priority
    }
  }
`);

const RotateProviderKeyMutation = graphql(`
  mutation RotateProviderKey($id: ID!, $key: String!) {
    rotateProviderKey(id: $id, key: $key) {
      id
      keyRedacted
    }
  }
`);

const UpdateProviderKeyMutation = graphql(`
  mutation UpdateProviderKey($id: ID!, $input: UpdateProviderKeyInput!) {
    updateProviderKey(id: $id, input: $input) {
      id
      name
      priority
    }
  }
`);

const TestProviderKeyMutation = graphql(`
  mutation TestProviderKey($id: ID!) {
    testProviderKey(id: $id) {
      ok
      status
      latencyMs
      message
    }
  }
`);

const DeleteProviderKeyMutation = graphql(`
  mutation DeleteProviderKey($id: ID!) {
    deleteProviderKey(id: $id)
  }
`);

const TYPENAMES = { additionalTypenames: ['ProviderKey', 'AccessKeyConfiguration'] };

type Data = ProviderKeysPageQuery;
type ProviderKeyNode = Data['providerKeys']['nodes'][number];

export function ProviderKeysPage() {
  const canManage = useRole().can('ADMIN');
  const [result, reexecute] = useQuery({ query: ProviderKeysPageQueryDoc, context: TYPENAMES });
  const [addFor, setAddFor] = useState<string | null>(null);

  return (
    <div className="page">
      <PageHeader
        title="Provider keys"
        description="Your own API keys for upstream providers. Values are encrypted at rest and never shown again after saving."
        actions={
          <RequireRole min="ADMIN">
            <button type="button" className="btn btn-primary" onClick={() => setAddFor('')}>
              Add provider key
            </button>
          </RequireRole>
        }
      />
      <QueryState result={result} label="provider keys" onRetry={() => reexecute({ requestPolicy: 'network-only' })}>
        {(data) => {
          const groups = groupByProvider(data);
          return groups.length === 0 ? (
            <EmptyCard title="No provider keys yet" actionLabel={canManage ? 'Add a provider key' : undefined} onAction={() => setAddFor('')}>
              Add an OpenAI, Anthropic or other provider key to route requests with your own credentials.
            </EmptyCard>
          ) : (
            <div className="stack">
              {groups.map((group) => (
                <Card
                  key={group.providerId}
                  title={
                    <>
                      {group.name} <span className="muted small">{group.keys.length === 1 ? '1 key' : `${group.keys.length} keys`}</span>
                    </>
                  }
                  actions={
                    <RequireRole min="ADMIN">
                      <button type="button" className="btn btn-small" onClick={() => setAddFor(group.providerId)} aria-label={`Add key for ${group.name}`}>
                        Add key
                      </button>
                    </RequireRole>
                  }
                >
                  <DataTable label={`${group.name} keys`} columns={['Name', 'Key', numeric('Priority'), 'Created', 'Last used', ACTIONS_COLUMN]}>
                    <tbody>
                      {group.keys.map((key) => (
                        <ProviderKeyRow key={key.id} providerKey={key} />
                      ))}
                    </tbody>
                  </DataTable>
                </Card>
              ))}
            </div>
          );
        }}
      </QueryState>
      <AddProviderKeyDialog
        open={addFor !== null}
        initialProvider={addFor ?? ''}
        providers={result.data?.providers ?? []}
        existing={result.data?.providerKeys.nodes ?? []}
        onClose={() => setAddFor(null)}
      />
    </div>
  );
}

function groupByProvider(data: Data) {
  const byProvider = new Map<string, ProviderKeyNode[]>();
  for (const key of data.providerKeys.nodes) byProvider.set(key.provider, [...(byProvider.get(key.provider) ?? []), key]);
  return [...byProvider.entries()]
    .map(([providerId, keys]) => ({
      providerId,
      name: data.providers.find((p) => p.id === providerId)?.name ?? providerId,
      keys: [...keys].sort((a, b) => a.priority - b.priority || a.createdAt.localeCompare(b.createdAt)),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function ProviderKeyRow({ providerKey }: { providerKey: ProviderKeyNode }) {
  const [, remove] = useMutation(DeleteProviderKeyMutation);
  const [, test] = useMutation(TestProviderKeyMutation);
  const [rotateOpen, setRotateOpen] = useState(false);
  const [editOpen, setEditOpen] = useState(false);
  return (
    <tr>
      <td className="cell-title">{providerKey.name}</td>
      <td>
        <code className="mono-chip">{providerKey.keyRedacted}</code>
      </td>
      <td className="num">
        <Badge>{providerKey.priority}</Badge>
      </td>
      <RelativeTimeCell value={providerKey.createdAt} />
      <RelativeTimeCell value={providerKey.lastUsedAt} />
      <td className="row-actions">
        <RequireRole min="ADMIN">
          <ConnectionTest subject={providerKey.name} run={async () => {
            const result = await test({ id: providerKey.id });
            return { data: result.data?.testProviderKey, error: result.error };
          }} />
          <RowButton label="Edit" subject={providerKey.name} onClick={() => setEditOpen(true)} />
          <RowButton label="Rotate" subject={providerKey.name} onClick={() => setRotateOpen(true)} />
          <ConfirmButton
            label="Delete"
            ariaLabel={`Delete ${providerKey.name}`}
            title="Delete provider key?"
            onConfirm={async () => (await remove({ id: providerKey.id }, TYPENAMES)).error}
          >
            <p>
              Delete <strong>{providerKey.name}</strong> (<code>{providerKey.keyRedacted}</code>)? Requests will no longer use it.
            </p>
          </ConfirmButton>
          <RotateDialog providerKey={providerKey} open={rotateOpen} onClose={() => setRotateOpen(false)} />
          <Modal title={`Edit “${providerKey.name}”`} open={editOpen} onClose={() => setEditOpen(false)}>
            {editOpen ? <EditProviderKeyForm providerKey={providerKey} onDone={() => setEditOpen(false)} /> : null}
          </Modal>
        </RequireRole>
      </td>
    </tr>
  );
}

function PriorityField({ value, onChange }: { value: string; onChange: (value: string) => void }) {
  return (
    <Field label="Priority" hint="Lower runs first when a configuration does not set an order.">
      <input type="number" inputMode="numeric" value={value} onChange={(e) => onChange(e.target.value)} />
    </Field>
  );
}

function EditProviderKeyForm({ providerKey, onDone }: { providerKey: ProviderKeyNode; onDone: () => void }) {
  const [name, setName] = useState(providerKey.name);
  const [priority, setPriority] = useState(String(providerKey.priority));
  const [state, update] = useMutation(UpdateProviderKeyMutation);
  const submit = async () => {
    const result = await update({ id: providerKey.id, input: { name: name.trim(), priority: Number.parseInt(priority, 10) || 0 } }, TYPENAMES);
    if (!result.error) onDone();
  };
  return (
    <ActionForm onSubmit={submit} state={state} submitLabel="Save" onCancel={onDone}>
      <Field label="Name">
        <input required value={name} onChange={(e) => setName(e.target.value)} />
      </Field>
      <PriorityField value={priority} onChange={setPriority} />
    </ActionForm>
  );
}

function RotateDialog({ providerKey, open, onClose }: { providerKey: ProviderKeyNode; open: boolean; onClose: () => void }) {
  const [value, setValue] = useState('');
  const [state, rotate] = useMutation(RotateProviderKeyMutation);
  const submit = async () => {
    const result = await rotate({ id: providerKey.id, key: value.trim() }, TYPENAMES);
    if (!result.error) {
      setValue('');
      onClose();
    }
  };
  return (
    <FormDialog title={`Rotate “${providerKey.name}”`} open={open} onClose={onClose} onSubmit={submit} state={state} submitLabel="Rotate key">
      <p className="muted">The key keeps its id, priority and place in every configuration's routing; only the secret value is replaced.</p>
      <Field label="New key value">
        <input type="password" autoComplete="off" required value={value} onChange={(e) => setValue(e.target.value)} />
      </Field>
    </FormDialog>
  );
}

interface AddProviderKeyProps {
  initialProvider: string;
  providers: Data['providers'];
  existing: ProviderKeyNode[];
  onClose: () => void;
}

function AddProviderKeyDialog({ open, ...props }: AddProviderKeyProps & { open: boolean }) {
  return (
    <Modal title="Add provider key" open={open} onClose={props.onClose}>
      {open ? <AddProviderKeyForm key={props.initialProvider} {...props} /> : null}
    </Modal>
  );
}

function AddProviderKeyForm({ initialProvider, providers, existing, onClose }: AddProviderKeyProps) {
  const [provider, setProvider] = useState(initialProvider);
  const [name, setName] = useState('');
  const [key, setKey] = useState('');
  const [priority, setPriority] = useState('0');
  const [state, create] = useMutation(CreateProviderKeyMutation);
  const providerName = providers.find((p) => p.id === provider)?.name ?? provider;
  const duplicate = existing.some((k) => k.provider === provider && k.name.trim().toLowerCase() === name.trim().toLowerCase());
  const submit = async () => {
    const result = await create({ input: { provider, name: name.trim(), key: key.trim(), priority: Number.parseInt(priority, 10) || 0 } }, TYPENAMES);
    if (!result.error) onClose();
  };
  return (
    <ActionForm onSubmit={submit} state={state} submitLabel="Save key" busyLabel="Saving…" onCancel={onClose}>
      <Field label="Provider">
        <select required value={provider} onChange={(e) => setProvider(e.target.value)}>
          <option value="">Choose a provider…</option>
          {providers.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
              {p.builtIn ? '' : ' (custom)'}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Name" hint={duplicate ? <DuplicateNameHint what={`${providerName} key`} name={name} /> : undefined}>
        <input required value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. team-prod" />
      </Field>
      <Field label="API key" hint="Stored encrypted. It is never displayed again; rotate it to replace the value.">
        <input type="password" autoComplete="off" required value={key} onChange={(e) => setKey(e.target.value)} placeholder="sk-…" />
      </Field>
      <PriorityField value={priority} onChange={setPriority} />
    </ActionForm>
  );
}
