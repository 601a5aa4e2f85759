import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { Badge } from '../../components/badge';
import { Card } from '../../components/card';
import { ConfirmButton } from '../../components/confirm-button';
import { ConnectionTest } from '../../components/connection-test';
import { ACTIONS_COLUMN, DataTable, numeric, RowButton } from '../../components/data-table';
import { ActionForm, Field } from '../../components/form';
import { Modal } from '../../components/modal';
import { PageHeader } from '../../components/page-header';
import { QueryState } from '../../components/query-state';
import { graphql } from '../../gql';
import type { ApiFormat, ProvidersPageQuery } from '../../gql/graphql';
import { privateAddressKind } from '../../lib/address';
import { formatCompact, formatUsd } from '../../lib/format';
import { useSaveMutation } from '../../lib/use-save-mutation';
import { RequireRole } from '../../lib/role';

const ProvidersPageQueryDoc = graphql(`
  query ProvidersPage {
    providers {
      id
      name
      builtIn
      apiFormat
      baseUrl
      needsProviderKey
      gatewayCredentials
      models {
        id
        provider
        displayName
        contextWindow
        maxOutputTokens
        inputPriceUsdPerMTok
        outputPriceUsdPerMTok
        cachedInputPriceUsdPerMTok
        kind
      }
    }
  }
`);

const CreateCustomProviderMutation = graphql(`
  mutation CreateCustomProvider($input: CustomProviderInput!) {
    createCustomProvider(input: $input) {
      id
      name
    }
  }
`);

const UpdateCustomProviderMutation = graphql(`
  mutation UpdateCustomProvider($id: ID!, $input: CustomProviderInput!) {
    updateCustomProvider(id: $id, input: $input) {
      id
      name
      baseUrl
      apiFormat
    }
  }
`);

const TestCustomProviderMutation = graphql(`
  mutation TestCustomProvider($providerId: String!) {
    testCustomProvider(providerId: $providerId) {
      ok
      status
      latencyMs
      message
    }
  }
`);

const DeleteCustomProviderMutation = graphql(`
  mutation DeleteCustomProvider($id: ID!) {
    deleteCustomProvider(id: $id)
  }
`);

const TYPENAMES = { additionalTypenames: ['Provider', 'Model'] };

type ProviderNode = ProvidersPageQuery['providers'][number];

export function ProvidersPage() {
  const [result, reexecute] = useQuery({ query: ProvidersPageQueryDoc, context: TYPENAMES });
  const [filter, setFilter] = useState('');
  const [editing, setEditing] = useState<ProviderNode | 'new' | null>(null);

  return (
    <div className="page">
      <PageHeader
        title="Providers & models"
        description="The model catalog with limits and prices (USD per million tokens), and your custom OpenAI- or Anthropic-compatible providers."
        actions={
          <RequireRole min="ADMIN">
            <button type="button" className="btn btn-primary" onClick={() => setEditing('new')}>
              Add custom provider
            </button>
          </RequireRole>
        }
      />
      <QueryState result={result} label="providers" onRetry={() => reexecute({ requestPolicy: 'network-only' })}>
        {(data) => {
          const custom = data.providers.filter((p) => !p.builtIn);
          const needle = filter.trim().toLowerCase();
          const visible = data.providers
            .map((p) => ({
              provider: p,
              models: p.models.filter((m) => !needle || `${p.id}:${m.id} ${m.displayName ?? ''} ${p.name}`.toLowerCase().includes(needle)),
            }))
            .filter((g) => g.models.length > 0 || (!needle && g.provider.models.length === 0));
          return (
            <div className="stack">
              <Card title="Custom providers">
                {custom.length === 0 ? (
                  <p className="muted">No custom providers. Add any OpenAI- or Anthropic-compatible endpoint (vLLM, Ollama, a corporate proxy…).</p>
                ) : (
                  <DataTable label="Custom providers" columns={['Provider', 'Base URL', 'Format', numeric('Models'), ACTIONS_COLUMN]}>
                    <tbody>
                      {custom.map((p) => (
                        <CustomProviderRow key={p.id} provider={p} onEdit={() => setEditing(p)} />
                      ))}
                    </tbody>
                  </DataTable>
                )}
              </Card>
              <Card
                title="Catalog"
                actions={
                  <label className="search">
                    <span className="visually-hidden">Filter models</span>
                    <input type="search" placeholder="Filter models…" value={filter} onChange={(e) => setFilter(e.target.value)} />
                  </label>
                }
              >
                <DataTable
                  label="Model catalog"
                  className="catalog"
                  columns={['Model', numeric('Context'), numeric('Max output'), numeric('Input $/MTok'), numeric('Output $/MTok')]}
                >
                    {visible.map(({ provider, models }) => (
                      <tbody key={provider.id}>
                        <tr className="group-row">
                          <th scope="rowgroup" colSpan={5}>
                            <span className="group-title">{provider.name}</span>
                            <code className="muted small">{provider.id}</code>
                            <Badge tone="info">{provider.apiFormat === 'ANTHROPIC' ? 'Anthropic format' : 'OpenAI format'}</Badge>
                            {provider.gatewayCredentials ? (
                              <Badge tone="success" title="Can run on the gateway's own credentials, paid from credits">
                                Gateway credentials
                              </Badge>
                            ) : null}
                            {provider.needsProviderKey ? (
                              <Badge tone="warning" title="Requests need one of your provider keys">
                                Needs your key
                              </Badge>
                            ) : null}
                            {provider.builtIn ? null : <Badge tone="accent">Custom</Badge>}
                          </th>
                        </tr>
                        {models.length === 0 ? (
                          <tr>
                            <td colSpan={5} className="muted">
                              No models declared.
                            </td>
                          </tr>
                        ) : (
                          models.map((m) => (
                            <tr key={m.id}>
                              <td>
                                <div className="cell-title">
                                  {m.displayName || m.id}{' '}
                                  {m.kind === 'EMBEDDING' ? (
                                    <Badge tone="info" title="Serves POST /v1/embeddings only; billed per input token">
                                      Embedding
                                    </Badge>
                                  ) : null}
                                </div>
                                <code className="muted small">
                                  {provider.id}:{m.id}
                                </code>
                              </td>
                              <td className="num">{formatCompact(m.contextWindow)}</td>
                              {/* Embedding models generate nothing: no output limit to show. */}
                              <td className="num">{formatCompact(m.kind === 'EMBEDDING' ? null : m.maxOutputTokens)}</td>
                              <td className="num">
                                {formatUsd(m.inputPriceUsdPerMTok)}
                                {m.cachedInputPriceUsdPerMTok !== null ? (
                                  <div className="muted small" title="Input read from the provider's prompt cache">
                                    cached {formatUsd(m.cachedInputPriceUsdPerMTok)}
                                  </div>
                                ) : null}
                              </td>
                              <td className="num">{formatUsd(m.outputPriceUsdPerMTok)}</td>
                            </tr>
                          ))
                        )}
                      </tbody>
                    ))}
                </DataTable>
                {visible.length === 0 ? <p className="muted table-note">No model matches “{filter}”.</p> : null}
              </Card>
            </div>
          );
        }}
      </QueryState>
      <Modal title={editing === 'new' ? 'Add custom provider' : `Edit ${editing?.name ?? ''}`} open={editing !== null} onClose={() => setEditing(null)} wide>
        {editing ? <CustomProviderForm key={editing === 'new' ? 'new' : editing.id} provider={editing === 'new' ? null : editing} onDone={() => setEditing(null)} /> : null}
      </Modal>
    </div>
  );
}

function CustomProviderRow({ provider, onEdit }: { provider: ProviderNode; onEdit: () => void }) {
  const [, remove] = useMutation(DeleteCustomProviderMutation);
  const [, test] = useMutation(TestCustomProviderMutation);
  return (
    <tr>
      <td>
        <div className="cell-title">{provider.name}</div>
        <code className="muted small">{provider.id}</code>
      </td>
      <td className="break">
        <code className="small">{provider.baseUrl}</code>
      </td>
      <td>
        <Badge tone="info">{provider.apiFormat === 'ANTHROPIC' ? 'Anthropic' : 'OpenAI'}</Badge>
      </td>
      <td className="num">{provider.models.length}</td>
      <td className="row-actions">
        <RequireRole min="ADMIN">
          <ConnectionTest subject={provider.name} run={async () => {
            const result = await test({ providerId: provider.id });
            return { data: result.data?.testCustomProvider, error: result.error };
          }} />
          <RowButton label="Edit" subject={provider.name} onClick={onEdit} />
          <ConfirmButton
            label="Delete"
            ariaLabel={`Delete ${provider.name}`}
            title="Delete custom provider?"
            onConfirm={async () => (await remove({ id: provider.id }, { additionalTypenames: ['Provider', 'Model', 'ProviderKey', 'AccessKeyConfiguration'] })).error}
          >
            <p>
              Delete <strong>{provider.name}</strong>? Providers still referenced by provider keys, configurations or virtual models cannot be deleted.
            </p>
          </ConfirmButton>
        </RequireRole>
      </td>
    </tr>
  );
}

function CustomProviderForm({ provider, onDone }: { provider: ProviderNode | null; onDone: () => void }) {
  const [providerId, setProviderId] = useState(provider?.id ?? '');
  const [name, setName] = useState(provider?.name ?? '');
  const [baseUrl, setBaseUrl] = useState(provider?.baseUrl ?? '');
  const [apiFormat, setApiFormat] = useState<ApiFormat>(provider?.apiFormat ?? 'OPENAI');
  const [models, setModels] = useState((provider?.models ?? []).map((m) => m.id).join('\n'));
  const [save, state] = useSaveMutation(CreateCustomProviderMutation, UpdateCustomProviderMutation);

  const submit = async () => {
    const input = {
      providerId: providerId.trim(),
      name: name.trim(),
      baseUrl: baseUrl.trim(),
      apiFormat,
      models: models
        .split(/[\n,]/)
        .map((m) => m.trim())
        .filter(Boolean),
    };
    const result = await save(provider?.id, input, TYPENAMES);
    if (!result.error) onDone();
  };

  return (
    <ActionForm onSubmit={submit} state={state} submitLabel={provider ? 'Save provider' : 'Add provider'} busyLabel="Saving…" onCancel={onDone}>
      <div className="form-grid">
        <Field label="Provider id" hint="Lower-case; used in model strings as “id:model”. Must not equal a built-in id.">
          <input required pattern="[a-z0-9][a-z0-9._\-]*" value={providerId} onChange={(e) => setProviderId(e.target.value)} placeholder="my-vllm" />
        </Field>
        <Field label="Display name">
          <input required value={name} onChange={(e) => setName(e.target.value)} placeholder="My vLLM cluster" />
        </Field>
      </div>
      <Field label="Base URL" hint="Include the version path; the gateway appends /chat/completions, /responses or /messages.">
        <input required type="url" value={baseUrl} onChange={(e) => setBaseUrl(e.target.value)} placeholder="https://llm.internal.example.com/v1" />
      </Field>
      <PrivateAddressWarning baseUrl={baseUrl} />
      <fieldset className="radio-row">
        <legend>API format</legend>
        <label className="check">
          <input type="radio" name="apiFormat" value="OPENAI" checked={apiFormat === 'OPENAI'} onChange={() => setApiFormat('OPENAI')} />
          <span>OpenAI (chat completions)</span>
        </label>
        <label className="check">
          <input type="radio" name="apiFormat" value="ANTHROPIC" checked={apiFormat === 'ANTHROPIC'} onChange={() => setApiFormat('ANTHROPIC')} />
          <span>Anthropic (messages)</span>
        </label>
      </fieldset>
      <Field label="Models" hint="One model id per line (or comma-separated). Only declared models can be called.">
        <textarea rows={5} value={models} onChange={(e) => setModels(e.target.value)} placeholder={'llama-3.1-70b-instruct\nqwen2.5-coder-32b'} />
      </Field>
    </ActionForm>
  );
}

/**
 * Warns before saving an address the egress guard refuses by default. Only literal addresses and
 * localhost can be judged here; a host name that resolves to a private address is caught by "Test".
 */
function PrivateAddressWarning({ baseUrl }: { baseUrl: string }) {
  const kind = privateAddressKind(baseUrl);
  if (!kind) return null;
  return (
    <p className="alert alert-warning" role="status">
      <strong>This is a {kind} address.</strong> The gateway refuses to connect to loopback and private addresses unless the operator allows them
      with the <code>CUSTOM_PROVIDER_ALLOW_PRIVATE</code> setting (a comma list of CIDRs such as <code>127.0.0.1/32</code>, then a restart). Save
      and press Test to see whether this gateway allows it.
    </p>
  );
}
