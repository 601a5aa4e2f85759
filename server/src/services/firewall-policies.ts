import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { AccessKeyConfiguration } from '../entities/access-key-configuration.entity.js';
import type { AuditDetails } from '../entities/audit-event.entity.js';
import { FirewallPolicy, type IFirewallPolicy } from '../entities/firewall-policy.entity.js';
import { ConflictError } from '../errors/conflict-error.js';
import { NotFoundError } from '../errors/not-found-error.js';
import { ValidationError } from '../errors/validation-error.js';
import { compilePattern, InvalidPatternError } from '../gateway/policies/compile.js';
import { PII_TYPES, type FirewallRuleData, type PiiType } from '../gateway/policies/types.js';
import type { Page } from '../graphql/types/connection.type.js';
import { auditChanges, auditFields, type AuditSnapshot } from './audit-details.js';
import { flushOrConflict, mutate, type ChangeRecord, type MutationScope } from './mutation.js';
import { paginate } from './pagination.js';
import { fieldPath, nameSchema, parseInput, uuidSchema } from './validate.js';

const toolNameSchema = z.string().trim().min(1, 'must not be empty').max(128, 'must be at most 128 characters');

const RuleSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('DENY_PATTERN'), pattern: z.string({ error: 'is required for DENY_PATTERN' }).min(1, 'is required for DENY_PATTERN') }),
  z.object({
    kind: z.literal('REDACT_PII'),
    piiTypes: z.array(z.enum(PII_TYPES as [PiiType, ...PiiType[]])).min(1, 'must list at least one PII type'),
    restoreInResponse: z.boolean().nullish(),
  }),
  z.object({ kind: z.literal('DENY_TOOLS'), tools: z.array(toolNameSchema).min(1, 'must list at least one tool').max(200) }),
  // An empty allow-list is a deliberate "no tools at all".
  z.object({ kind: z.literal('ALLOW_TOOLS'), tools: z.array(toolNameSchema).max(200) }),
]);

const PolicySchema = z.object({
  name: nameSchema(),
  mode: z.enum(['ENFORCE', 'DRY_RUN']),
  onError: z.enum(['BLOCK', 'CONTINUE']),
  rules: z.array(RuleSchema).min(1, 'must have at least one rule').max(50, 'must have at most 50 rules'),
});

/** What callers pass (GraphQL inputs): loosely typed, validated here. */
export interface FirewallPolicyInputData {
  name: string;
  mode: string;
  onError: string;
  rules: { kind: string; pattern?: string | null; piiTypes?: string[] | null; tools?: string[] | null; restoreInResponse?: boolean | null }[];
}

/** Validates and normalises a policy: only the fields each rule kind uses are kept. */
export function parsePolicyInput(input: FirewallPolicyInputData): Omit<z.infer<typeof PolicySchema>, 'rules'> & { rules: FirewallRuleData[] } {
  const parsed = parseInput(PolicySchema, input);
  const rules: FirewallRuleData[] = parsed.rules.map((rule, i) => {
    switch (rule.kind) {
      case 'DENY_PATTERN':
        try {
          compilePattern(rule.pattern);
        } catch (err) {
          if (err instanceof InvalidPatternError) throw new ValidationError(`${fieldPath(['rules', i, 'pattern'])}: ${err.message}`);
          throw err;
        }
        return { kind: rule.kind, pattern: rule.pattern };
      case 'REDACT_PII':
        return { kind: rule.kind, piiTypes: [...new Set(rule.piiTypes)], restoreInResponse: rule.restoreInResponse ?? false };
      case 'DENY_TOOLS':
      case 'ALLOW_TOOLS':
        return { kind: rule.kind, tools: [...new Set(rule.tools)] };
    }
  });
  return { ...parsed, rules };
}

function assertId(id: string): void {
  if (!uuidSchema.safeParse(id).success) throw new NotFoundError('Firewall policy', id);
}

/** Names are unique per account, ignoring case (a unique index). */
function duplicateName(name: string): ConflictError {
  return new ConflictError(`A firewall policy named ${JSON.stringify(name)} already exists (names are compared ignoring case).`);
}

export async function listFirewallPolicies(
  em: EntityManager,
  accountId: string,
  args: { first?: number | null; after?: string | null },
): Promise<Page<IFirewallPolicy>> {
  return paginate(em, FirewallPolicy, { accountId }, args);
}

/** The account's policies with these ids, in the order given; another account's ids are not found. */
export async function getFirewallPoliciesByIds(em: EntityManager, accountId: string, ids: readonly string[]): Promise<IFirewallPolicy[]> {
  const valid = ids.filter((id) => uuidSchema.safeParse(id).success);
  if (valid.length === 0) return [];
  const rows = await em.find(FirewallPolicy, { accountId, id: { $in: valid } });
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** What the audit log compares of a policy; the rule list whole (its JSON text, truncated). */
function audited(policy: IFirewallPolicy): AuditSnapshot {
  return { name: policy.name, mode: policy.mode, onError: policy.onError, rules: policy.rules };
}

/** The audit entry and cache invalidation (configurations carry their policies) of a change to one policy. */
function changed(action: string, policy: IFirewallPolicy, details: AuditDetails = auditFields({ name: policy.name })): ChangeRecord {
  return {
    audit: { action, targetType: 'firewallPolicy', targetId: policy.id, details },
    events: [{ kind: 'configuration', accountId: policy.accountId }],
  };
}

export async function createFirewallPolicy(scope: MutationScope, input: FirewallPolicyInputData): Promise<IFirewallPolicy> {
  const data = parsePolicyInput(input);
  return mutate(
    scope,
    async (tem) => {
      const policy = tem.create(FirewallPolicy, { id: randomUUID(), accountId: scope.actor.accountId, ...data });
      await flushOrConflict(tem, () => duplicateName(data.name));
      return policy;
    },
    (policy) => changed('firewallPolicy.create', policy, auditFields({ name: policy.name, mode: policy.mode, onError: policy.onError, ruleCount: policy.rules.length })),
  );
}

/** Replaces the whole policy; configurations using it apply the new rules at once. */
export async function updateFirewallPolicy(scope: MutationScope, id: string, input: FirewallPolicyInputData): Promise<IFirewallPolicy> {
  assertId(id);
  const data = parsePolicyInput(input);
  return mutate(
    scope,
    async (tem) => {
      const policy = await tem.findOne(FirewallPolicy, { id, accountId: scope.actor.accountId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!policy) throw new NotFoundError('Firewall policy', id);
      const before = audited(policy);
      Object.assign(policy, data);
      await flushOrConflict(tem, () => duplicateName(data.name));
      return { policy, before };
    },
    ({ policy, before }) => changed('firewallPolicy.update', policy, auditChanges(before, audited(policy), { name: policy.name })),
  ).then(({ policy }) => policy);
}

/** CONFLICT while a configuration still applies it (detach it there first). */
export async function deleteFirewallPolicy(scope: MutationScope, id: string): Promise<void> {
  assertId(id);
  const accountId = scope.actor.accountId;
  await mutate(scope, async (tem) => {
    const policy = await tem.findOne(FirewallPolicy, { id, accountId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!policy) throw new NotFoundError('Firewall policy', id);
    // Configurations attaching it lock the policy FOR SHARE, so none can slip in after this read.
    const users = (await tem.find(AccessKeyConfiguration, { accountId }, { orderBy: { createdAt: 'asc', id: 'asc' } })).filter((c) => c.firewallPolicyIds.includes(id));
    if (users.length > 0) {
      throw new ConflictError(
        `Firewall policy ${JSON.stringify(policy.name)} is attached to ${users.length} configuration${users.length === 1 ? '' : 's'} ` +
          `(${users.map((c) => JSON.stringify(c.name)).join(', ')}); detach it there first.`,
      );
    }
    tem.remove(policy);
    return policy;
  }, (policy) => changed('firewallPolicy.delete', policy));
}

/** Checks a configuration's policy references (locked FOR SHARE so a concurrent delete waits). */
export async function checkFirewallPolicyRefs(em: EntityManager, accountId: string, ids: readonly string[], issues: string[]): Promise<string[]> {
  const unique = [...new Set(ids)];
  const valid = unique.filter((id) => uuidSchema.safeParse(id).success);
  const found = valid.length
    ? new Set((await em.find(FirewallPolicy, { accountId, id: { $in: valid } }, { lockMode: LockMode.PESSIMISTIC_READ })).map((p) => p.id))
    : new Set<string>();
  ids.forEach((id, i) => {
    if (!found.has(id)) issues.push(`${fieldPath(['firewallPolicyIds', i])}: unknown firewall policy ${JSON.stringify(id)}`);
  });
  return unique;
}
