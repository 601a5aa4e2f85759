import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { isBuiltInProviderId } from '../catalog/index.js';
import { AccessKeyConfiguration, type IAccessKeyConfiguration } from '../entities/access-key-configuration.entity.js';
import type { AuditDetails } from '../entities/audit-event.entity.js';
import { CustomProvider, type ICustomProvider } from '../entities/custom-provider.entity.js';
import { ProviderKey } from '../entities/provider-key.entity.js';
import { VirtualModel, type IVirtualModel } from '../entities/virtual-model.entity.js';
import { ConflictError } from '../errors/conflict-error.js';
import { NotFoundError } from '../errors/not-found-error.js';
import { ValidationError } from '../errors/validation-error.js';
import { nameSchema, parseInput, providerIdSchema } from './validate.js';
import { auditChanges, auditFields, type AuditSnapshot } from './audit-details.js';
import { flushOrConflict, mutate, type ChangeRecord, type MutationScope } from './mutation.js';

export const MAX_CUSTOM_PROVIDERS = 100;
export const MAX_DECLARED_MODELS = 500;

export interface CustomProviderInputData {
  providerId: string;
  name: string;
  baseUrl: string;
  /** 'openai' | 'anthropic' (the GraphQL enum's internal values). */
  apiFormat: string;
  models: string[];
}

const baseUrlSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(2048, 'must be at most 2048 characters')
  .transform((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'is not a valid URL' });
      return z.NEVER;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      ctx.addIssue({ code: 'custom', message: 'must be an http or https URL' });
      return z.NEVER;
    }
    if (url.username || url.password) {
      ctx.addIssue({ code: 'custom', message: 'must not contain credentials (send keys as provider keys)' });
      return z.NEVER;
    }
    if (url.hash) {
      ctx.addIssue({ code: 'custom', message: 'must not contain a fragment' });
      return z.NEVER;
    }
    // Stored without trailing slashes: the gateway appends /chat/completions or /messages.
    const normalized = `${url.origin}${url.pathname.replace(/\/+$/, '')}${url.search}`;
    if (normalized.length > 2048) {
      ctx.addIssue({ code: 'custom', message: 'must be at most 2048 characters' });
      return z.NEVER;
    }
    return normalized;
  });

const modelIdSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(256, 'must be at most 256 characters')
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'must not contain control characters');

const CustomProviderSchema = z.object({
  providerId: providerIdSchema,
  name: nameSchema(),
  baseUrl: baseUrlSchema,
  apiFormat: z.enum(['openai', 'anthropic'], 'must be OPENAI or ANTHROPIC'),
  models: z
    .array(modelIdSchema)
    .min(1, 'must declare at least one model')
    .max(MAX_DECLARED_MODELS, `must declare at most ${MAX_DECLARED_MODELS} models`)
    .superRefine((models, ctx) => {
      // Model strings are matched case-insensitively, so `Llama` and `llama` would be ambiguous.
      const seen = new Set<string>();
      models.forEach((m, i) => {
        const key = m.toLowerCase();
        if (seen.has(key)) ctx.addIssue({ code: 'custom', message: `duplicate model ${JSON.stringify(m)}`, path: [i] });
        seen.add(key);
      });
    }),
});

function parseCustomProvider(input: CustomProviderInputData): z.infer<typeof CustomProviderSchema> {
  const data = parseInput(CustomProviderSchema, input);
  if (isBuiltInProviderId(data.providerId)) {
    throw new ConflictError(`providerId ${JSON.stringify(data.providerId)} is a built-in provider; choose another id.`);
  }
  return data;
}

function duplicateIdError(providerId: string): ConflictError {
  return new ConflictError(`A custom provider with id ${JSON.stringify(providerId)} already exists.`);
}

/** Configurations that mention the provider (allowed providers, allowed models or routing). */
export function configurationsReferencingProvider(
  configurations: readonly IAccessKeyConfiguration[],
  providerId: string,
): IAccessKeyConfiguration[] {
  const prefix = `${providerId}:`;
  return configurations.filter(
    (c) =>
      (c.allowedProviders ?? []).includes(providerId) ||
      (c.allowedModels ?? []).some((m) => m.startsWith(prefix)) ||
      c.routing.some((r) => r.provider === providerId),
  );
}

/** Virtual models with a target on the provider (`provider:model`); catalog-id targets never are. */
function virtualModelsReferencingProvider(virtualModels: readonly IVirtualModel[], providerId: string): IVirtualModel[] {
  const prefix = `${providerId}:`;
  return virtualModels.filter((vm) => vm.targets.some((t) => t.model.startsWith(prefix)));
}

/** Everything in the account that names a custom provider by id, found inside the caller's transaction. */
interface ProviderReferences {
  keyCount: number;
  configurations: IAccessKeyConfiguration[];
  virtualModels: IVirtualModel[];
}

async function findReferences(em: EntityManager, accountId: string, providerId: string): Promise<ProviderReferences> {
  return {
    keyCount: await em.count(ProviderKey, { accountId, provider: providerId }),
    configurations: configurationsReferencingProvider(await em.find(AccessKeyConfiguration, { accountId }, { orderBy: { createdAt: 'asc', id: 'asc' } }), providerId),
    virtualModels: virtualModelsReferencingProvider(await em.find(VirtualModel, { accountId }, { orderBy: { name: 'asc' } }), providerId),
  };
}

function hasReferences(refs: ProviderReferences): boolean {
  return refs.keyCount > 0 || refs.configurations.length > 0 || refs.virtualModels.length > 0;
}

/** "1 provider key, 2 configurations ("a", "b") and 1 virtual model ("c")": the named objects, at most 5 per kind. */
function describeReferences({ keyCount, configurations, virtualModels }: ProviderReferences): string {
  const named = (count: number, noun: string, names: string[]): string => {
    const list = names.length > 0 ? ` (${names.slice(0, 5).map((n) => JSON.stringify(n)).join(', ')}${names.length > 5 ? ', …' : ''})` : '';
    return `${count} ${noun}${count === 1 ? '' : 's'}${list}`;
  };
  const parts: string[] = [];
  if (keyCount > 0) parts.push(named(keyCount, 'provider key', []));
  if (configurations.length > 0) parts.push(named(configurations.length, 'configuration', configurations.map((c) => c.name)));
  if (virtualModels.length > 0) parts.push(named(virtualModels.length, 'virtual model', virtualModels.map((vm) => vm.name)));
  return parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}` : parts.join('');
}

/** Finds the account's custom provider by its providerId, locked FOR UPDATE (call inside a transaction). */
async function lockOwn(em: EntityManager, accountId: string, providerId: string): Promise<ICustomProvider> {
  if (!/^[a-z0-9][a-z0-9._-]{0,63}$/.test(providerId)) throw new NotFoundError('Custom provider', providerId);
  const cp = await em.findOne(CustomProvider, { accountId, providerId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!cp) throw new NotFoundError('Custom provider', providerId);
  return cp;
}

/**
 * The base URL as the audit log records it: without its query string, which some endpoints use to
 * carry a key (credentials in the URL itself are refused on input).
 */
function auditedBaseUrl(baseUrl: string): string {
  const url = new URL(baseUrl);
  return `${url.origin}${url.pathname}`;
}

/** What the audit log compares of a custom provider. */
function audited(cp: ICustomProvider): AuditSnapshot {
  return { providerId: cp.providerId, name: cp.name, baseUrl: auditedBaseUrl(cp.baseUrl), apiFormat: cp.apiFormat, models: cp.models };
}

/** The audit entry and cache invalidation of a change to one custom provider. */
function changed(action: string, cp: ICustomProvider, details: AuditDetails = auditFields({ providerId: cp.providerId, name: cp.name })): ChangeRecord {
  return {
    audit: { action, targetType: 'customProvider', targetId: cp.providerId, details },
    events: [{ kind: 'customProvider', accountId: cp.accountId }],
  };
}

export async function createCustomProvider(scope: MutationScope, input: CustomProviderInputData): Promise<ICustomProvider> {
  const data = parseCustomProvider(input);
  const accountId = scope.actor.accountId;
  return mutate(scope, async (tem) => {
    if (await tem.count(CustomProvider, { accountId, providerId: data.providerId })) throw duplicateIdError(data.providerId);
    if ((await tem.count(CustomProvider, { accountId })) >= MAX_CUSTOM_PROVIDERS) {
      throw new ValidationError(`An account may declare at most ${MAX_CUSTOM_PROVIDERS} custom providers.`);
    }
    const cp = tem.create(CustomProvider, { id: randomUUID(), accountId, ...data });
    await flushOrConflict(tem, () => duplicateIdError(data.providerId));
    return cp;
  }, (cp) =>
    changed(
      'customProvider.create',
      cp,
      auditFields({ providerId: cp.providerId, name: cp.name, baseUrl: auditedBaseUrl(cp.baseUrl), apiFormat: cp.apiFormat, modelCount: cp.models.length }),
    ),
  );
}

/**
 * Replaces a custom provider's definition. `providerId` is its current id. Renaming it is allowed
 * only while no provider key, configuration or virtual model references it (references are by
 * id), and a declared model may only be removed while no configuration allows it explicitly and
 * no virtual model targets it.
 */
export async function updateCustomProvider(scope: MutationScope, providerId: string, input: CustomProviderInputData): Promise<ICustomProvider> {
  const accountId = scope.actor.accountId;
  return mutate(scope, async (tem) => {
    const cp = await lockOwn(tem, accountId, providerId);
    const before = audited(cp);
    const data = parseCustomProvider(input);

    if (data.providerId !== cp.providerId) {
      const refs = await findReferences(tem, accountId, cp.providerId);
      if (hasReferences(refs)) {
        throw new ConflictError(
          `Custom provider ${JSON.stringify(cp.providerId)} cannot be renamed while ${describeReferences(refs)} ` +
            'reference it; remove those references first.',
        );
      }
      if (await tem.count(CustomProvider, { accountId, providerId: data.providerId })) throw duplicateIdError(data.providerId);
    } else {
      const kept = new Set(data.models.map((m) => m.toLowerCase()));
      const prefix = `${cp.providerId}:`;
      const isDropped = (m: string): boolean => m.startsWith(prefix) && !kept.has(m.slice(prefix.length).toLowerCase());
      for (const c of await tem.find(AccessKeyConfiguration, { accountId }, { orderBy: { createdAt: 'asc', id: 'asc' } })) {
        const dropped = (c.allowedModels ?? []).find(isDropped);
        if (dropped) {
          throw new ConflictError(
            `Model ${JSON.stringify(dropped)} is still allowed by configuration ${JSON.stringify(c.name)}; ` +
              'remove it there before removing it from the provider.',
          );
        }
      }
      for (const vm of await tem.find(VirtualModel, { accountId })) {
        const dropped = vm.targets.find((t) => isDropped(t.model));
        if (dropped) {
          throw new ConflictError(
            `Model ${JSON.stringify(dropped.model)} is still a target of virtual model ${JSON.stringify(vm.name)}; ` +
              'remove it there before removing it from the provider.',
          );
        }
      }
    }

    Object.assign(cp, data);
    await flushOrConflict(tem, () => duplicateIdError(data.providerId));
    return { cp, before };
  }, ({ cp, before }) => changed('customProvider.update', cp, auditChanges(before, audited(cp), { providerId: cp.providerId, name: cp.name }))).then(
    ({ cp }) => cp,
  );
}

/**
 * Deletes a custom provider; CONFLICT naming what still references it (provider keys,
 * configurations, virtual models). Refusing rather than cascading is the rule for every
 * referenced object here (provider keys, configurations): the caller decides what replaces it.
 * The FOR UPDATE lock makes a virtual model or configuration being saved with this provider
 * (they lock it FOR SHARE) commit first, so it is seen below.
 */
export async function deleteCustomProvider(scope: MutationScope, providerId: string): Promise<ICustomProvider> {
  const accountId = scope.actor.accountId;
  return mutate(scope, async (tem) => {
    const cp = await lockOwn(tem, accountId, providerId);
    const refs = await findReferences(tem, accountId, cp.providerId);
    if (hasReferences(refs)) {
      throw new ConflictError(
        `Custom provider ${JSON.stringify(cp.providerId)} is still referenced by ${describeReferences(refs)}; ` +
          'delete or change those first.',
      );
    }
    tem.remove(cp);
    return cp;
  }, (cp) => changed('customProvider.delete', cp));
}
