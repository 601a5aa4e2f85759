import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import {
  AccessKeyConfiguration,
  type IAccessKeyConfiguration,
  type ProviderRoutingRule,
  type ResponseCacheSettings,
} from '../entities/access-key-configuration.entity.js';
import type { RoutingStrategy } from '../entities/virtual-model.entity.js';
import { AccessKey } from '../entities/access-key.entity.js';
import type { AuditDetails } from '../entities/audit-event.entity.js';
import { ProviderKey } from '../entities/provider-key.entity.js';
import { ConflictError } from '../errors/conflict-error.js';
import { NotFoundError } from '../errors/not-found-error.js';
import type { Page } from '../graphql/types/connection.type.js';
import { auditChanges, auditFields, type AuditSnapshot } from './audit-details.js';
import { flushOrConflict, mutate, type ChangeRecord, type MutationScope } from './mutation.js';
import { paginate } from './pagination.js';
import { checkFirewallPolicyRefs } from './firewall-policies.js';
import { loadKnownProviders } from './providers.js';
import { fieldPath, nameSchema, parseInput, throwIssues, uuidSchema } from './validate.js';

export interface ConfigurationInputData {
  name: string;
  /** null/omitted: every provider; []: none. */
  allowedProviders?: string[] | null;
  /** null/omitted: every model; entries "provider:model" (split on the first ':'). */
  allowedModels?: string[] | null;
  /** null/omitted: no routing (default key order for every provider). */
  /** null/omitted: no firewall policies; applied in the order given. */
  firewallPolicyIds?: string[] | null;
  routing?:
    | {
        provider: string;
        providerKeyIds: string[];
        useGatewayCredentials?: boolean | null;
        strategy?: RoutingStrategy | null;
        /** Parallel to providerKeyIds (default 1 each); WEIGHTED picks the first key by weight. */
        weights?: number[] | null;
      }[]
    | null;
  /** null/omitted: no response cache. */
  cache?: { enabled: boolean; ttlSeconds?: number | null } | null;
}

export const DEFAULT_CACHE_TTL_SECONDS = 300;
export const MAX_CACHE_TTL_SECONDS = 7 * 24 * 3600;
const MAX_ROUTING_WEIGHT = 1000;

const providerRefSchema = z.string().trim().min(1, 'must not be empty').max(64, 'must be at most 64 characters');

const modelRefSchema = z
  .string()
  .trim()
  .max(321, 'must be at most 321 characters')
  .refine((s) => {
    const colon = s.indexOf(':');
    return colon > 0 && colon < s.length - 1;
  }, 'must be "provider:model"')
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'must not contain control characters');

const ConfigurationSchema = z.object({
  name: nameSchema(),
  allowedProviders: z.array(providerRefSchema).max(200, 'must list at most 200 providers').nullish(),
  allowedModels: z.array(modelRefSchema).max(1000, 'must list at most 1000 models').nullish(),
  routing: z
    .array(
      z.object({
        provider: providerRefSchema,
        providerKeyIds: z.array(z.string()).max(50, 'must list at most 50 keys'),
        useGatewayCredentials: z.boolean().nullish(),
        strategy: z.enum(['ORDERED', 'WEIGHTED']).nullish(),
        weights: z
          .array(z.number().int('must be an integer').min(0, 'must be at least 0').max(MAX_ROUTING_WEIGHT, `must be at most ${MAX_ROUTING_WEIGHT}`))
          .max(50, 'must list at most 50 weights')
          .nullish(),
      }),
    )
    .max(200, 'must have at most 200 entries')
    .nullish(),
  firewallPolicyIds: z.array(z.string()).max(20, 'must list at most 20 policies').nullish(),
  cache: z
    .object({
      enabled: z.boolean(),
      ttlSeconds: z
        .number()
        .int('must be an integer')
        .min(1, 'must be at least 1')
        .max(MAX_CACHE_TTL_SECONDS, `must be at most ${MAX_CACHE_TTL_SECONDS} (7 days)`)
        .nullish(),
    })
    .nullish(),
});

type ParsedConfiguration = z.infer<typeof ConfigurationSchema>;

interface ValidConfiguration {
  name: string;
  allowedProviders: string[] | null;
  allowedModels: string[] | null;
  routing: ProviderRoutingRule[];
  firewallPolicyIds: string[];
  cache: ResponseCacheSettings | null;
}

function splitModelRef(ref: string): { provider: string; model: string } {
  const colon = ref.indexOf(':');
  return { provider: ref.slice(0, colon), model: ref.slice(colon + 1) };
}

/**
 * Checks every provider, model and provider-key reference against what the account owns. Custom
 * providers and provider keys are read FOR SHARE, so a concurrent delete or rename waits for this
 * transaction and then sees the reference. Another account's key id reads as not found.
 */
async function checkReferences(em: EntityManager, accountId: string, data: ParsedConfiguration): Promise<ValidConfiguration> {
  const issues: string[] = [];
  const allowedProviders = data.allowedProviders ?? null;
  const allowedModels = data.allowedModels ?? null;
  const routing = data.routing ?? [];

  const providerIds = [
    ...(allowedProviders ?? []),
    ...(allowedModels ?? []).map((m) => splitModelRef(m).provider),
    ...routing.map((r) => r.provider),
  ];
  const known = await loadKnownProviders(em, accountId, providerIds, { lock: true });
  const unknown = (path: string, id: string) => issues.push(`${path}: unknown provider ${JSON.stringify(id)}`);

  const seenProviders = new Set<string>();
  allowedProviders?.forEach((id, i) => {
    if (!known.has(id)) unknown(fieldPath(['allowedProviders', i]), id);
    else if (seenProviders.has(id)) issues.push(`${fieldPath(['allowedProviders', i])}: duplicate provider ${JSON.stringify(id)}`);
    seenProviders.add(id);
  });

  const seenModels = new Set<string>();
  allowedModels?.forEach((ref, i) => {
    const { provider, model } = splitModelRef(ref);
    const p = known.get(provider);
    if (!p) unknown(fieldPath(['allowedModels', i]), provider);
    else if (p.declaredModels && !p.declaredModels.has(model.toLowerCase())) {
      issues.push(`${fieldPath(['allowedModels', i])}: model ${JSON.stringify(model)} is not declared on custom provider ${JSON.stringify(provider)}`);
    } else if (seenModels.has(ref.toLowerCase())) {
      issues.push(`${fieldPath(['allowedModels', i])}: duplicate model ${JSON.stringify(ref)}`);
    }
    seenModels.add(ref.toLowerCase());
  });

  const keyIds = routing.flatMap((r) => r.providerKeyIds).filter((id) => uuidSchema.safeParse(id).success);
  const keys = keyIds.length
    ? await em.find(ProviderKey, { accountId, id: { $in: [...new Set(keyIds)] } }, { lockMode: LockMode.PESSIMISTIC_READ })
    : [];
  const keyProvider = new Map(keys.map((k) => [k.id, k.provider]));

  const routedProviders = new Set<string>();
  routing.forEach((rule, i) => {
    if (!known.has(rule.provider)) unknown(fieldPath(['routing', i, 'provider']), rule.provider);
    else if (routedProviders.has(rule.provider)) {
      issues.push(`${fieldPath(['routing', i, 'provider'])}: provider ${JSON.stringify(rule.provider)} already has a routing entry`);
    }
    routedProviders.add(rule.provider);
    const seenKeys = new Set<string>();
    rule.providerKeyIds.forEach((id, j) => {
      const path = fieldPath(['routing', i, 'providerKeyIds', j]);
      const provider = keyProvider.get(id);
      if (provider === undefined) issues.push(`${path}: provider key ${JSON.stringify(id)} not found`);
      else if (provider !== rule.provider) {
        issues.push(`${path}: provider key ${JSON.stringify(id)} is for provider ${JSON.stringify(provider)}, not ${JSON.stringify(rule.provider)}`);
      } else if (seenKeys.has(id)) issues.push(`${path}: duplicate provider key ${JSON.stringify(id)}`);
      seenKeys.add(id);
    });
    if (rule.weights && rule.weights.length !== rule.providerKeyIds.length) {
      issues.push(`${fieldPath(['routing', i, 'weights'])}: must list one weight per provider key (${rule.providerKeyIds.length})`);
    } else if (rule.strategy === 'WEIGHTED' && rule.providerKeyIds.length > 0 && rule.weights && !rule.weights.some((w) => w > 0)) {
      issues.push(`${fieldPath(['routing', i, 'weights'])}: WEIGHTED needs at least one weight above 0`);
    }
  });

  const firewallPolicyIds = await checkFirewallPolicyRefs(em, accountId, data.firewallPolicyIds ?? [], issues);

  throwIssues(issues);
  return {
    name: data.name,
    allowedProviders,
    allowedModels,
    routing: routing.map((r) => ({
      provider: r.provider,
      providerKeyIds: r.providerKeyIds,
      useGatewayCredentials: r.useGatewayCredentials ?? true,
      strategy: r.strategy ?? 'ORDERED',
      weights: r.weights ?? r.providerKeyIds.map(() => 1),
    })),
    firewallPolicyIds,
    cache: data.cache ? { enabled: data.cache.enabled, ttlSeconds: data.cache.ttlSeconds ?? DEFAULT_CACHE_TTL_SECONDS } : null,
  };
}

function assertId(id: string): void {
  if (!uuidSchema.safeParse(id).success) throw new NotFoundError('Access key configuration', id);
}

/** Names are unique per account, ignoring case (a unique index). */
function duplicateName(name: string): ConflictError {
  return new ConflictError(`A configuration named ${JSON.stringify(name)} already exists (names are compared ignoring case).`);
}

export async function listConfigurations(
  em: EntityManager,
  accountId: string,
  args: { first?: number | null; after?: string | null },
): Promise<Page<IAccessKeyConfiguration>> {
  return paginate(em, AccessKeyConfiguration, { accountId }, args);
}

/** The account's configuration, or null (also for another account's or a malformed id). */
export async function findConfiguration(em: EntityManager, accountId: string, id: string): Promise<IAccessKeyConfiguration | null> {
  if (!uuidSchema.safeParse(id).success) return null;
  // By primary key alone, so repeated lookups in one request hit the identity map.
  const c = await em.findOne(AccessKeyConfiguration, id);
  return c && c.accountId === accountId ? c : null;
}

/** What the audit log compares of a configuration: everything it decides, each field whole (shallow). */
function audited(c: IAccessKeyConfiguration): AuditSnapshot {
  return {
    name: c.name,
    allowedProviders: c.allowedProviders ?? null,
    allowedModels: c.allowedModels ?? null,
    routing: c.routing,
    firewallPolicyIds: c.firewallPolicyIds,
    cache: c.cache ?? null,
  };
}

/** The audit entry and cache invalidation of a change to one configuration. */
function changed(action: string, c: IAccessKeyConfiguration, details: AuditDetails = auditFields({ name: c.name })): ChangeRecord {
  return {
    audit: { action, targetType: 'configuration', targetId: c.id, details },
    events: [{ kind: 'configuration', accountId: c.accountId }],
  };
}

export async function createConfiguration(scope: MutationScope, input: ConfigurationInputData): Promise<IAccessKeyConfiguration> {
  const parsed = parseInput(ConfigurationSchema, input);
  const accountId = scope.actor.accountId;
  return mutate(scope, async (tem) => {
    const data = await checkReferences(tem, accountId, parsed);
    const configuration = tem.create(AccessKeyConfiguration, { id: randomUUID(), accountId, ...data });
    await flushOrConflict(tem, () => duplicateName(data.name));
    return configuration;
  }, (c) => changed('configuration.create', c));
}

/** Replaces the whole configuration (omitted lists mean "all" / no routing, as on create). */
export async function updateConfiguration(scope: MutationScope, id: string, input: ConfigurationInputData): Promise<IAccessKeyConfiguration> {
  assertId(id);
  const parsed = parseInput(ConfigurationSchema, input);
  const accountId = scope.actor.accountId;
  return mutate(scope, async (tem) => {
    const configuration = await tem.findOne(AccessKeyConfiguration, { id, accountId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!configuration) throw new NotFoundError('Access key configuration', id);
    const before = audited(configuration);
    Object.assign(configuration, await checkReferences(tem, accountId, parsed));
    await flushOrConflict(tem, () => duplicateName(configuration.name));
    return { configuration, before };
  }, ({ configuration: c, before }) => changed('configuration.update', c, auditChanges(before, audited(c), { name: c.name }))).then(
    ({ configuration }) => configuration,
  );
}

/** Deletes a configuration; CONFLICT while an active access key uses it (revoked keys are detached). */
export async function deleteConfiguration(scope: MutationScope, id: string): Promise<IAccessKeyConfiguration> {
  assertId(id);
  const accountId = scope.actor.accountId;
  return mutate(scope, async (tem) => {
    // FOR UPDATE: access keys being attached to it (FOR SHARE) commit first and are counted below.
    const configuration = await tem.findOne(AccessKeyConfiguration, { id, accountId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!configuration) throw new NotFoundError('Access key configuration', id);
    const inUse = await tem.count(AccessKey, { accountId, configurationId: id, revokedAt: null });
    if (inUse > 0) {
      throw new ConflictError(
        `Configuration ${JSON.stringify(configuration.name)} is used by ${inUse} active access key${inUse === 1 ? '' : 's'}; ` +
          'assign them another configuration or revoke them first.',
      );
    }
    tem.remove(configuration);
    return configuration;
  }, (c) => changed('configuration.delete', c));
}
