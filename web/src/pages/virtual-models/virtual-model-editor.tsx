import { useId, useState } from 'react';
import { useMutation } from 'urql';
import { Field, FormDialog } from '../../components/form';
import { graphql } from '../../gql';
import { move } from '../../lib/list';
import type { RoutingStrategy, VirtualModelInput, VirtualModelsPageQuery } from '../../gql/graphql';

const CreateVirtualModelMutation = graphql(`
  mutation CreateVirtualModel($input: VirtualModelInput!) {
    createVirtualModel(input: $input) {
      id
      name
    }
  }
`);

const UpdateVirtualModelMutation = graphql(`
  mutation UpdateVirtualModel($id: ID!, $input: VirtualModelInput!) {
    updateVirtualModel(id: $id, input: $input) {
      id
      name
      description
      strategy
      targets {
        model
        weight
      }
    }
  }
`);

const TYPENAMES = { additionalTypenames: ['VirtualModel'] };

export interface VirtualModelDraft {
  id?: string;
  name: string;
  description: string;
  strategy: RoutingStrategy;
  targets: { model: string; weight: number }[];
}

export function emptyVirtualModelDraft(): VirtualModelDraft {
  return { name: '', description: '', strategy: 'ORDERED', targets: [{ model: '', weight: 1 }] };
}

export function draftFromVirtualModel(vm: VirtualModelsPageQuery['virtualModels']['nodes'][number]): VirtualModelDraft {
  return {
    id: vm.id,
    name: vm.name,
    description: vm.description ?? '',
    strategy: vm.strategy,
    targets: vm.targets.map((t) => ({ model: t.model, weight: t.weight })),
  };
}

function toInput(d: VirtualModelDraft): VirtualModelInput {
  return {
    name: d.name.trim(),
    description: d.description.trim() || null,
    strategy: d.strategy,
    targets: d.targets.filter((t) => t.model.trim()).map((t) => ({ model: t.model.trim(), weight: t.weight })),
  };
}

interface DialogProps {
  initial: VirtualModelDraft;
  /** "provider:model" ids offered while typing a target. */
  suggestions: string[];
  onClose: () => void;
}

export function VirtualModelDialog({ initial, suggestions, onClose }: DialogProps) {
  const [draft, setDraft] = useState(initial);
  const [createState, create] = useMutation(CreateVirtualModelMutation);
  const [updateState, update] = useMutation(UpdateVirtualModelMutation);
  const listId = useId();
  const weighted = draft.strategy === 'WEIGHTED';
  const patch = (p: Partial<VirtualModelDraft>) => setDraft((d) => ({ ...d, ...p }));
  const setTarget = (index: number, t: Partial<VirtualModelDraft['targets'][number]>) =>
    patch({ targets: draft.targets.map((x, i) => (i === index ? { ...x, ...t } : x)) });
  const total = draft.targets.reduce((sum, t) => sum + (t.weight > 0 ? t.weight : 0), 0);

  const submit = async () => {
    const input = toInput(draft);
    const result = draft.id ? await update({ id: draft.id, input }, TYPENAMES) : await create({ input }, TYPENAMES);
    if (!result.error) onClose();
  };

  return (
    <FormDialog
      title={draft.id ? `Edit “${initial.name}”` : 'New virtual model'}
      open
      wide
      onClose={onClose}
      onSubmit={submit}
      state={draft.id ? updateState : createState}
      submitLabel={draft.id ? 'Save changes' : 'Create virtual model'}
      busyLabel="Saving…"
    >
      <Field label="Name" hint="Lower-case letters, digits, “.”, “_” and “-”; not a real model id. Apps send it as model.">
        <input required value={draft.name} onChange={(e) => patch({ name: e.target.value })} placeholder="e.g. smart" pattern="[a-z0-9][a-z0-9._\-]*" maxLength={64} />
      </Field>
      <Field label="Description">
        <input value={draft.description} onChange={(e) => patch({ description: e.target.value })} placeholder="optional" maxLength={500} />
      </Field>
      <Field
        label="Strategy"
        hint={weighted ? 'The first target is picked by weight; the others follow in order as fallbacks. Weight 0: fallback only.' : 'Targets are tried in order.'}
      >
        <select value={draft.strategy} onChange={(e) => patch({ strategy: e.target.value as RoutingStrategy })}>
          <option value={'ORDERED'}>Ordered</option>
          <option value={'WEIGHTED'}>Weighted</option>
        </select>
      </Field>
      <fieldset className="target-editor">
        <legend>Targets</legend>
        <datalist id={listId}>
          {suggestions.map((s) => (
            <option key={s} value={s} />
          ))}
        </datalist>
        <ol className="ordered-keys">
          {draft.targets.map((t, index) => {
            const label = t.model || `target ${index + 1}`;
            return (
              <li key={index}>
                <span className="order-index" aria-hidden="true">
                  {index + 1}
                </span>
                <label className="field grow">
                  <span className="visually-hidden">Target {index + 1} model</span>
                  <input required list={listId} value={t.model} onChange={(e) => setTarget(index, { model: e.target.value })} placeholder="gpt-4o or anthropic:claude-sonnet-4-5" />
                </label>
                {weighted ? (
                  <label className="field weight-field">
                    <span className="visually-hidden">Weight of {label}</span>
                    <input type="number" min={0} max={1000} step={1} value={t.weight} onChange={(e) => setTarget(index, { weight: Number(e.target.value) })} />
                    <small className="hint">{total > 0 && t.weight > 0 ? `${Math.round((100 * t.weight) / total)}% first` : 'fallback only'}</small>
                  </label>
                ) : null}
                <span className="order-buttons">
                  <button type="button" className="btn-icon" aria-label={`Move ${label} up`} disabled={index === 0} onClick={() => patch({ targets: move(draft.targets, index, index - 1) })}>
                    ↑
                  </button>
                  <button
                    type="button"
                    className="btn-icon"
                    aria-label={`Move ${label} down`}
                    disabled={index === draft.targets.length - 1}
                    onClick={() => patch({ targets: move(draft.targets, index, index + 1) })}
                  >
                    ↓
                  </button>
                  <button
                    type="button"
                    className="btn-icon"
                    aria-label={`Remove ${label}`}
                    disabled={draft.targets.length === 1}
                    onClick={() => patch({ targets: draft.targets.filter((_, i) => i !== index) })}
                  >
                    ×
                  </button>
                </span>
              </li>
            );
          })}
        </ol>
        <button type="button" className="btn btn-small" disabled={draft.targets.length >= 20} onClick={() => patch({ targets: [...draft.targets, { model: '', weight: 1 }] })}>
          Add target
        </button>
      </fieldset>
    </FormDialog>
  );
}
