import { useId, useState, type FormEvent } from 'react';
import { Card } from '../../components/card';
import { Field, FormActions } from '../../components/form';
import { graphql } from '../../gql';
import { move, toggle } from '../../lib/list';
import type { AccessKeyConfigurationInput, ConfigurationsPageQuery, RoutingStrategy } from '../../gql/graphql';
import { DuplicateNameHint } from '../../components/form';
import { formatUsd, parseUsdNano } from '../../lib/format';
import { Link } from '../../lib/router';
import { useSaveMutation } from '../../lib/use-save-mutation';

const CreateConfigurationMutation = graphql(`
  mutation CreateAccessKeyConfiguration($input: AccessKeyConfigurationInput!) {
    createAccessKeyConfiguration(input: $input) {
      id
      name
    }
  }
`);

const UpdateConfigurationMutation = graphql(`
  mutation UpdateAccessKeyConfiguration($id: ID!, $input: AccessKeyConfigurationInput!) {
    updateAccessKeyConfiguration(id: $id, input: $input) {
      id
      name
      allowedProviders
      allowedModels
    }
  }
`);

export const CONFIGURATION_TYPENAMES = { additionalTypenames: ['AccessKeyConfiguration', 'ProviderKey', 'Provider', 'AccessKey'] };

export interface RoutingDraft {
  provider: string;
  providerKeyIds: string[];
  useGatewayCredentials: boolean;
  strategy: RoutingStrategy;
  /** Parallel to providerKeyIds. */
  weights: number[];
}

export interface CacheDraft {
  enabled: boolean;
  ttlSeconds: number;
}

const DEFAULT_TTL_SECONDS = 300;

/** "5 min", "1 h 30 min", "45 s": a TTL as people read it. */
export function formatTtl(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return [h ? `${h} h` : '', m ? `${m} min` : '', s ? `${s} s` : ''].filter(Boolean).join(' ') || '0 s';
}

export interface ConfigurationDraft {
  id?: string;
  name: string;
  /** null: all providers (also ones added later); []: none. */
  allowedProviders: string[] | null;
  /** null: all models; entries "provider:model". */
  allowedModels: string[] | null;
  routing: RoutingDraft[];
  cache: CacheDraft;
  /** Attached firewall policies, applied in this order. */
  firewallPolicyIds: string[];
}

type Data = ConfigurationsPageQuery;
type ConfigurationNode = Data['accessKeyConfigurations']['nodes'][number];

export function emptyDraft(): ConfigurationDraft {
  return {
    name: '',
    allowedProviders: null,
    allowedModels: null,
    routing: [],
    cache: { enabled: false, ttlSeconds: DEFAULT_TTL_SECONDS },
    firewallPolicyIds: [],
  };
}

export function draftFromConfiguration(c: ConfigurationNode): ConfigurationDraft {
  return {
    id: c.id,
    name: c.name,
    allowedProviders: c.allowedProviders ? [...c.allowedProviders] : null,
    allowedModels: c.allowedModels ? [...c.allowedModels] : null,
    routing: c.routing.map((r) => ({
      provider: r.provider,
      providerKeyIds: r.providerKeys.map((k) => k.id),
      useGatewayCredentials: r.useGatewayCredentials,
      strategy: r.strategy,
      // providerKeys drops keys deleted since; keep each remaining key's own weight.
      weights: r.providerKeys.map((k) => r.weights[r.providerKeyIds.indexOf(k.id)] ?? 1),
    })),
    cache: { enabled: c.cache.enabled, ttlSeconds: c.cache.ttlSeconds },
    firewallPolicyIds: c.firewallPolicies.map((p) => p.id),
  };
}

export function draftToInput(draft: ConfigurationDraft): AccessKeyConfigurationInput {
  return {
    name: draft.name.trim(),
    allowedProviders: draft.allowedProviders,
    allowedModels: draft.allowedModels,
    routing: draft.routing.map((r) => ({
      provider: r.provider,
      providerKeyIds: r.providerKeyIds,
      useGatewayCredentials: r.useGatewayCredentials,
      strategy: r.strategy,
      weights: r.weights,
    })),
    cache: draft.cache.enabled ? { enabled: true, ttlSeconds: draft.cache.ttlSeconds } : null,
    // Sent every time: an update replaces the whole configuration, so omitting it would detach them.
    firewallPolicyIds: draft.firewallPolicyIds,
  };
}

interface EditorProps {
  initial: ConfigurationDraft;
  data: Data;
  onDone: () => void;
}

/** An allow-list is all, a picked list, or an explicit "block everything": an empty pick is never saved by accident. */
export type AllowMode = 'all' | 'some' | 'none';

export function allowModeOf(list: string[] | null): AllowMode {
  return list === null ? 'all' : list.length === 0 ? 'none' : 'some';
}

/** Why the draft cannot be saved as it stands, in words; null when it can. */
export function draftProblem(draft: ConfigurationDraft, modes: { providers: AllowMode; models: AllowMode }): string | null {
  if (modes.providers === 'some' && (draft.allowedProviders ?? []).length === 0)
    return 'Pick at least one provider, or choose “Block every provider” if that is what you mean.';
  if (modes.models === 'some' && (draft.allowedModels ?? []).length === 0) return 'Pick at least one model, or choose “Block every model” if that is what you mean.';
  return null;
}

export function ConfigurationEditor({ initial, data, onDone }: EditorProps) {
  const [draft, setDraft] = useState<ConfigurationDraft>(initial);
  const [providerMode, setProviderMode] = useState<AllowMode>(() => allowModeOf(initial.allowedProviders));
  const [modelMode, setModelMode] = useState<AllowMode>(() => allowModeOf(initial.allowedModels));
  const [problem, setProblem] = useState<string | null>(null);
  const [save, state] = useSaveMutation(CreateConfigurationMutation, UpdateConfigurationMutation);
  const patch = (p: Partial<ConfigurationDraft>) => setDraft((d) => ({ ...d, ...p }));
  const duplicate = data.accessKeyConfigurations.nodes.some((c) => c.id !== draft.id && c.name.trim().toLowerCase() === draft.name.trim().toLowerCase());

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const invalid = draftProblem(draft, { providers: providerMode, models: modelMode });
    setProblem(invalid);
    if (invalid) return;
    const input = draftToInput(draft);
    const result = await save(draft.id, input, CONFIGURATION_TYPENAMES);
    if (!result.error) onDone();
  };

  const modelProviders = data.providers.filter((p) => draft.allowedProviders === null || draft.allowedProviders.includes(p.id));

  return (
    <form onSubmit={submit} className="editor" aria-label={draft.id ? `Edit configuration ${initial.name}` : 'New configuration'}>
      <Card title={draft.id ? `Edit “${initial.name}”` : 'New configuration'}>
        <Field label="Name" hint={duplicate ? <DuplicateNameHint what="configuration" name={draft.name} /> : undefined}>
          <input required value={draft.name} onChange={(e) => patch({ name: e.target.value })} placeholder="e.g. production" />
        </Field>
      </Card>

      <FirewallPoliciesCard data={data} selected={draft.firewallPolicyIds} onChange={(firewallPolicyIds) => patch({ firewallPolicyIds })} />

      <Card title="Allowed providers">
        <AllowModeChoice
          what="provider"
          mode={providerMode}
          allHint="Includes providers added later."
          onChange={(mode) => {
            setProviderMode(mode);
            patch({ allowedProviders: mode === 'all' ? null : mode === 'none' ? [] : (draft.allowedProviders ?? []) });
          }}
        />
        {providerMode === 'some' ? (
          <fieldset className="check-grid">
            <legend className="visually-hidden">Providers this key may call</legend>
            {data.providers.map((p) => (
              <label key={p.id} className="check">
                <input
                  type="checkbox"
                  checked={draft.allowedProviders?.includes(p.id) ?? false}
                  onChange={(e) => patch({ allowedProviders: toggle(draft.allowedProviders ?? [], p.id, e.target.checked) })}
                />
                <span>{p.name}</span>
                {p.builtIn ? null : <span className="badge badge-accent">custom</span>}
              </label>
            ))}
          </fieldset>
        ) : null}
      </Card>

      <Card title="Allowed models">
        <AllowModeChoice
          what="model"
          mode={modelMode}
          allHint="Every model of the allowed providers."
          onChange={(mode) => {
            setModelMode(mode);
            patch({ allowedModels: mode === 'all' ? null : mode === 'none' ? [] : (draft.allowedModels ?? []) });
          }}
        />
        {modelMode === 'some' ? (
          <ModelPicker providers={modelProviders} selected={draft.allowedModels ?? []} onChange={(allowedModels) => patch({ allowedModels })} />
        ) : null}
      </Card>

      <Card title="Routing">
        <p className="muted small">
          For each provider, the provider keys to try in order. Providers without routing use your keys by priority, then gateway credentials. Add keys on{' '}
          <Link to="/provider-keys">Provider keys</Link>.
        </p>
        <RoutingEditor data={data} routing={draft.routing} onChange={(routing) => patch({ routing })} />
      </Card>

      <Card title="Response cache">
        <label className="switch-row">
          <input
            type="checkbox"
            role="switch"
            checked={draft.cache.enabled}
            onChange={(e) => patch({ cache: { ...draft.cache, enabled: e.target.checked } })}
          />
          <span>
            <strong>Cache answers</strong>
            <small className="hint">
              An identical request (same account, route, body and model) within the TTL is answered from the cache and costs only the processing fee.
              This stores answers: off by default. Clients can skip it with <code>cache-control: no-cache</code>.
            </small>
          </span>
        </label>
        {draft.cache.enabled ? (
          <Field label="Time to live (seconds)" hint={`${formatTtl(draft.cache.ttlSeconds || 0)}; at most 7 days.`}>
            <input
              type="number"
              min={1}
              max={604800}
              step={1}
              required
              value={draft.cache.ttlSeconds}
              onChange={(e) => patch({ cache: { ...draft.cache, ttlSeconds: Number(e.target.value) } })}
            />
          </Field>
        ) : null}
      </Card>

      <div className="sticky-actions">
        <FormActions state={{ fetching: state.fetching, error: problem ?? state.error }} submitLabel={draft.id ? 'Save changes' : 'Create configuration'} busyLabel="Saving…" onCancel={onDone} />
      </div>
    </form>
  );
}

function ModelPicker({ providers, selected, onChange }: { providers: Data['providers']; selected: string[]; onChange: (models: string[]) => void }) {
  const [custom, setCustom] = useState('');
  const known = new Set(providers.flatMap((p) => p.models.map((m) => `${p.id}:${m.id}`)));
  const extra = selected.filter((m) => !known.has(m));
  const addCustom = () => {
    const value = custom.trim();
    if (!value.includes(':')) return;
    onChange(toggle(selected, value, true));
    setCustom('');
  };
  return (
    <div className="model-picker">
      <p className="muted small">{selected.length === 0 ? 'None selected yet.' : `${selected.length} selected`}</p>
      {providers.map((p) => (
        <ModelGroup key={p.id} provider={p} selected={selected} onChange={onChange} initiallyOpen={providers.length <= 3} />
      ))}
      <div className="inline-form">
        <Field label="Other model (provider:model)" className="grow">
          <input
            value={custom}
            onChange={(e) => setCustom(e.target.value)}
            placeholder="openai:gpt-4.1-nano"
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                addCustom();
              }
            }}
          />
        </Field>
        <button type="button" className="btn" onClick={addCustom} disabled={!custom.includes(':')}>
          Add model
        </button>
      </div>
      {extra.length > 0 ? (
        <ul className="chip-list" aria-label="Other models">
          {extra.map((m) => (
            <li key={m} className="chip">
              <span className="mono small">{m}</span>
              <button type="button" className="chip-remove" aria-label={`Remove ${m}`} onClick={() => onChange(selected.filter((x) => x !== m))}>
                ×
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

function ModelGroup({
  provider,
  selected,
  onChange,
  initiallyOpen,
}: {
  provider: Data['providers'][number];
  selected: string[];
  onChange: (models: string[]) => void;
  initiallyOpen: boolean;
}) {
  const ids = provider.models.map((m) => `${provider.id}:${m.id}`);
  const count = ids.filter((id) => selected.includes(id)).length;
  // Uncontrolled after the first render so ticking boxes never collapses the group.
  const [open, setOpen] = useState(() => initiallyOpen || count > 0);
  return (
    <details className="model-group" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>
        <span>{provider.name}</span>
        <span className="muted small">
          {count}/{ids.length}
        </span>
      </summary>
      <div className="model-group-actions">
        <button type="button" className="btn btn-small" onClick={() => onChange([...selected.filter((m) => !ids.includes(m)), ...ids])}>
          Select all {provider.name}
        </button>
        <button type="button" className="btn btn-small" onClick={() => onChange(selected.filter((m) => !ids.includes(m)))}>
          Clear
        </button>
      </div>
      <fieldset className="check-grid">
        <legend className="visually-hidden">{provider.name} models</legend>
        {provider.models.map((m) => {
          const id = `${provider.id}:${m.id}`;
          return (
            <label key={id} className="check">
              <input type="checkbox" checked={selected.includes(id)} onChange={(e) => onChange(toggle(selected, id, e.target.checked))} />
              <span className="mono small">{m.id}</span>
            </label>
          );
        })}
        {provider.models.length === 0 ? <p className="muted small">No catalog models.</p> : null}
      </fieldset>
    </details>
  );
}

function RoutingEditor({ data, routing, onChange }: { data: Data; routing: RoutingDraft[]; onChange: (routing: RoutingDraft[]) => void }) {
  const [newProvider, setNewProvider] = useState('');
  const unrouted = data.providers.filter((p) => !routing.some((r) => r.provider === p.id));
  const keyById = new Map(data.providerKeys.nodes.map((k) => [k.id, k]));
  const setEntry = (index: number, entry: RoutingDraft) => onChange(routing.map((r, i) => (i === index ? entry : r)));

  return (
    <div className="routing-editor">
      {routing.length === 0 ? <p className="muted">No routing rules.</p> : null}
      {routing.map((entry, index) => {
        const provider = data.providers.find((p) => p.id === entry.provider);
        const name = provider?.name ?? entry.provider;
        const available = data.providerKeys.nodes.filter((k) => k.provider === entry.provider && !entry.providerKeyIds.includes(k.id));
        return (
          <section key={entry.provider} className="routing-entry" aria-label={`Routing for ${name}`}>
            <header className="routing-header">
              <h3>{name}</h3>
              <button type="button" className="btn btn-small btn-danger-ghost" onClick={() => onChange(routing.filter((_, i) => i !== index))} aria-label={`Remove routing for ${name}`}>
                Remove
              </button>
            </header>
            {entry.providerKeyIds.length > 1 ? (
              <Field label="Key selection" hint={entry.strategy === 'WEIGHTED' ? 'The first key is picked by weight, the others follow as fallbacks.' : 'Keys are tried in order.'}>
                <select value={entry.strategy} onChange={(e) => setEntry(index, { ...entry, strategy: e.target.value as RoutingStrategy })}>
                  <option value="ORDERED">In order</option>
                  <option value="WEIGHTED">Spread by weight</option>
                </select>
              </Field>
            ) : null}
            {entry.providerKeyIds.length === 0 ? (
              <p className="muted small">No provider keys in this route.</p>
            ) : (
              <ol className="ordered-keys">
                {entry.providerKeyIds.map((id, position) => {
                  const key = keyById.get(id);
                  const label = key ? key.name : id;
                  return (
                    <li key={id}>
                      <span className="order-index" aria-hidden="true">
                        {position + 1}
                      </span>
                      <span className="grow">
                        {label} {key ? <code className="mono-chip">{key.keyRedacted}</code> : <span className="badge badge-danger">missing</span>}
                      </span>
                      {entry.strategy === 'WEIGHTED' && entry.providerKeyIds.length > 1 ? (
                        <label className="field weight-field">
                          <span className="visually-hidden">Weight of {label}</span>
                          <input
                            type="number"
                            min={0}
                            max={1000}
                            step={1}
                            value={entry.weights[position] ?? 1}
                            onChange={(e) => setEntry(index, { ...entry, weights: entry.weights.map((w, i) => (i === position ? Number(e.target.value) : w)) })}
                          />
                        </label>
                      ) : null}
                      <span className="order-buttons">
                        <button
                          type="button"
                          className="btn-icon"
                          aria-label={`Move ${label} up`}
                          disabled={position === 0}
                          onClick={() => setEntry(index, { ...entry, providerKeyIds: move(entry.providerKeyIds, position, position - 1), weights: move(entry.weights, position, position - 1) })}
                        >
                          ↑
                        </button>
                        <button
                          type="button"
                          className="btn-icon"
                          aria-label={`Move ${label} down`}
                          disabled={position === entry.providerKeyIds.length - 1}
                          onClick={() => setEntry(index, { ...entry, providerKeyIds: move(entry.providerKeyIds, position, position + 1), weights: move(entry.weights, position, position + 1) })}
                        >
                          ↓
                        </button>
                        <button
                          type="button"
                          className="btn-icon"
                          aria-label={`Remove ${label} from route`}
                          onClick={() =>
                            setEntry(index, {
                              ...entry,
                              providerKeyIds: entry.providerKeyIds.filter((k) => k !== id),
                              weights: entry.weights.filter((_, i) => i !== position),
                            })
                          }
                        >
                          ×
                        </button>
                      </span>
                    </li>
                  );
                })}
              </ol>
            )}
            <div className="inline-form">
              <label className="field grow">
                <span>Add {name} key</span>
                <select
                  value=""
                  onChange={(e) =>
                    e.target.value && setEntry(index, { ...entry, providerKeyIds: [...entry.providerKeyIds, e.target.value], weights: [...entry.weights, 1] })
                  }
                  disabled={available.length === 0}
                >
                  <option value="">{available.length === 0 ? 'No other keys for this provider' : 'Choose a key…'}</option>
                  {available.map((k) => (
                    <option key={k.id} value={k.id}>
                      {k.name} ({k.keyRedacted})
                    </option>
                  ))}
                </select>
              </label>
            </div>
            <label className="switch-row">
              <input
                type="checkbox"
                role="switch"
                checked={entry.useGatewayCredentials}
                disabled={!provider?.gatewayCredentials && !entry.useGatewayCredentials}
                onChange={(e) => setEntry(index, { ...entry, useGatewayCredentials: e.target.checked })}
              />
              <span>
                <strong>Gateway credentials</strong>
                <small className="hint">
                  {provider?.gatewayCredentials
                    ? `After these keys, fall back to the gateway's own ${name} credentials. Those requests are paid from your credits at catalog prices${
                        gatewayCostSummary(provider) ? ` (${gatewayCostSummary(provider)})` : ''
                      }, on top of the processing fee.`
                    : `This gateway offers no ${name} credentials, so only the keys above are used.`}
                </small>
              </span>
            </label>
          </section>
        );
      })}
      {unrouted.length > 0 ? (
        <div className="inline-form">
          <Field label="Add routing for provider" className="grow">
            <select value={newProvider} onChange={(e) => setNewProvider(e.target.value)}>
              <option value="">Choose a provider…</option>
              {unrouted.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </Field>
          <button
            type="button"
            className="btn"
            disabled={!newProvider}
            onClick={() => {
              const keys = data.providerKeys.nodes.filter((k) => k.provider === newProvider).sort((a, b) => a.priority - b.priority);
              // Paid fallback is opt-in when own keys exist; with none, the gateway's credentials are the only way to serve it.
              const gateway = (data.providers.find((p) => p.id === newProvider)?.gatewayCredentials ?? false) && keys.length === 0;
              onChange([
                ...routing,
                { provider: newProvider, providerKeyIds: keys.map((k) => k.id), useGatewayCredentials: gateway, strategy: 'ORDERED', weights: keys.map(() => 1) },
              ]);
              setNewProvider('');
            }}
          >
            Add routing
          </button>
        </div>
      ) : null}
    </div>
  );
}

function AllowModeChoice({ what, mode, allHint, onChange }: { what: 'provider' | 'model'; mode: AllowMode; allHint: string; onChange: (mode: AllowMode) => void }) {
  const name = useId();
  const options: { value: AllowMode; label: string; hint: string }[] = [
    { value: 'all', label: `All ${what}s`, hint: allHint },
    { value: 'some', label: `Only the ${what}s I pick`, hint: `Keys may call the ${what}s ticked below and nothing else.` },
    { value: 'none', label: `Block every ${what}`, hint: 'For a key that must not make requests for now.' },
  ];
  return (
    <fieldset className="allow-mode">
      <legend className="visually-hidden">Allowed {what}s</legend>
      {options.map((o) => (
        <label key={o.value} className="check allow-option">
          <input type="radio" name={name} value={o.value} checked={mode === o.value} onChange={() => onChange(o.value)} />
          <span>
            <strong>{o.label}</strong>
            <small className="hint">{o.hint}</small>
          </span>
        </label>
      ))}
      {mode === 'none' ? (
        <p className="alert alert-warning" role="status">
          Every {what} is blocked: requests with keys that use this configuration are refused (403).
        </p>
      ) : null}
    </fieldset>
  );
}

type ProviderNode = Data['providers'][number];

/** "from $0.10 to $15.00 per million input tokens": what the gateway's credentials cost for this provider's catalog. */
export function gatewayCostSummary(provider: Pick<ProviderNode, 'models'>): string | null {
  const prices = provider.models
    .map((m) => m.inputPriceUsdPerMTok)
    .filter((p): p is string => p !== null && p !== undefined)
    .map((p) => ({ p, nano: parseUsdNano(p) ?? 0n }))
    .sort((a, b) => (a.nano < b.nano ? -1 : a.nano > b.nano ? 1 : 0));
  if (prices.length === 0) return null;
  const low = formatUsd(prices[0].p);
  const high = formatUsd(prices[prices.length - 1].p);
  return low === high ? `${low} per million input tokens` : `${low} to ${high} per million input tokens (output costs more)`;
}

/** Which firewall policies apply to keys using this configuration (in the order they were ticked). */
function FirewallPoliciesCard({ data, selected, onChange }: { data: Data; selected: string[]; onChange: (ids: string[]) => void }) {
  const policies = data.firewallPolicies.nodes;
  return (
    <Card title="Firewall policies">
      {policies.length === 0 ? (
        <p className="muted">
          No firewall policies yet. <Link to="/firewall">Create one</Link> to block patterns or tools, or to redact personal data before it reaches a provider.
        </p>
      ) : (
        <fieldset className="check-grid">
          <legend className="visually-hidden">Firewall policies applied to every request</legend>
          {policies.map((p) => (
            <label key={p.id} className="check">
              <input type="checkbox" checked={selected.includes(p.id)} onChange={(e) => onChange(toggle(selected, p.id, e.target.checked))} />
              {p.name} <small className="hint">{p.mode === 'ENFORCE' ? 'enforce' : 'dry run'}</small>
            </label>
          ))}
        </fieldset>
      )}
    </Card>
  );
}
