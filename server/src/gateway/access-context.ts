import type { EntityManager } from '@mikro-orm/postgresql';
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import { AccessKey } from '../entities/access-key.entity.js';
import { Account } from '../entities/account.entity.js';
import { AccessKeyConfiguration } from '../entities/access-key-configuration.entity.js';
import { ProviderKey } from '../entities/provider-key.entity.js';
import { CustomProvider } from '../entities/custom-provider.entity.js';
import type { ApiFormat } from '../catalog/types.js';
import { TOKEN_PREFIX, hashToken, providerKeyAad, type SecretBox } from '../services/crypto.js';
import type { ChangeEvent, ChangeEvents } from '../services/change-events.js';
import { isBudgetPeriod, type BudgetPeriod } from '../services/credits/budget-period.js';
import { getFirewallPoliciesByIds } from '../services/firewall-policies.js';
import { compilePolicy, type CompiledPolicy } from './policies/compile.js';
import type { ResponseCacheSettings } from '../entities/access-key-configuration.entity.js';
import type { RoutingStrategy, VirtualModelTarget } from '../entities/virtual-model.entity.js';
import { loadVirtualModels } from '../services/virtual-models.js';
import { SmoothWeightedPicker } from './weighted-pick.js';

export interface ProviderKeySecret {
  id: string;
  secret: string;
}

export interface CustomProviderInfo {
  providerId: string;
  name: string;
  baseUrl: string;
  apiFormat: ApiFormat;
  /** lower-cased declared model id → declared spelling */
  models: Map<string, string>;
}

export interface RoutingRule {
  providerKeyIds: string[];
  useGatewayCredentials: boolean;
  /** WEIGHTED routing: picks the first key (index into providerKeyIds); absent for ORDERED. */
  picker?: SmoothWeightedPicker;
}

export interface VirtualModelInfo {
  name: string;
  strategy: RoutingStrategy;
  targets: readonly VirtualModelTarget[];
  /** WEIGHTED: picks the first target (index into targets); absent for ORDERED. */
  picker?: SmoothWeightedPicker;
}

/** Everything a /v1 request needs to know about its caller, held in memory while warm. */
export interface AccessContext {
  accessKeyId: string;
  accountId: string;
  /** The key's budget period; null: no budget. */
  budgetPeriod: BudgetPeriod | null;
  requestsPerMinute: number | null;
  tokensPerMinute: number | null;
  /** epoch ms; null: never expires. */
  expiresAt: number | null;
  /** The account's token caps; null: none. */
  maxInputTokens: number | null;
  maxOutputTokens: number | null;
  totalTimeoutMs: number;
  perAttemptTimeoutMs: number;
  /** null: all providers allowed. */
  allowedProviders: ReadonlySet<string> | null;
  /** null: all models; entries lower-cased "provider:model". */
  allowedModels: ReadonlySet<string> | null;
  /** Per-provider routing from the key's configuration; absent provider: default order. */
  routing: ReadonlyMap<string, RoutingRule>;
  /** The account's provider keys per provider, by priority then creation time. */
  providerKeys: ReadonlyMap<string, readonly ProviderKeySecret[]>;
  providerKeysById: ReadonlyMap<string, ProviderKeySecret & { provider: string }>;
  customProviders: ReadonlyMap<string, CustomProviderInfo>;
  /** The configuration's firewall policies, compiled, in order (empty: the feature costs nothing). */
  firewallPolicies: readonly CompiledPolicy[];
  /** The account's virtual models by (lower-case) name. */
  virtualModels: ReadonlyMap<string, VirtualModelInfo>;
  /** The configuration's response cache; null when off. */
  responseCache: ResponseCacheSettings | null;
}

/** Unknown or revoked token, cached briefly (lru-cache holds no null). */
const NO_ACCESS = Symbol('no access');
type Cached = AccessContext | typeof NO_ACCESS;

/** Safety net only: changes invalidate at once through ChangeEvents. */
const POSITIVE_TTL_MS = 5 * 60_000;
/** Unknown tokens are remembered briefly so a flood of bad keys does not become a flood of queries. */
const NEGATIVE_TTL_MS = 10_000;
const MAX_ENTRIES = 100_000;
/** ng- + 43 base64url chars (256 bits). */
const ACCESS_TOKEN_RE = /^ng-[A-Za-z0-9_-]{43}$/;

/**
 * Access key → AccessContext, cached by token hash in an LRU with TTLs; concurrent cold lookups
 * of one token share one load (lru-cache's fetchMethod). A warm lookup does no I/O: the key,
 * account settings, configuration, decrypted provider keys and custom providers are all in
 * memory. Any change to an account drops that account's entries (on every instance, via
 * ChangeEvents), through the per-account index kept here.
 */
export class AccessContextCache {
  private readonly cache: LRUCache<string, Cached>;
  private readonly byAccount = new Map<string, Set<string>>();
  /** Bumped on every invalidation so a load that raced with a change is not kept. */
  private generation = 0;
  private unsubscribe: () => void;

  constructor(
    private readonly deps: {
      em: () => EntityManager;
      secretBox: SecretBox;
      events: ChangeEvents;
      logger: Logger;
    },
  ) {
    this.cache = new LRUCache<string, Cached>({
      max: MAX_ENTRIES,
      ttl: POSITIVE_TTL_MS,
      // A load whose entry was deleted meanwhile (invalidation) still answers its callers, uncached.
      ignoreFetchAbort: true,
      fetchMethod: async (hash, _stale, { options }) => {
        const value = (await this.loadContext(hash)) ?? NO_ACCESS;
        if (value === NO_ACCESS) options.ttl = NEGATIVE_TTL_MS;
        else this.index(value.accountId, hash);
        return value;
      },
      dispose: (value, hash) => {
        if (value === NO_ACCESS) return;
        const hashes = this.byAccount.get(value.accountId);
        if (hashes?.delete(hash) && hashes.size === 0) this.byAccount.delete(value.accountId);
      },
    });
    this.unsubscribe = deps.events.subscribe((e) => this.onChange(e));
  }

  close(): void {
    this.unsubscribe();
  }

  /**
   * Resolves a presented token; null when malformed, unknown or revoked. A cached answer comes back
   * synchronously (the warm /v1 path), a load as a promise.
   */
  lookup(token: string): AccessContext | null | Promise<AccessContext | null> {
    if (!ACCESS_TOKEN_RE.test(token) || !token.startsWith(TOKEN_PREFIX.accessKey)) return null;
    const hash = hashToken(token);
    const hit = this.cache.get(hash);
    if (hit !== undefined) return hit === NO_ACCESS ? null : hit;
    return this.fetchCold(hash);
  }

  private async fetchCold(hash: string): Promise<AccessContext | null> {
    const generation = this.generation;
    const value = await this.cache.fetch(hash);
    // The account changed while this load ran: answer with it, but do not keep it.
    if (generation !== this.generation) this.cache.delete(hash);
    return value === undefined || value === NO_ACCESS ? null : value;
  }

  invalidateAccount(accountId: string): void {
    this.generation++;
    const hashes = this.byAccount.get(accountId);
    this.byAccount.delete(accountId);
    if (hashes) for (const h of hashes) this.cache.delete(h);
  }

  /** Drops everything (after missed cross-instance notifications). */
  invalidateAll(): void {
    this.generation++;
    this.cache.clear();
    this.byAccount.clear();
  }

  private onChange(event: ChangeEvent): void {
    if (event.kind === 'credits') return;
    if (event.kind === 'accessKey' && event.tokenHash) this.cache.delete(event.tokenHash);
    this.invalidateAccount(event.accountId);
  }

  private index(accountId: string, hash: string): void {
    let set = this.byAccount.get(accountId);
    if (!set) this.byAccount.set(accountId, (set = new Set()));
    set.add(hash);
  }

  private async loadContext(tokenHash: string): Promise<AccessContext | null> {
    const em = this.deps.em();
    const key = await em.findOne(AccessKey, { tokenHash, revokedAt: null });
    if (!key) return null;
    const [account, configuration, providerKeys, customProviders, virtualModels] = await Promise.all([
      em.findOne(Account, { id: key.accountId }),
      key.configurationId ? em.findOne(AccessKeyConfiguration, { id: key.configurationId, accountId: key.accountId }) : null,
      em.find(ProviderKey, { accountId: key.accountId }, { orderBy: { priority: 'asc', createdAt: 'asc', id: 'asc' } }),
      em.find(CustomProvider, { accountId: key.accountId }),
      loadVirtualModels(em, key.accountId),
    ]);
    if (!account) return null;
    if (key.configurationId && !configuration) {
      // Only a write outside the API can leave such a reference (another account's configuration):
      // the key is refused rather than run without the restrictions its configuration would set.
      this.deps.logger.error({ accessKeyId: key.id, configurationId: key.configurationId }, 'access key refused: its configuration is not one of its account\'s');
      return null;
    }
    const firewallPolicies = configuration?.firewallPolicyIds.length
      ? await getFirewallPoliciesByIds(em, key.accountId, configuration.firewallPolicyIds)
      : [];

    const keysByProvider = new Map<string, ProviderKeySecret[]>();
    const keysById = new Map<string, ProviderKeySecret & { provider: string }>();
    for (const pk of providerKeys) {
      let secret: string;
      try {
        secret = this.deps.secretBox.decrypt(pk.encryptedKey, providerKeyAad(pk.accountId, pk.id));
      } catch {
        this.deps.logger.error({ providerKeyId: pk.id }, 'provider key cannot be decrypted (master key changed?); skipping it');
        continue;
      }
      const entry = { id: pk.id, secret };
      let list = keysByProvider.get(pk.provider);
      if (!list) keysByProvider.set(pk.provider, (list = []));
      list.push(entry);
      keysById.set(pk.id, { ...entry, provider: pk.provider });
    }

    const routing = new Map<string, RoutingRule>();
    for (const rule of configuration?.routing ?? []) {
      routing.set(rule.provider, {
        providerKeyIds: rule.providerKeyIds,
        useGatewayCredentials: rule.useGatewayCredentials,
        picker: rule.strategy === 'WEIGHTED' && rule.weights ? new SmoothWeightedPicker(rule.weights) : undefined,
      });
    }

    return {
      accessKeyId: key.id,
      accountId: key.accountId,
      budgetPeriod: key.budgetNano !== null && isBudgetPeriod(key.budgetPeriod) ? key.budgetPeriod : null,
      requestsPerMinute: key.requestsPerMinute ?? null,
      tokensPerMinute: key.tokensPerMinute ?? null,
      expiresAt: key.expiresAt ? key.expiresAt.getTime() : null,
      maxInputTokens: account.maxInputTokens ?? null,
      maxOutputTokens: account.maxOutputTokens ?? null,
      totalTimeoutMs: account.totalTimeoutMs,
      perAttemptTimeoutMs: account.perAttemptTimeoutMs,
      allowedProviders: configuration?.allowedProviders ? new Set(configuration.allowedProviders) : null,
      allowedModels: configuration?.allowedModels
        ? new Set(configuration.allowedModels.map((m) => m.toLowerCase()))
        : null,
      routing,
      providerKeys: keysByProvider,
      providerKeysById: keysById,
      firewallPolicies: firewallPolicies.map(compilePolicy),
      customProviders: new Map(
        customProviders.map((cp) => [
          cp.providerId,
          {
            providerId: cp.providerId,
            name: cp.name,
            baseUrl: cp.baseUrl.replace(/\/+$/, ''),
            apiFormat: cp.apiFormat.toLowerCase() === 'anthropic' ? 'anthropic' : 'openai',
            models: new Map(cp.models.map((m) => [m.toLowerCase(), m])),
          },
        ]),
      ),
      virtualModels: new Map(
        virtualModels.map((vm) => [
          vm.name,
          {
            name: vm.name,
            strategy: vm.strategy,
            targets: vm.targets,
            picker: vm.strategy === 'WEIGHTED' ? new SmoothWeightedPicker(vm.targets.map((t) => t.weight)) : undefined,
          },
        ]),
      ),
      responseCache: configuration?.cache?.enabled ? configuration.cache : null,
    };
  }
}
