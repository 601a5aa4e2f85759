import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { Badge } from '../../components/badge';
import { ConfirmButton } from '../../components/confirm-button';
import { ACTIONS_COLUMN, DataTable, RowButton } from '../../components/data-table';
import { EmptyCard } from '../../components/empty-state';
import { PageHeader } from '../../components/page-header';
import { QueryState } from '../../components/query-state';
import { graphql } from '../../gql';
import type { VirtualModelsPageQuery } from '../../gql/graphql';
import { VirtualModelDialog, draftFromVirtualModel, emptyVirtualModelDraft, type VirtualModelDraft } from './virtual-model-editor';
import { RequireRole, useRole } from '../../lib/role';

export const VirtualModelsPageQueryDoc = graphql(`
  query VirtualModelsPage {
    virtualModels(first: 100) {
      nodes {
        id
        name
        description
        strategy
        targets {
          model
          weight
        }
      }
      pageInfo {
        hasNextPage
      }
    }
    providers {
      id
      models {
        id
      }
    }
  }
`);

const DeleteVirtualModelMutation = graphql(`
  mutation DeleteVirtualModel($id: ID!) {
    deleteVirtualModel(id: $id)
  }
`);

export const VIRTUAL_MODEL_TYPENAMES = { additionalTypenames: ['VirtualModel'] };

type Data = VirtualModelsPageQuery;
type VirtualModelNode = Data['virtualModels']['nodes'][number];

export function VirtualModelsPage() {
  const canManage = useRole().can('ADMIN');
  const [result, reexecute] = useQuery({ query: VirtualModelsPageQueryDoc, context: VIRTUAL_MODEL_TYPENAMES });
  const [editing, setEditing] = useState<VirtualModelDraft | null>(null);
  const suggestions = (result.data?.providers ?? []).flatMap((p) => p.models.map((m) => `${p.id}:${m.id}`));

  return (
    <div className="page">
      <PageHeader
        title="Virtual models"
        description={
          <>
            Names your apps use as <code>model</code> (or in <code>models</code>) that stand for a list of real models: tried in order, or with the first
            picked by weight.
          </>
        }
        actions={
          <RequireRole min="ADMIN">
            <button type="button" className="btn btn-primary" onClick={() => setEditing(emptyVirtualModelDraft())}>
              New virtual model
            </button>
          </RequireRole>
        }
      />
      <QueryState result={result} label="virtual models" onRetry={() => reexecute({ requestPolicy: 'network-only' })}>
        {(data) =>
          data.virtualModels.nodes.length === 0 ? (
            <EmptyCard title="No virtual models" actionLabel={canManage ? 'Create a virtual model' : undefined} onAction={() => setEditing(emptyVirtualModelDraft())}>
              A virtual model such as <code>smart</code> can send requests to Claude first and fall back to GPT, or spread them 3:1 across two models, without changing your apps.
            </EmptyCard>
          ) : (
            <DataTable label="Virtual models" columns={['Name', 'Strategy', 'Targets', 'Description', ACTIONS_COLUMN]}>
              <tbody>
                {data.virtualModels.nodes.map((vm) => (
                  <VirtualModelRow key={vm.id} vm={vm} onEdit={() => setEditing(draftFromVirtualModel(vm))} />
                ))}
              </tbody>
            </DataTable>
          )
        }
      </QueryState>
      {editing ? <VirtualModelDialog key={editing.id ?? 'new'} initial={editing} suggestions={suggestions} onClose={() => setEditing(null)} /> : null}
    </div>
  );
}

function VirtualModelRow({ vm, onEdit }: { vm: VirtualModelNode; onEdit: () => void }) {
  const [, remove] = useMutation(DeleteVirtualModelMutation);
  const weighted = vm.strategy === 'WEIGHTED';
  const total = vm.targets.reduce((sum, t) => sum + t.weight, 0);
  return (
    <tr>
      <td className="cell-title">
        <code>{vm.name}</code>
      </td>
      <td>
        <Badge tone={weighted ? 'accent' : 'neutral'}>{weighted ? 'Weighted' : 'Ordered'}</Badge>
      </td>
      <td>
        <ol className="target-list">
          {vm.targets.map((t) => (
            <li key={t.model}>
              <span className="mono small">{t.model}</span>
              {weighted ? <span className="muted small"> · {total > 0 ? Math.round((100 * t.weight) / total) : 0}% first</span> : null}
            </li>
          ))}
        </ol>
      </td>
      <td className="muted">{vm.description ?? ''}</td>
      <td className="row-actions">
        <RequireRole min="ADMIN">
          <RowButton label="Edit" subject={vm.name} onClick={onEdit} />
          <ConfirmButton
            label="Delete"
            ariaLabel={`Delete ${vm.name}`}
            title="Delete virtual model?"
            onConfirm={async () => (await remove({ id: vm.id }, VIRTUAL_MODEL_TYPENAMES)).error}
          >
            <p>
              Delete <strong>{vm.name}</strong>? Requests naming it will fail with <code>model_unknown</code>.
            </p>
          </ConfirmButton>
        </RequireRole>
      </td>
    </tr>
  );
}
