import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { Badge } from '../../components/badge';
import { Card } from '../../components/card';
import { ConfirmButton } from '../../components/confirm-button';
import { RowButton } from '../../components/data-table';
import { EmptyCard } from '../../components/empty-state';
import { PageHeader } from '../../components/page-header';
import { QueryState } from '../../components/query-state';
import { graphql } from '../../gql';
import type { ConfigurationsPageQuery } from '../../gql/graphql';
import { CONFIGURATION_TYPENAMES, ConfigurationEditor, draftFromConfiguration, emptyDraft, formatTtl, type ConfigurationDraft } from './configuration-editor';
import { RequireRole, useRole } from '../../lib/role';

export const ConfigurationsPageQueryDoc = graphql(`
  query ConfigurationsPage {
    accessKeyConfigurations(first: 100) {
      nodes {
        id
        name
        allowedProviders
        allowedModels
        routing {
          provider
          useGatewayCredentials
          strategy
          weights
          providerKeyIds
          providerKeys {
            id
            name
            provider
            keyRedacted
          }
        }
        cache {
          enabled
          ttlSeconds
        }
        firewallPolicies {
          id
          name
        }
      }
    }
    firewallPolicies(first: 100) {
      nodes {
        id
        name
        mode
      }
    }
    providers {
      id
      name
      builtIn
      needsProviderKey
      gatewayCredentials
      models {
        id
        displayName
        inputPriceUsdPerMTok
        outputPriceUsdPerMTok
      }
    }
    providerKeys(first: 100) {
      nodes {
        id
        provider
        name
        keyRedacted
        priority
      }
    }
  }
`);

const DeleteConfigurationMutation = graphql(`
  mutation DeleteAccessKeyConfiguration($id: ID!) {
    deleteAccessKeyConfiguration(id: $id)
  }
`);

export type ConfigurationsData = ConfigurationsPageQuery;
type ConfigurationNode = ConfigurationsPageQuery['accessKeyConfigurations']['nodes'][number];

export function ConfigurationsPage() {
  const canManage = useRole().can('ADMIN');
  const [result, reexecute] = useQuery({ query: ConfigurationsPageQueryDoc, context: CONFIGURATION_TYPENAMES });
  const [editing, setEditing] = useState<ConfigurationDraft | null>(null);

  return (
    <div className="page">
      <PageHeader
        title="Configurations"
        description="Reusable policies for access keys: which providers and models a key may call, and which provider keys serve them, in order."
        actions={
          editing ? null : (
            <RequireRole min="ADMIN">
              <button type="button" className="btn btn-primary" onClick={() => setEditing(emptyDraft())}>
                New configuration
              </button>
            </RequireRole>
          )
        }
      />
      <QueryState result={result} label="configurations" onRetry={() => reexecute({ requestPolicy: 'network-only' })}>
        {(data) =>
          editing ? (
            <ConfigurationEditor key={editing.id ?? 'new'} initial={editing} data={data} onDone={() => setEditing(null)} />
          ) : data.accessKeyConfigurations.nodes.length === 0 ? (
            <EmptyCard title="No configurations" actionLabel={canManage ? 'Create a configuration' : undefined} onAction={() => setEditing(emptyDraft())}>
              Keys without a configuration may use every provider and model, with your provider keys in priority order.
            </EmptyCard>
          ) : (
            <div className="card-grid">
              {data.accessKeyConfigurations.nodes.map((configuration) => (
                <ConfigurationCard key={configuration.id} configuration={configuration} data={data} onEdit={() => setEditing(draftFromConfiguration(configuration))} />
              ))}
            </div>
          )
        }
      </QueryState>
    </div>
  );
}

function ConfigurationCard({ configuration, data, onEdit }: { configuration: ConfigurationNode; data: ConfigurationsData; onEdit: () => void }) {
  const [, remove] = useMutation(DeleteConfigurationMutation);
  const providerName = (id: string) => data.providers.find((p) => p.id === id)?.name ?? id;
  return (
    <Card
      title={configuration.name}
      actions={
        <RequireRole min="ADMIN">
          <RowButton label="Edit" subject={configuration.name} onClick={onEdit} />
          <ConfirmButton
            label="Delete"
            ariaLabel={`Delete ${configuration.name}`}
            title="Delete configuration?"
            onConfirm={async () => (await remove({ id: configuration.id }, CONFIGURATION_TYPENAMES)).error}
          >
            <p>
              Delete <strong>{configuration.name}</strong>? Access keys still using it must be moved to another configuration first.
            </p>
          </ConfirmButton>
        </RequireRole>
      }
    >
      <dl className="summary-list">
        <div>
          <dt>Providers</dt>
          <dd>
            {configuration.allowedProviders === null ? (
              <Badge tone="success">All providers</Badge>
            ) : configuration.allowedProviders.length === 0 ? (
              <Badge tone="danger">None</Badge>
            ) : (
              configuration.allowedProviders.map((p) => <Badge key={p}>{providerName(p)}</Badge>)
            )}
          </dd>
        </div>
        <div>
          <dt>Models</dt>
          <dd>
            {configuration.allowedModels === null ? (
              <Badge tone="success">All models</Badge>
            ) : configuration.allowedModels.length === 0 ? (
              <Badge tone="danger">None</Badge>
            ) : (
              <>
                {configuration.allowedModels.slice(0, 6).map((m) => (
                  <Badge key={m}>{m}</Badge>
                ))}
                {configuration.allowedModels.length > 6 ? <Badge tone="neutral">+{configuration.allowedModels.length - 6} more</Badge> : null}
              </>
            )}
          </dd>
        </div>
        {configuration.firewallPolicies.length ? (
          <div>
            <dt>Firewall</dt>
            <dd>
              {configuration.firewallPolicies.map((p) => (
                <Badge key={p.id}>{p.name}</Badge>
              ))}
            </dd>
          </div>
        ) : null}
        <div>
          <dt>Routing</dt>
          <dd>
            {configuration.routing.length === 0 ? (
              <span className="muted">Default: your keys by priority, then gateway credentials</span>
            ) : (
              <ul className="routing-summary">
                {configuration.routing.map((r) => (
                  <li key={r.provider}>
                    <strong>{providerName(r.provider)}</strong>
                    {r.strategy === 'WEIGHTED' ? ' (weighted)' : ''}:{' '}
                    {r.providerKeys
                      .map((k) => {
                        const weight = r.weights[r.providerKeys.indexOf(k)];
                        return r.strategy === 'WEIGHTED' ? `${k.name} ×${weight}` : k.name;
                      })
                      .join(r.strategy === 'WEIGHTED' ? ', ' : ' → ') || 'no keys'}
                    {r.useGatewayCredentials ? ' → gateway credentials' : ''}
                  </li>
                ))}
              </ul>
            )}
          </dd>
        </div>
        <div>
          <dt>Response cache</dt>
          <dd>
            {configuration.cache.enabled ? <Badge tone="info">On, {formatTtl(configuration.cache.ttlSeconds)}</Badge> : <span className="muted">Off</span>}
          </dd>
        </div>
      </dl>
    </Card>
  );
}
