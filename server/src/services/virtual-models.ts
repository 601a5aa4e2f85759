import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { BUILT_IN_CATALOG, type Catalog } from '../catalog/catalog.js';
import type { AuditDetails } from '../entities/audit-event.entity.js';
import { VirtualModel, type IVirtualModel, type RoutingStrategy, type VirtualModelTarget } from '../entities/virtual-model.entity.js';
import { ConflictError } from '../errors/conflict-error.js';
import { NotFoundError } from '../errors/not-found-error.js';
import { ValidationError } from '../errors/validation-error.js';
import type { Page } from '../graphql/types/connection.type.js';
import { auditChanges, auditFields, type AuditSnapshot } from './audit-details.js';
import { flushOrConflict, mutate, type ChangeRecord, type MutationScope } from './mutation.js';
import { paginate } from './pagination.js';
import { loadKnownProviders } from './providers.js';
import { fieldPath, parseInput, throwIssues, uuidSchema } from './validate.js';

export interface VirtualModelInputData {
  name: string;
  description?: string | null;
  strategy?: RoutingStrategy | null;
  targets: { model: string; weight?: number | null }[];
}

export const MAX_VIRTUAL_MODELS = 200;
export const MAX_TARGETS = 20;
export const MAX_WEIGHT = 1000;
const NAME_RE = /^[a-z0-9][a-z0-9._-]*$/;

const InputSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(64, 'must be at most 64 characters')
    .refine((s) => !s.includes(':'), 'must not contain ":" (that separates provider and model)')
    .refine((s) => NAME_RE.test(s), 'must be lower-case letters, digits, ".", "_" or "-", starting with a letter or digit'),
  description: z
    .string()
    .trim()
    .max(500, 'must be at most 500 characters')
    .refine((s) => !/[\u0000-\u0008\u000b-\u001f\u007f]/.test(s), 'must not contain control characters')
    .nullish(),
  strategy: z.enum(['ORDERED', 'WEIGHTED']).nullish(),
  targets: z
    .array(
      z.object({
        model: z
          .string()
          .trim()
          .min(1, 'must not be empty')
          .max(321, 'must be at most 321 characters')
          .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'must not contain control characters'),
        weight: z.number().int('must be an integer').min(0, 'must be at least 0').max(MAX_WEIGHT, `must be at most ${MAX_WEIGHT}`).nullish(),
      }),
    )
    .min(1, 'must list at least one target')
    .max(MAX_TARGETS, `must list at most ${MAX_TARGETS} targets`),
});

interface ValidVirtualModel {
  name: string;
  description: string | null;
  strategy: RoutingStrategy;
  targets: VirtualModelTarget[];
}

/**
 * Targets must be catalog ids or `provider:model` with a provider the account knows (a custom
 * provider's model must be declared). Virtual models do not nest: a target is always a real model.
 */
async function validate(em: EntityManager, accountId: string, input: VirtualModelInputData, catalog: Catalog): Promise<ValidVirtualModel> {
  const data = parseInput(InputSchema, input);
  // Dated variants (`-2024-07-18`, `-20250929`) resolve to their catalog model, so they are catalog ids too.
  if (catalog.isCatalogModelId(data.name)) {
    throw new ValidationError('name: is a catalog model id; choose a name that does not shadow a real model');
  }
  const strategy = data.strategy ?? 'ORDERED';
  const targets = data.targets.map((t) => ({ model: t.model, weight: t.weight ?? 1 }));
  const issues: string[] = [];
  const providerIds = targets.map((t) => t.model.split(':', 1)[0]).filter((_, i) => targets[i].model.includes(':'));
  const known = await loadKnownProviders(em, accountId, providerIds, { lock: true });
  const seen = new Set<string>();
  targets.forEach((t, i) => {
    const path = fieldPath(['targets', i, 'model']);
    const colon = t.model.indexOf(':');
    if (colon >= 0) {
      const provider = t.model.slice(0, colon);
      const model = t.model.slice(colon + 1);
      const p = known.get(provider);
      if (colon === 0 || model.length === 0) issues.push(`${path}: must be a catalog model id or "provider:model"`);
      else if (!p) issues.push(`${path}: unknown provider ${JSON.stringify(provider)}`);
      else if (p.declaredModels && !p.declaredModels.has(model.toLowerCase())) {
        issues.push(`${path}: model ${JSON.stringify(model)} is not declared on custom provider ${JSON.stringify(provider)}`);
      }
    } else if (!catalog.findDefaultModel(t.model)) {
      issues.push(`${path}: ${JSON.stringify(t.model)} is not a catalog model id; use "provider:model" for other models`);
    }
    if (seen.has(t.model.toLowerCase())) issues.push(`${path}: duplicate target ${JSON.stringify(t.model)}`);
    seen.add(t.model.toLowerCase());
  });
  if (strategy === 'WEIGHTED' && !targets.some((t) => t.weight > 0)) {
    issues.push('targets: WEIGHTED needs at least one target with a weight above 0');
  }
  throwIssues(issues);
  return { name: data.name, description: data.description || null, strategy, targets };
}

function duplicateName(name: string): ConflictError {
  return new ConflictError(`A virtual model named ${JSON.stringify(name)} already exists.`);
}

async function lockOwn(em: EntityManager, accountId: string, id: string): Promise<IVirtualModel> {
  if (!uuidSchema.safeParse(id).success) throw new NotFoundError('Virtual model', id);
  const vm = await em.findOne(VirtualModel, { id, accountId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!vm) throw new NotFoundError('Virtual model', id);
  return vm;
}

export async function listVirtualModels(
  em: EntityManager,
  accountId: string,
  args: { first?: number | null; after?: string | null },
): Promise<Page<IVirtualModel>> {
  return paginate(em, VirtualModel, { accountId }, args);
}

/** Every virtual model of an account (for the access context). */
export async function loadVirtualModels(em: EntityManager, accountId: string): Promise<IVirtualModel[]> {
  return em.find(VirtualModel, { accountId });
}

/** What the audit log compares of a virtual model; the target list whole (its JSON text, truncated). */
function audited(vm: IVirtualModel): AuditSnapshot {
  return { name: vm.name, description: vm.description ?? null, strategy: vm.strategy, targets: vm.targets };
}

/** The audit entry and cache invalidation of a change to one virtual model. */
function changed(action: string, vm: IVirtualModel, details: AuditDetails = auditFields({ name: vm.name })): ChangeRecord {
  return {
    audit: { action, targetType: 'virtualModel', targetId: vm.id, details },
    events: [{ kind: 'virtualModel', accountId: vm.accountId }],
  };
}

export async function createVirtualModel(
  scope: MutationScope,
  input: VirtualModelInputData,
  catalog: Catalog = BUILT_IN_CATALOG,
): Promise<IVirtualModel> {
  const accountId = scope.actor.accountId;
  return mutate(scope, async (tem) => {
    const data = await validate(tem, accountId, input, catalog);
    if (await tem.count(VirtualModel, { accountId, name: data.name })) throw duplicateName(data.name);
    if ((await tem.count(VirtualModel, { accountId })) >= MAX_VIRTUAL_MODELS) {
      throw new ValidationError(`An account may define at most ${MAX_VIRTUAL_MODELS} virtual models.`);
    }
    const vm = tem.create(VirtualModel, { id: randomUUID(), accountId, ...data });
    await flushOrConflict(tem, () => duplicateName(data.name));
    return vm;
  }, (vm) => changed('virtualModel.create', vm, auditFields({ name: vm.name, strategy: vm.strategy, targets: vm.targets.map((t) => t.model) })));
}

/** Replaces name, description, strategy and the whole target list. */
export async function updateVirtualModel(
  scope: MutationScope,
  id: string,
  input: VirtualModelInputData,
  catalog: Catalog = BUILT_IN_CATALOG,
): Promise<IVirtualModel> {
  const accountId = scope.actor.accountId;
  return mutate(scope, async (tem) => {
    const vm = await lockOwn(tem, accountId, id);
    const before = audited(vm);
    const data = await validate(tem, accountId, input, catalog);
    if (data.name !== vm.name && (await tem.count(VirtualModel, { accountId, name: data.name }))) throw duplicateName(data.name);
    Object.assign(vm, data);
    await flushOrConflict(tem, () => duplicateName(data.name));
    return { vm, before };
  }, ({ vm, before }) => changed('virtualModel.update', vm, auditChanges(before, audited(vm), { name: vm.name }))).then(({ vm }) => vm);
}

export async function deleteVirtualModel(scope: MutationScope, id: string): Promise<IVirtualModel> {
  return mutate(scope, async (tem) => {
    const vm = await lockOwn(tem, scope.actor.accountId, id);
    tem.remove(vm);
    return vm;
  }, (vm) => changed('virtualModel.delete', vm));
}
