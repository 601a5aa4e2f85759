/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query LayoutMe {\n    me {\n      id\n      email\n      name\n      creditBalanceUsd\n    }\n  }\n": typeof types.LayoutMeDocument,
    "\n  mutation LogOut {\n    logOut\n  }\n": typeof types.LogOutDocument,
    "\n  query SetupState {\n    me {\n      id\n      creditBalanceUsd\n    }\n    gatewayPricing {\n      processingFeeUsdPerMTok\n      minimumPurchaseUsd\n    }\n    providers {\n      id\n      name\n      gatewayCredentials\n    }\n    providerKeys(first: 1) {\n      nodes {\n        id\n      }\n    }\n    accessKeys(first: 1) {\n      nodes {\n        id\n      }\n    }\n    usageEvents(first: 1) {\n      nodes {\n        id\n      }\n    }\n  }\n": typeof types.SetupStateDocument,
    "\n  query Viewer {\n    viewer {\n      id\n      email\n      name\n      role\n    }\n  }\n": typeof types.ViewerDocument,
    "\n  query AccessKeysPage {\n    accessKeys(first: 100) {\n      nodes {\n        id\n        name\n        description\n        keyRedacted\n        createdAt\n        lastUsedAt\n        spentUsd\n        periodResetsAt\n        limits {\n          budgetUsd\n          budgetPeriod\n          requestsPerMinute\n          tokensPerMinute\n          expiresAt\n        }\n        configuration {\n          id\n          name\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n    accessKeyConfigurations(first: 100) {\n      nodes {\n        id\n        name\n      }\n    }\n  }\n": typeof types.AccessKeysPageDocument,
    "\n  mutation CreateAccessKey($input: CreateAccessKeyInput!) {\n    createAccessKey(input: $input) {\n      token\n      accessKey {\n        id\n        name\n        keyRedacted\n      }\n    }\n  }\n": typeof types.CreateAccessKeyDocument,
    "\n  mutation UpdateAccessKey($id: ID!, $input: UpdateAccessKeyInput!) {\n    updateAccessKey(id: $id, input: $input) {\n      id\n      name\n      description\n      spentUsd\n      periodResetsAt\n      limits {\n        budgetUsd\n        budgetPeriod\n        requestsPerMinute\n        tokensPerMinute\n        expiresAt\n      }\n      configuration {\n        id\n        name\n      }\n    }\n  }\n": typeof types.UpdateAccessKeyDocument,
    "\n  mutation RevokeAccessKey($id: ID!) {\n    revokeAccessKey(id: $id)\n  }\n": typeof types.RevokeAccessKeyDocument,
    "\n  query AuditEvents($filter: AuditFilter, $first: Int!, $after: String) {\n    auditEvents(filter: $filter, first: $first, after: $after) {\n      nodes {\n        id\n        createdAt\n        actorType\n        actorId\n        actorName\n        action\n        targetType\n        targetId\n        ip\n        details {\n          fields {\n            field\n            value\n          }\n          changes {\n            field\n            from\n            to\n          }\n          truncated\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.AuditEventsDocument,
    "\n  query AuditMembers {\n    members(first: 100) {\n      nodes {\n        id\n        email\n      }\n    }\n  }\n": typeof types.AuditMembersDocument,
    "\n  mutation SignUp($input: SignUpInput!) {\n    signUp(input: $input) {\n      token\n      account {\n        id\n        email\n        name\n      }\n    }\n  }\n": typeof types.SignUpDocument,
    "\n  mutation LogIn($input: LogInInput!) {\n    logIn(input: $input) {\n      token\n      account {\n        id\n        email\n        name\n      }\n    }\n  }\n": typeof types.LogInDocument,
    "\n  mutation CreatePlaygroundKey($input: CreateAccessKeyInput!) {\n    createAccessKey(input: $input) {\n      token\n      accessKey {\n        id\n        name\n        limits {\n          expiresAt\n        }\n      }\n    }\n  }\n": typeof types.CreatePlaygroundKeyDocument,
    "\n  query ChatUsage($requestId: String!) {\n    usageRequest(requestId: $requestId) {\n      id\n      totalCostUsd\n    }\n  }\n": typeof types.ChatUsageDocument,
    "\n  mutation CreateAccessKeyConfiguration($input: AccessKeyConfigurationInput!) {\n    createAccessKeyConfiguration(input: $input) {\n      id\n      name\n    }\n  }\n": typeof types.CreateAccessKeyConfigurationDocument,
    "\n  mutation UpdateAccessKeyConfiguration($id: ID!, $input: AccessKeyConfigurationInput!) {\n    updateAccessKeyConfiguration(id: $id, input: $input) {\n      id\n      name\n      allowedProviders\n      allowedModels\n    }\n  }\n": typeof types.UpdateAccessKeyConfigurationDocument,
    "\n  query ConfigurationsPage {\n    accessKeyConfigurations(first: 100) {\n      nodes {\n        id\n        name\n        allowedProviders\n        allowedModels\n        routing {\n          provider\n          useGatewayCredentials\n          strategy\n          weights\n          providerKeyIds\n          providerKeys {\n            id\n            name\n            provider\n            keyRedacted\n          }\n        }\n        cache {\n          enabled\n          ttlSeconds\n        }\n        firewallPolicies {\n          id\n          name\n        }\n      }\n    }\n    firewallPolicies(first: 100) {\n      nodes {\n        id\n        name\n        mode\n      }\n    }\n    providers {\n      id\n      name\n      builtIn\n      needsProviderKey\n      gatewayCredentials\n      models {\n        id\n        displayName\n        inputPriceUsdPerMTok\n        outputPriceUsdPerMTok\n      }\n    }\n    providerKeys(first: 100) {\n      nodes {\n        id\n        provider\n        name\n        keyRedacted\n        priority\n      }\n    }\n  }\n": typeof types.ConfigurationsPageDocument,
    "\n  mutation DeleteAccessKeyConfiguration($id: ID!) {\n    deleteAccessKeyConfiguration(id: $id)\n  }\n": typeof types.DeleteAccessKeyConfigurationDocument,
    "\n  query CreditSpend($from: DateTime!) {\n    me {\n      id\n      creditBalanceUsd\n    }\n    creditSpend: usageSummary(from: $from, groupBy: DAY) {\n      key\n      costUsd\n    }\n  }\n": typeof types.CreditSpendDocument,
    "\n  query CreditsBalance($expiringWithinDays: Int!) {\n    me {\n      id\n      creditBalanceUsd\n      nextCreditExpiry {\n        amountUsd\n        expiresAt\n      }\n      creditExpiringUsd(withinDays: $expiringWithinDays)\n    }\n  }\n": typeof types.CreditsBalanceDocument,
    "\n  query CreditTransactions($first: Int!, $after: String) {\n    creditTransactions(first: $first, after: $after) {\n      nodes {\n        id\n        kind\n        amountUsd\n        createdAt\n        expiresAt\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.CreditTransactionsDocument,
    "\n  mutation PurchaseCredits($amountUsd: String!) {\n    purchaseCredits(amountUsd: $amountUsd) {\n      id\n      amountUsd\n      expiresAt\n      status\n      checkoutUrl\n    }\n  }\n": typeof types.PurchaseCreditsDocument,
    "\n  query PaymentMode {\n    gatewayPricing {\n      paymentMode\n    }\n  }\n": typeof types.PaymentModeDocument,
    "\n  query FirewallPage {\n    firewallPolicies(first: 100) {\n      nodes {\n        id\n        name\n        mode\n        onError\n        rules {\n          kind\n          pattern\n          piiTypes\n          tools\n          restoreInResponse\n        }\n      }\n    }\n  }\n": typeof types.FirewallPageDocument,
    "\n  mutation DeleteFirewallPolicy($id: ID!) {\n    deleteFirewallPolicy(id: $id)\n  }\n": typeof types.DeleteFirewallPolicyDocument,
    "\n  mutation CreateFirewallPolicy($input: FirewallPolicyInput!) {\n    createFirewallPolicy(input: $input) {\n      id\n    }\n  }\n": typeof types.CreateFirewallPolicyDocument,
    "\n  mutation UpdateFirewallPolicy($id: ID!, $input: FirewallPolicyInput!) {\n    updateFirewallPolicy(id: $id, input: $input) {\n      id\n      name\n    }\n  }\n": typeof types.UpdateFirewallPolicyDocument,
    "\n  query TestFirewallPolicy($input: FirewallPolicyInput!, $text: String!) {\n    testFirewallPolicy(input: $input, text: $text) {\n      blocked\n      reason\n      redactedText\n      decisions {\n        rule\n        action\n        count\n      }\n    }\n  }\n": typeof types.TestFirewallPolicyDocument,
    "\n  query InvitationPreview($token: String!) {\n    invitationPreview(token: $token) {\n      organization\n      role\n      invitedBy\n      email\n      expiresAt\n      state\n    }\n  }\n": typeof types.InvitationPreviewDocument,
    "\n  mutation AcceptInvitation($token: String!, $input: AcceptInvitationInput!) {\n    acceptInvitation(token: $token, input: $input) {\n      token\n      account {\n        id\n        name\n        email\n      }\n    }\n  }\n": typeof types.AcceptInvitationDocument,
    "\n  query MembersPage {\n    members(first: 100) {\n      nodes {\n        id\n        email\n        name\n        role\n        createdAt\n        lastActiveAt\n      }\n    }\n    invitations(first: 100) {\n      nodes {\n        id\n        email\n        role\n        createdAt\n        expiresAt\n      }\n    }\n  }\n": typeof types.MembersPageDocument,
    "\n  mutation InviteMember($input: InviteMemberInput!) {\n    inviteMember(input: $input) {\n      token\n      emailSent\n      invitation {\n        id\n        email\n        role\n      }\n    }\n  }\n": typeof types.InviteMemberDocument,
    "\n  mutation RevokeInvitation($id: ID!) {\n    revokeInvitation(id: $id)\n  }\n": typeof types.RevokeInvitationDocument,
    "\n  mutation UpdateMemberRole($id: ID!, $role: Role!) {\n    updateMemberRole(id: $id, role: $role) {\n      id\n      role\n    }\n  }\n": typeof types.UpdateMemberRoleDocument,
    "\n  mutation RemoveMember($id: ID!) {\n    removeMember(id: $id)\n  }\n": typeof types.RemoveMemberDocument,
    "\n  query ProviderKeysPage {\n    providerKeys(first: 100) {\n      nodes {\n        id\n        provider\n        name\n        keyRedacted\n        priority\n        createdAt\n        lastUsedAt\n      }\n      pageInfo {\n        hasNextPage\n      }\n    }\n    providers {\n      id\n      name\n      builtIn\n      needsProviderKey\n    }\n  }\n": typeof types.ProviderKeysPageDocument,
    "\n  mutation CreateProviderKey($input: CreateProviderKeyInput!) {\n    createProviderKey(input: $input) {\n      id\n      provider\n      name\n      keyRedacted\n      priority\n    }\n  }\n": typeof types.CreateProviderKeyDocument,
    "\n  mutation RotateProviderKey($id: ID!, $key: String!) {\n    rotateProviderKey(id: $id, key: $key) {\n      id\n      keyRedacted\n    }\n  }\n": typeof types.RotateProviderKeyDocument,
    "\n  mutation UpdateProviderKey($id: ID!, $input: UpdateProviderKeyInput!) {\n    updateProviderKey(id: $id, input: $input) {\n      id\n      name\n      priority\n    }\n  }\n": typeof types.UpdateProviderKeyDocument,
    "\n  mutation TestProviderKey($id: ID!) {\n    testProviderKey(id: $id) {\n      ok\n      status\n      latencyMs\n      message\n    }\n  }\n": typeof types.TestProviderKeyDocument,
    "\n  mutation DeleteProviderKey($id: ID!) {\n    deleteProviderKey(id: $id)\n  }\n": typeof types.DeleteProviderKeyDocument,
    "\n  query ProvidersPage {\n    providers {\n      id\n      name\n      builtIn\n      apiFormat\n      baseUrl\n      needsProviderKey\n      gatewayCredentials\n      models {\n        id\n        provider\n        displayName\n        contextWindow\n        maxOutputTokens\n        inputPriceUsdPerMTok\n        outputPriceUsdPerMTok\n        cachedInputPriceUsdPerMTok\n        kind\n      }\n    }\n  }\n": typeof types.ProvidersPageDocument,
    "\n  mutation CreateCustomProvider($input: CustomProviderInput!) {\n    createCustomProvider(input: $input) {\n      id\n      name\n    }\n  }\n": typeof types.CreateCustomProviderDocument,
    "\n  mutation UpdateCustomProvider($id: ID!, $input: CustomProviderInput!) {\n    updateCustomProvider(id: $id, input: $input) {\n      id\n      name\n      baseUrl\n      apiFormat\n    }\n  }\n": typeof types.UpdateCustomProviderDocument,
    "\n  mutation TestCustomProvider($providerId: String!) {\n    testCustomProvider(providerId: $providerId) {\n      ok\n      status\n      latencyMs\n      message\n    }\n  }\n": typeof types.TestCustomProviderDocument,
    "\n  mutation DeleteCustomProvider($id: ID!) {\n    deleteCustomProvider(id: $id)\n  }\n": typeof types.DeleteCustomProviderDocument,
    "\n  query AlertSettingsCard {\n    alertSettings {\n      enabled\n      webhookUrl\n      webhookSecretSet\n      lowBalanceThresholdUsd\n    }\n  }\n": typeof types.AlertSettingsCardDocument,
    "\n  query AlertDeliveries {\n    alertDeliveries(first: 20) {\n      nodes {\n        id\n        eventType\n        status\n        attempts\n        responseStatus\n        lastError\n        nextAttemptAt\n        createdAt\n      }\n    }\n  }\n": typeof types.AlertDeliveriesDocument,
    "\n  mutation UpdateAlertSettings($input: AlertSettingsInput!) {\n    updateAlertSettings(input: $input) {\n      enabled\n      webhookUrl\n      webhookSecretSet\n      lowBalanceThresholdUsd\n    }\n  }\n": typeof types.UpdateAlertSettingsDocument,
    "\n  mutation RotateAlertWebhookSecret {\n    rotateAlertWebhookSecret {\n      secret\n      settings {\n        enabled\n        webhookUrl\n        webhookSecretSet\n        lowBalanceThresholdUsd\n      }\n    }\n  }\n": typeof types.RotateAlertWebhookSecretDocument,
    "\n  mutation SendTestWebhook {\n    sendTestWebhook {\n      id\n      status\n    }\n  }\n": typeof types.SendTestWebhookDocument,
    "\n  mutation ChangePassword($input: ChangePasswordInput!) {\n    changePassword(input: $input)\n  }\n": typeof types.ChangePasswordDocument,
    "\n  query Sessions {\n    sessions(first: 100) {\n      nodes {\n        id\n        createdAt\n        lastUsedAt\n        ip\n        userAgent\n        current\n      }\n    }\n  }\n": typeof types.SessionsDocument,
    "\n  mutation RevokeSession($id: ID!) {\n    revokeSession(id: $id)\n  }\n": typeof types.RevokeSessionDocument,
    "\n  mutation LogOutEverywhere {\n    logOutEverywhere\n  }\n": typeof types.LogOutEverywhereDocument,
    "\n  query SettingsPage {\n    me {\n      id\n      email\n      name\n      settings {\n        totalTimeoutMs\n        perAttemptTimeoutMs\n      }\n    }\n  }\n": typeof types.SettingsPageDocument,
    "\n  query SettingsApiKeys {\n    apiKeys(first: 100) {\n      nodes {\n        id\n        name\n        keyRedacted\n        role\n        effectiveRole\n        createdAt\n        lastUsedAt\n      }\n    }\n  }\n": typeof types.SettingsApiKeysDocument,
    "\n  mutation UpdateAccountSettings($input: AccountSettingsInput!) {\n    updateAccountSettings(input: $input) {\n      id\n      settings {\n        totalTimeoutMs\n        perAttemptTimeoutMs\n      }\n    }\n  }\n": typeof types.UpdateAccountSettingsDocument,
    "\n  mutation CreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      token\n      apiKey {\n        id\n        name\n        keyRedacted\n      }\n    }\n  }\n": typeof types.CreateApiKeyDocument,
    "\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id)\n  }\n": typeof types.RevokeApiKeyDocument,
    "\n  query SettingsTokenCaps {\n    me {\n      id\n      settings {\n        maxInputTokens\n        maxOutputTokens\n      }\n    }\n  }\n": typeof types.SettingsTokenCapsDocument,
    "\n  mutation UpdateTokenCaps($input: AccountSettingsInput!) {\n    updateAccountSettings(input: $input) {\n      id\n      settings {\n        maxInputTokens\n        maxOutputTokens\n      }\n    }\n  }\n": typeof types.UpdateTokenCapsDocument,
    "\n  fragment UsageBucketFields on UsageBucket {\n    key\n    label\n    requests\n    errors\n    inputTokens\n    outputTokens\n    costUsd\n    cacheHits\n  }\n": typeof types.UsageBucketFieldsFragmentDoc,
    "\n  query UsageSummary($from: DateTime!, $to: DateTime, $filter: UsageFilter) {\n    daily: usageSummary(from: $from, to: $to, groupBy: DAY, filter: $filter) {\n      ...UsageBucketFields\n    }\n    byProvider: usageSummary(from: $from, to: $to, groupBy: PROVIDER, filter: $filter) {\n      ...UsageBucketFields\n    }\n    byModel: usageSummary(from: $from, to: $to, groupBy: MODEL, filter: $filter) {\n      ...UsageBucketFields\n    }\n    byAccessKey: usageSummary(from: $from, to: $to, groupBy: ACCESS_KEY, filter: $filter) {\n      ...UsageBucketFields\n    }\n  }\n": typeof types.UsageSummaryDocument,
    "\n  query UsageEvents($filter: UsageFilter, $first: Int!, $after: String) {\n    usageEvents(filter: $filter, first: $first, after: $after) {\n      nodes {\n        id\n        requestId\n        createdAt\n        accessKeyId\n        endpoint\n        provider\n        model\n        status\n        streamed\n        inputTokens\n        outputTokens\n        promptCacheReadTokens\n        promptCacheWriteTokens\n        webSearchCalls\n        tokensEstimated\n        latencyMs\n        keySource\n        providerKeyId\n        feeUsd\n        upstreamCostUsd\n        totalCostUsd\n        errorCode\n        attempts {\n          provider\n          model\n          providerKeyId\n          keySource\n          status\n          error\n          latencyMs\n        }\n        firewall {\n          policyId\n          rule\n          action\n          count\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.UsageEventsDocument,
    "\n  query UsageLookups {\n    accessKeys(first: 100) {\n      nodes {\n        id\n        name\n      }\n    }\n    providerKeys(first: 100) {\n      nodes {\n        id\n        name\n      }\n    }\n    providers {\n      id\n      name\n      models {\n        id\n      }\n    }\n    usageEventStorage\n  }\n": typeof types.UsageLookupsDocument,
    "\n  mutation CreateVirtualModel($input: VirtualModelInput!) {\n    createVirtualModel(input: $input) {\n      id\n      name\n    }\n  }\n": typeof types.CreateVirtualModelDocument,
    "\n  mutation UpdateVirtualModel($id: ID!, $input: VirtualModelInput!) {\n    updateVirtualModel(id: $id, input: $input) {\n      id\n      name\n      description\n      strategy\n      targets {\n        model\n        weight\n      }\n    }\n  }\n": typeof types.UpdateVirtualModelDocument,
    "\n  query VirtualModelsPage {\n    virtualModels(first: 100) {\n      nodes {\n        id\n        name\n        description\n        strategy\n        targets {\n          model\n          weight\n        }\n      }\n      pageInfo {\n        hasNextPage\n      }\n    }\n    providers {\n      id\n      models {\n        id\n      }\n    }\n  }\n": typeof types.VirtualModelsPageDocument,
    "\n  mutation DeleteVirtualModel($id: ID!) {\n    deleteVirtualModel(id: $id)\n  }\n": typeof types.DeleteVirtualModelDocument,
};
const documents: Documents = {
    "\n  query LayoutMe {\n    me {\n      id\n      email\n      name\n      creditBalanceUsd\n    }\n  }\n": types.LayoutMeDocument,
    "\n  mutation LogOut {\n    logOut\n  }\n": types.LogOutDocument,
    "\n  query SetupState {\n    me {\n      id\n      creditBalanceUsd\n    }\n    gatewayPricing {\n      processingFeeUsdPerMTok\n      minimumPurchaseUsd\n    }\n    providers {\n      id\n      name\n      gatewayCredentials\n    }\n    providerKeys(first: 1) {\n      nodes {\n        id\n      }\n    }\n    accessKeys(first: 1) {\n      nodes {\n        id\n      }\n    }\n    usageEvents(first: 1) {\n      nodes {\n        id\n      }\n    }\n  }\n": types.SetupStateDocument,
    "\n  query Viewer {\n    viewer {\n      id\n      email\n      name\n      role\n    }\n  }\n": types.ViewerDocument,
    "\n  query AccessKeysPage {\n    accessKeys(first: 100) {\n      nodes {\n        id\n        name\n        description\n        keyRedacted\n        createdAt\n        lastUsedAt\n        spentUsd\n        periodResetsAt\n        limits {\n          budgetUsd\n          budgetPeriod\n          requestsPerMinute\n          tokensPerMinute\n          expiresAt\n        }\n        configuration {\n          id\n          name\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n    accessKeyConfigurations(first: 100) {\n      nodes {\n        id\n        name\n      }\n    }\n  }\n": types.AccessKeysPageDocument,
    "\n  mutation CreateAccessKey($input: CreateAccessKeyInput!) {\n    createAccessKey(input: $input) {\n      token\n      accessKey {\n        id\n        name\n        keyRedacted\n      }\n    }\n  }\n": types.CreateAccessKeyDocument,
    "\n  mutation UpdateAccessKey($id: ID!, $input: UpdateAccessKeyInput!) {\n    updateAccessKey(id: $id, input: $input) {\n      id\n      name\n      description\n      spentUsd\n      periodResetsAt\n      limits {\n        budgetUsd\n        budgetPeriod\n        requestsPerMinute\n        tokensPerMinute\n        expiresAt\n      }\n      configuration {\n        id\n        name\n      }\n    }\n  }\n": types.UpdateAccessKeyDocument,
    "\n  mutation RevokeAccessKey($id: ID!) {\n    revokeAccessKey(id: $id)\n  }\n": types.RevokeAccessKeyDocument,
    "\n  query AuditEvents($filter: AuditFilter, $first: Int!, $after: String) {\n    auditEvents(filter: $filter, first: $first, after: $after) {\n      nodes {\n        id\n        createdAt\n        actorType\n        actorId\n        actorName\n        action\n        targetType\n        targetId\n        ip\n        details {\n          fields {\n            field\n            value\n          }\n          changes {\n            field\n            from\n            to\n          }\n          truncated\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.AuditEventsDocument,
    "\n  query AuditMembers {\n    members(first: 100) {\n      nodes {\n        id\n        email\n      }\n    }\n  }\n": types.AuditMembersDocument,
    "\n  mutation SignUp($input: SignUpInput!) {\n    signUp(input: $input) {\n      token\n      account {\n        id\n        email\n        name\n      }\n    }\n  }\n": types.SignUpDocument,
    "\n  mutation LogIn($input: LogInInput!) {\n    logIn(input: $input) {\n      token\n      account {\n        id\n        email\n        name\n      }\n    }\n  }\n": types.LogInDocument,
    "\n  mutation CreatePlaygroundKey($input: CreateAccessKeyInput!) {\n    createAccessKey(input: $input) {\n      token\n      accessKey {\n        id\n        name\n        limits {\n          expiresAt\n        }\n      }\n    }\n  }\n": types.CreatePlaygroundKeyDocument,
    "\n  query ChatUsage($requestId: String!) {\n    usageRequest(requestId: $requestId) {\n      id\n      totalCostUsd\n    }\n  }\n": types.ChatUsageDocument,
    "\n  mutation CreateAccessKeyConfiguration($input: AccessKeyConfigurationInput!) {\n    createAccessKeyConfiguration(input: $input) {\n      id\n      name\n    }\n  }\n": types.CreateAccessKeyConfigurationDocument,
    "\n  mutation UpdateAccessKeyConfiguration($id: ID!, $input: AccessKeyConfigurationInput!) {\n    updateAccessKeyConfiguration(id: $id, input: $input) {\n      id\n      name\n      allowedProviders\n      allowedModels\n    }\n  }\n": types.UpdateAccessKeyConfigurationDocument,
    "\n  query ConfigurationsPage {\n    accessKeyConfigurations(first: 100) {\n      nodes {\n        id\n        name\n        allowedProviders\n        allowedModels\n        routing {\n          provider\n          useGatewayCredentials\n          strategy\n          weights\n          providerKeyIds\n          providerKeys {\n            id\n            name\n            provider\n            keyRedacted\n          }\n        }\n        cache {\n          enabled\n          ttlSeconds\n        }\n        firewallPolicies {\n          id\n          name\n        }\n      }\n    }\n    firewallPolicies(first: 100) {\n      nodes {\n        id\n        name\n        mode\n      }\n    }\n    providers {\n      id\n      name\n      builtIn\n      needsProviderKey\n      gatewayCredentials\n      models {\n        id\n        displayName\n        inputPriceUsdPerMTok\n        outputPriceUsdPerMTok\n      }\n    }\n    providerKeys(first: 100) {\n      nodes {\n        id\n        provider\n        name\n        keyRedacted\n        priority\n      }\n    }\n  }\n": types.ConfigurationsPageDocument,
    "\n  mutation DeleteAccessKeyConfiguration($id: ID!) {\n    deleteAccessKeyConfiguration(id: $id)\n  }\n": types.DeleteAccessKeyConfigurationDocument,
    "\n  query CreditSpend($from: DateTime!) {\n    me {\n      id\n      creditBalanceUsd\n    }\n    creditSpend: usageSummary(from: $from, groupBy: DAY) {\n      key\n      costUsd\n    }\n  }\n": types.CreditSpendDocument,
    "\n  query CreditsBalance($expiringWithinDays: Int!) {\n    me {\n      id\n      creditBalanceUsd\n      nextCreditExpiry {\n        amountUsd\n        expiresAt\n      }\n      creditExpiringUsd(withinDays: $expiringWithinDays)\n    }\n  }\n": types.CreditsBalanceDocument,
    "\n  query CreditTransactions($first: Int!, $after: String) {\n    creditTransactions(first: $first, after: $after) {\n      nodes {\n        id\n        kind\n        amountUsd\n        createdAt\n        expiresAt\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.CreditTransactionsDocument,
    "\n  mutation PurchaseCredits($amountUsd: String!) {\n    purchaseCredits(amountUsd: $amountUsd) {\n      id\n      amountUsd\n      expiresAt\n      status\n      checkoutUrl\n    }\n  }\n": types.PurchaseCreditsDocument,
    "\n  query PaymentMode {\n    gatewayPricing {\n      paymentMode\n    }\n  }\n": types.PaymentModeDocument,
    "\n  query FirewallPage {\n    firewallPolicies(first: 100) {\n      nodes {\n        id\n        name\n        mode\n        onError\n        rules {\n          kind\n          pattern\n          piiTypes\n          tools\n          restoreInResponse\n        }\n      }\n    }\n  }\n": types.FirewallPageDocument,
    "\n  mutation DeleteFirewallPolicy($id: ID!) {\n    deleteFirewallPolicy(id: $id)\n  }\n": types.DeleteFirewallPolicyDocument,
    "\n  mutation CreateFirewallPolicy($input: FirewallPolicyInput!) {\n    createFirewallPolicy(input: $input) {\n      id\n    }\n  }\n": types.CreateFirewallPolicyDocument,
    "\n  mutation UpdateFirewallPolicy($id: ID!, $input: FirewallPolicyInput!) {\n    updateFirewallPolicy(id: $id, input: $input) {\n      id\n      name\n    }\n  }\n": types.UpdateFirewallPolicyDocument,
    "\n  query TestFirewallPolicy($input: FirewallPolicyInput!, $text: String!) {\n    testFirewallPolicy(input: $input, text: $text) {\n      blocked\n      reason\n      redactedText\n      decisions {\n        rule\n        action\n        count\n      }\n    }\n  }\n": types.TestFirewallPolicyDocument,
    "\n  query InvitationPreview($token: String!) {\n    invitationPreview(token: $token) {\n      organization\n      role\n      invitedBy\n      email\n      expiresAt\n      state\n    }\n  }\n": types.InvitationPreviewDocument,
    "\n  mutation AcceptInvitation($token: String!, $input: AcceptInvitationInput!) {\n    acceptInvitation(token: $token, input: $input) {\n      token\n      account {\n        id\n        name\n        email\n      }\n    }\n  }\n": types.AcceptInvitationDocument,
    "\n  query MembersPage {\n    members(first: 100) {\n      nodes {\n        id\n        email\n        name\n        role\n        createdAt\n        lastActiveAt\n      }\n    }\n    invitations(first: 100) {\n      nodes {\n        id\n        email\n        role\n        createdAt\n        expiresAt\n      }\n    }\n  }\n": types.MembersPageDocument,
    "\n  mutation InviteMember($input: InviteMemberInput!) {\n    inviteMember(input: $input) {\n      token\n      emailSent\n      invitation {\n        id\n        email\n        role\n      }\n    }\n  }\n": types.InviteMemberDocument,
    "\n  mutation RevokeInvitation($id: ID!) {\n    revokeInvitation(id: $id)\n  }\n": types.RevokeInvitationDocument,
    "\n  mutation UpdateMemberRole($id: ID!, $role: Role!) {\n    updateMemberRole(id: $id, role: $role) {\n      id\n      role\n    }\n  }\n": types.UpdateMemberRoleDocument,
    "\n  mutation RemoveMember($id: ID!) {\n    removeMember(id: $id)\n  }\n": types.RemoveMemberDocument,
    "\n  query ProviderKeysPage {\n    providerKeys(first: 100) {\n      nodes {\n        id\n        provider\n        name\n        keyRedacted\n        priority\n        createdAt\n        lastUsedAt\n      }\n      pageInfo {\n        hasNextPage\n      }\n    }\n    providers {\n      id\n      name\n      builtIn\n      needsProviderKey\n    }\n  }\n": types.ProviderKeysPageDocument,
    "\n  mutation CreateProviderKey($input: CreateProviderKeyInput!) {\n    createProviderKey(input: $input) {\n      id\n      provider\n      name\n      keyRedacted\n      priority\n    }\n  }\n": types.CreateProviderKeyDocument,
    "\n  mutation RotateProviderKey($id: ID!, $key: String!) {\n    rotateProviderKey(id: $id, key: $key) {\n      id\n      keyRedacted\n    }\n  }\n": types.RotateProviderKeyDocument,
    "\n  mutation UpdateProviderKey($id: ID!, $input: UpdateProviderKeyInput!) {\n    updateProviderKey(id: $id, input: $input) {\n      id\n      name\n      priority\n    }\n  }\n": types.UpdateProviderKeyDocument,
    "\n  mutation TestProviderKey($id: ID!) {\n    testProviderKey(id: $id) {\n      ok\n      status\n      latencyMs\n      message\n    }\n  }\n": types.TestProviderKeyDocument,
    "\n  mutation DeleteProviderKey($id: ID!) {\n    deleteProviderKey(id: $id)\n  }\n": types.DeleteProviderKeyDocument,
    "\n  query ProvidersPage {\n    providers {\n      id\n      name\n      builtIn\n      apiFormat\n      baseUrl\n      needsProviderKey\n      gatewayCredentials\n      models {\n        id\n        provider\n        displayName\n        contextWindow\n        maxOutputTokens\n        inputPriceUsdPerMTok\n        outputPriceUsdPerMTok\n        cachedInputPriceUsdPerMTok\n        kind\n      }\n    }\n  }\n": types.ProvidersPageDocument,
    "\n  mutation CreateCustomProvider($input: CustomProviderInput!) {\n    createCustomProvider(input: $input) {\n      id\n      name\n    }\n  }\n": types.CreateCustomProviderDocument,
    "\n  mutation UpdateCustomProvider($id: ID!, $input: CustomProviderInput!) {\n    updateCustomProvider(id: $id, input: $input) {\n      id\n      name\n      baseUrl\n      apiFormat\n    }\n  }\n": types.UpdateCustomProviderDocument,
    "\n  mutation TestCustomProvider($providerId: String!) {\n    testCustomProvider(providerId: $providerId) {\n      ok\n      status\n      latencyMs\n      message\n    }\n  }\n": types.TestCustomProviderDocument,
    "\n  mutation DeleteCustomProvider($id: ID!) {\n    deleteCustomProvider(id: $id)\n  }\n": types.DeleteCustomProviderDocument,
    "\n  query AlertSettingsCard {\n    alertSettings {\n      enabled\n      webhookUrl\n      webhookSecretSet\n      lowBalanceThresholdUsd\n    }\n  }\n": types.AlertSettingsCardDocument,
    "\n  query AlertDeliveries {\n    alertDeliveries(first: 20) {\n      nodes {\n        id\n        eventType\n        status\n        attempts\n        responseStatus\n        lastError\n        nextAttemptAt\n        createdAt\n      }\n    }\n  }\n": types.AlertDeliveriesDocument,
    "\n  mutation UpdateAlertSettings($input: AlertSettingsInput!) {\n    updateAlertSettings(input: $input) {\n      enabled\n      webhookUrl\n      webhookSecretSet\n      lowBalanceThresholdUsd\n    }\n  }\n": types.UpdateAlertSettingsDocument,
    "\n  mutation RotateAlertWebhookSecret {\n    rotateAlertWebhookSecret {\n      secret\n      settings {\n        enabled\n        webhookUrl\n        webhookSecretSet\n        lowBalanceThresholdUsd\n      }\n    }\n  }\n": types.RotateAlertWebhookSecretDocument,
    "\n  mutation SendTestWebhook {\n    sendTestWebhook {\n      id\n      status\n    }\n  }\n": types.SendTestWebhookDocument,
    "\n  mutation ChangePassword($input: ChangePasswordInput!) {\n    changePassword(input: $input)\n  }\n": types.ChangePasswordDocument,
    "\n  query Sessions {\n    sessions(first: 100) {\n      nodes {\n        id\n        createdAt\n        lastUsedAt\n        ip\n        userAgent\n        current\n      }\n    }\n  }\n": types.SessionsDocument,
    "\n  mutation RevokeSession($id: ID!) {\n    revokeSession(id: $id)\n  }\n": types.RevokeSessionDocument,
    "\n  mutation LogOutEverywhere {\n    logOutEverywhere\n  }\n": types.LogOutEverywhereDocument,
    "\n  query SettingsPage {\n    me {\n      id\n      email\n      name\n      settings {\n        totalTimeoutMs\n        perAttemptTimeoutMs\n      }\n    }\n  }\n": types.SettingsPageDocument,
    "\n  query SettingsApiKeys {\n    apiKeys(first: 100) {\n      nodes {\n        id\n        name\n        keyRedacted\n        role\n        effectiveRole\n        createdAt\n        lastUsedAt\n      }\n    }\n  }\n": types.SettingsApiKeysDocument,
    "\n  mutation UpdateAccountSettings($input: AccountSettingsInput!) {\n    updateAccountSettings(input: $input) {\n      id\n      settings {\n        totalTimeoutMs\n        perAttemptTimeoutMs\n      }\n    }\n  }\n": types.UpdateAccountSettingsDocument,
    "\n  mutation CreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      token\n      apiKey {\n        id\n        name\n        keyRedacted\n      }\n    }\n  }\n": types.CreateApiKeyDocument,
    "\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id)\n  }\n": types.RevokeApiKeyDocument,
    "\n  query SettingsTokenCaps {\n    me {\n      id\n      settings {\n        maxInputTokens\n        maxOutputTokens\n      }\n    }\n  }\n": types.SettingsTokenCapsDocument,
    "\n  mutation UpdateTokenCaps($input: AccountSettingsInput!) {\n    updateAccountSettings(input: $input) {\n      id\n      settings {\n        maxInputTokens\n        maxOutputTokens\n      }\n    }\n  }\n": types.UpdateTokenCapsDocument,
    "\n  fragment UsageBucketFields on UsageBucket {\n    key\n    label\n    requests\n    errors\n    inputTokens\n    outputTokens\n    costUsd\n    cacheHits\n  }\n": types.UsageBucketFieldsFragmentDoc,
    "\n  query UsageSummary($from: DateTime!, $to: DateTime, $filter: UsageFilter) {\n    daily: usageSummary(from: $from, to: $to, groupBy: DAY, filter: $filter) {\n      ...UsageBucketFields\n    }\n    byProvider: usageSummary(from: $from, to: $to, groupBy: PROVIDER, filter: $filter) {\n      ...UsageBucketFields\n    }\n    byModel: usageSummary(from: $from, to: $to, groupBy: MODEL, filter: $filter) {\n      ...UsageBucketFields\n    }\n    byAccessKey: usageSummary(from: $from, to: $to, groupBy: ACCESS_KEY, filter: $filter) {\n      ...UsageBucketFields\n    }\n  }\n": types.UsageSummaryDocument,
    "\n  query UsageEvents($filter: UsageFilter, $first: Int!, $after: String) {\n    usageEvents(filter: $filter, first: $first, after: $after) {\n      nodes {\n        id\n        requestId\n        createdAt\n        accessKeyId\n        endpoint\n        provider\n        model\n        status\n        streamed\n        inputTokens\n        outputTokens\n        promptCacheReadTokens\n        promptCacheWriteTokens\n        webSearchCalls\n        tokensEstimated\n        latencyMs\n        keySource\n        providerKeyId\n        feeUsd\n        upstreamCostUsd\n        totalCostUsd\n        errorCode\n        attempts {\n          provider\n          model\n          providerKeyId\n          keySource\n          status\n          error\n          latencyMs\n        }\n        firewall {\n          policyId\n          rule\n          action\n          count\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.UsageEventsDocument,
    "\n  query UsageLookups {\n    accessKeys(first: 100) {\n      nodes {\n        id\n        name\n      }\n    }\n    providerKeys(first: 100) {\n      nodes {\n        id\n        name\n      }\n    }\n    providers {\n      id\n      name\n      models {\n        id\n      }\n    }\n    usageEventStorage\n  }\n": types.UsageLookupsDocument,
    "\n  mutation CreateVirtualModel($input: VirtualModelInput!) {\n    createVirtualModel(input: $input) {\n      id\n      name\n    }\n  }\n": types.CreateVirtualModelDocument,
    "\n  mutation UpdateVirtualModel($id: ID!, $input: VirtualModelInput!) {\n    updateVirtualModel(id: $id, input: $input) {\n      id\n      name\n      description\n      strategy\n      targets {\n        model\n        weight\n      }\n    }\n  }\n": types.UpdateVirtualModelDocument,
    "\n  query VirtualModelsPage {\n    virtualModels(first: 100) {\n      nodes {\n        id\n        name\n        description\n        strategy\n        targets {\n          model\n          weight\n        }\n      }\n      pageInfo {\n        hasNextPage\n      }\n    }\n    providers {\n      id\n      models {\n        id\n      }\n    }\n  }\n": types.VirtualModelsPageDocument,
    "\n  mutation DeleteVirtualModel($id: ID!) {\n    deleteVirtualModel(id: $id)\n  }\n": types.DeleteVirtualModelDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query LayoutMe {\n    me {\n      id\n      email\n      name\n      creditBalanceUsd\n    }\n  }\n"): (typeof documents)["\n  query LayoutMe {\n    me {\n      id\n      email\n      name\n      creditBalanceUsd\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation LogOut {\n    logOut\n  }\n"): (typeof documents)["\n  mutation LogOut {\n    logOut\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SetupState {\n    me {\n      id\n      creditBalanceUsd\n    }\n    gatewayPricing {\n      processingFeeUsdPerMTok\n      minimumPurchaseUsd\n    }\n    providers {\n      id\n      name\n      gatewayCredentials\n    }\n    providerKeys(first: 1) {\n      nodes {\n        id\n      }\n    }\n    accessKeys(first: 1) {\n      nodes {\n        id\n      }\n    }\n    usageEvents(first: 1) {\n      nodes {\n        id\n      }\n    }\n  }\n"): (typeof documents)["\n  query SetupState {\n    me {\n      id\n      creditBalanceUsd\n    }\n    gatewayPricing {\n      processingFeeUsdPerMTok\n      minimumPurchaseUsd\n    }\n    providers {\n      id\n      name\n      gatewayCredentials\n    }\n    providerKeys(first: 1) {\n      nodes {\n        id\n      }\n    }\n    accessKeys(first: 1) {\n      nodes {\n        id\n      }\n    }\n    usageEvents(first: 1) {\n      nodes {\n        id\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Viewer {\n    viewer {\n      id\n      email\n      name\n      role\n    }\n  }\n"): (typeof documents)["\n  query Viewer {\n    viewer {\n      id\n      email\n      name\n      role\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AccessKeysPage {\n    accessKeys(first: 100) {\n      nodes {\n        id\n        name\n        description\n        keyRedacted\n        createdAt\n        lastUsedAt\n        spentUsd\n        periodResetsAt\n        limits {\n          budgetUsd\n          budgetPeriod\n          requestsPerMinute\n          tokensPerMinute\n          expiresAt\n        }\n        configuration {\n          id\n          name\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n    accessKeyConfigurations(first: 100) {\n      nodes {\n        id\n        name\n      }\n    }\n  }\n"): (typeof documents)["\n  query AccessKeysPage {\n    accessKeys(first: 100) {\n      nodes {\n        id\n        name\n        description\n        keyRedacted\n        createdAt\n        lastUsedAt\n        spentUsd\n        periodResetsAt\n        limits {\n          budgetUsd\n          budgetPeriod\n          requestsPerMinute\n          tokensPerMinute\n          expiresAt\n        }\n        configuration {\n          id\n          name\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n    accessKeyConfigurations(first: 100) {\n      nodes {\n        id\n        name\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateAccessKey($input: CreateAccessKeyInput!) {\n    createAccessKey(input: $input) {\n      token\n      accessKey {\n        id\n        name\n        keyRedacted\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateAccessKey($input: CreateAccessKeyInput!) {\n    createAccessKey(input: $input) {\n      token\n      accessKey {\n        id\n        name\n        keyRedacted\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateAccessKey($id: ID!, $input: UpdateAccessKeyInput!) {\n    updateAccessKey(id: $id, input: $input) {\n      id\n      name\n      description\n      spentUsd\n      periodResetsAt\n      limits {\n        budgetUsd\n        budgetPeriod\n        requestsPerMinute\n        tokensPerMinute\n        expiresAt\n      }\n      configuration {\n        id\n        name\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateAccessKey($id: ID!, $input: UpdateAccessKeyInput!) {\n    updateAccessKey(id: $id, input: $input) {\n      id\n      name\n      description\n      spentUsd\n      periodResetsAt\n      limits {\n        budgetUsd\n        budgetPeriod\n        requestsPerMinute\n        tokensPerMinute\n        expiresAt\n      }\n      configuration {\n        id\n        name\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeAccessKey($id: ID!) {\n    revokeAccessKey(id: $id)\n  }\n"): (typeof documents)["\n  mutation RevokeAccessKey($id: ID!) {\n    revokeAccessKey(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AuditEvents($filter: AuditFilter, $first: Int!, $after: String) {\n    auditEvents(filter: $filter, first: $first, after: $after) {\n      nodes {\n        id\n        createdAt\n        actorType\n        actorId\n        actorName\n        action\n        targetType\n        targetId\n        ip\n        details {\n          fields {\n            field\n            value\n          }\n          changes {\n            field\n            from\n            to\n          }\n          truncated\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query AuditEvents($filter: AuditFilter, $first: Int!, $after: String) {\n    auditEvents(filter: $filter, first: $first, after: $after) {\n      nodes {\n        id\n        createdAt\n        actorType\n        actorId\n        actorName\n        action\n        targetType\n        targetId\n        ip\n        details {\n          fields {\n            field\n            value\n          }\n          changes {\n            field\n            from\n            to\n          }\n          truncated\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AuditMembers {\n    members(first: 100) {\n      nodes {\n        id\n        email\n      }\n    }\n  }\n"): (typeof documents)["\n  query AuditMembers {\n    members(first: 100) {\n      nodes {\n        id\n        email\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SignUp($input: SignUpInput!) {\n    signUp(input: $input) {\n      token\n      account {\n        id\n        email\n        name\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation SignUp($input: SignUpInput!) {\n    signUp(input: $input) {\n      token\n      account {\n        id\n        email\n        name\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation LogIn($input: LogInInput!) {\n    logIn(input: $input) {\n      token\n      account {\n        id\n        email\n        name\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation LogIn($input: LogInInput!) {\n    logIn(input: $input) {\n      token\n      account {\n        id\n        email\n        name\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreatePlaygroundKey($input: CreateAccessKeyInput!) {\n    createAccessKey(input: $input) {\n      token\n      accessKey {\n        id\n        name\n        limits {\n          expiresAt\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreatePlaygroundKey($input: CreateAccessKeyInput!) {\n    createAccessKey(input: $input) {\n      token\n      accessKey {\n        id\n        name\n        limits {\n          expiresAt\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ChatUsage($requestId: String!) {\n    usageRequest(requestId: $requestId) {\n      id\n      totalCostUsd\n    }\n  }\n"): (typeof documents)["\n  query ChatUsage($requestId: String!) {\n    usageRequest(requestId: $requestId) {\n      id\n      totalCostUsd\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateAccessKeyConfiguration($input: AccessKeyConfigurationInput!) {\n    createAccessKeyConfiguration(input: $input) {\n      id\n      name\n    }\n  }\n"): (typeof documents)["\n  mutation CreateAccessKeyConfiguration($input: AccessKeyConfigurationInput!) {\n    createAccessKeyConfiguration(input: $input) {\n      id\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateAccessKeyConfiguration($id: ID!, $input: AccessKeyConfigurationInput!) {\n    updateAccessKeyConfiguration(id: $id, input: $input) {\n      id\n      name\n      allowedProviders\n      allowedModels\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateAccessKeyConfiguration($id: ID!, $input: AccessKeyConfigurationInput!) {\n    updateAccessKeyConfiguration(id: $id, input: $input) {\n      id\n      name\n      allowedProviders\n      allowedModels\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConfigurationsPage {\n    accessKeyConfigurations(first: 100) {\n      nodes {\n        id\n        name\n        allowedProviders\n        allowedModels\n        routing {\n          provider\n          useGatewayCredentials\n          strategy\n          weights\n          providerKeyIds\n          providerKeys {\n            id\n            name\n            provider\n            keyRedacted\n          }\n        }\n        cache {\n          enabled\n          ttlSeconds\n        }\n        firewallPolicies {\n          id\n          name\n        }\n      }\n    }\n    firewallPolicies(first: 100) {\n      nodes {\n        id\n        name\n        mode\n      }\n    }\n    providers {\n      id\n      name\n      builtIn\n      needsProviderKey\n      gatewayCredentials\n      models {\n        id\n        displayName\n        inputPriceUsdPerMTok\n        outputPriceUsdPerMTok\n      }\n    }\n    providerKeys(first: 100) {\n      nodes {\n        id\n        provider\n        name\n        keyRedacted\n        priority\n      }\n    }\n  }\n"): (typeof documents)["\n  query ConfigurationsPage {\n    accessKeyConfigurations(first: 100) {\n      nodes {\n        id\n        name\n        allowedProviders\n        allowedModels\n        routing {\n          provider\n          useGatewayCredentials\n          strategy\n          weights\n          providerKeyIds\n          providerKeys {\n            id\n            name\n            provider\n            keyRedacted\n          }\n        }\n        cache {\n          enabled\n          ttlSeconds\n        }\n        firewallPolicies {\n          id\n          name\n        }\n      }\n    }\n    firewallPolicies(first: 100) {\n      nodes {\n        id\n        name\n        mode\n      }\n    }\n    providers {\n      id\n      name\n      builtIn\n      needsProviderKey\n      gatewayCredentials\n      models {\n        id\n        displayName\n        inputPriceUsdPerMTok\n        outputPriceUsdPerMTok\n      }\n    }\n    providerKeys(first: 100) {\n      nodes {\n        id\n        provider\n        name\n        keyRedacted\n        priority\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteAccessKeyConfiguration($id: ID!) {\n    deleteAccessKeyConfiguration(id: $id)\n  }\n"): (typeof documents)["\n  mutation DeleteAccessKeyConfiguration($id: ID!) {\n    deleteAccessKeyConfiguration(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CreditSpend($from: DateTime!) {\n    me {\n      id\n      creditBalanceUsd\n    }\n    creditSpend: usageSummary(from: $from, groupBy: DAY) {\n      key\n      costUsd\n    }\n  }\n"): (typeof documents)["\n  query CreditSpend($from: DateTime!) {\n    me {\n      id\n      creditBalanceUsd\n    }\n    creditSpend: usageSummary(from: $from, groupBy: DAY) {\n      key\n      costUsd\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CreditsBalance($expiringWithinDays: Int!) {\n    me {\n      id\n      creditBalanceUsd\n      nextCreditExpiry {\n        amountUsd\n        expiresAt\n      }\n      creditExpiringUsd(withinDays: $expiringWithinDays)\n    }\n  }\n"): (typeof documents)["\n  query CreditsBalance($expiringWithinDays: Int!) {\n    me {\n      id\n      creditBalanceUsd\n      nextCreditExpiry {\n        amountUsd\n        expiresAt\n      }\n      creditExpiringUsd(withinDays: $expiringWithinDays)\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CreditTransactions($first: Int!, $after: String) {\n    creditTransactions(first: $first, after: $after) {\n      nodes {\n        id\n        kind\n        amountUsd\n        createdAt\n        expiresAt\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query CreditTransactions($first: Int!, $after: String) {\n    creditTransactions(first: $first, after: $after) {\n      nodes {\n        id\n        kind\n        amountUsd\n        createdAt\n        expiresAt\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PurchaseCredits($amountUsd: String!) {\n    purchaseCredits(amountUsd: $amountUsd) {\n      id\n      amountUsd\n      expiresAt\n      status\n      checkoutUrl\n    }\n  }\n"): (typeof documents)["\n  mutation PurchaseCredits($amountUsd: String!) {\n    purchaseCredits(amountUsd: $amountUsd) {\n      id\n      amountUsd\n      expiresAt\n      status\n      checkoutUrl\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PaymentMode {\n    gatewayPricing {\n      paymentMode\n    }\n  }\n"): (typeof documents)["\n  query PaymentMode {\n    gatewayPricing {\n      paymentMode\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query FirewallPage {\n    firewallPolicies(first: 100) {\n      nodes {\n        id\n        name\n        mode\n        onError\n        rules {\n          kind\n          pattern\n          piiTypes\n          tools\n          restoreInResponse\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query FirewallPage {\n    firewallPolicies(first: 100) {\n      nodes {\n        id\n        name\n        mode\n        onError\n        rules {\n          kind\n          pattern\n          piiTypes\n          tools\n          restoreInResponse\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteFirewallPolicy($id: ID!) {\n    deleteFirewallPolicy(id: $id)\n  }\n"): (typeof documents)["\n  mutation DeleteFirewallPolicy($id: ID!) {\n    deleteFirewallPolicy(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateFirewallPolicy($input: FirewallPolicyInput!) {\n    createFirewallPolicy(input: $input) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation CreateFirewallPolicy($input: FirewallPolicyInput!) {\n    createFirewallPolicy(input: $input) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateFirewallPolicy($id: ID!, $input: FirewallPolicyInput!) {\n    updateFirewallPolicy(id: $id, input: $input) {\n      id\n      name\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateFirewallPolicy($id: ID!, $input: FirewallPolicyInput!) {\n    updateFirewallPolicy(id: $id, input: $input) {\n      id\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TestFirewallPolicy($input: FirewallPolicyInput!, $text: String!) {\n    testFirewallPolicy(input: $input, text: $text) {\n      blocked\n      reason\n      redactedText\n      decisions {\n        rule\n        action\n        count\n      }\n    }\n  }\n"): (typeof documents)["\n  query TestFirewallPolicy($input: FirewallPolicyInput!, $text: String!) {\n    testFirewallPolicy(input: $input, text: $text) {\n      blocked\n      reason\n      redactedText\n      decisions {\n        rule\n        action\n        count\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query InvitationPreview($token: String!) {\n    invitationPreview(token: $token) {\n      organization\n      role\n      invitedBy\n      email\n      expiresAt\n      state\n    }\n  }\n"): (typeof documents)["\n  query InvitationPreview($token: String!) {\n    invitationPreview(token: $token) {\n      organization\n      role\n      invitedBy\n      email\n      expiresAt\n      state\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AcceptInvitation($token: String!, $input: AcceptInvitationInput!) {\n    acceptInvitation(token: $token, input: $input) {\n      token\n      account {\n        id\n        name\n        email\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation AcceptInvitation($token: String!, $input: AcceptInvitationInput!) {\n    acceptInvitation(token: $token, input: $input) {\n      token\n      account {\n        id\n        name\n        email\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MembersPage {\n    members(first: 100) {\n      nodes {\n        id\n        email\n        name\n        role\n        createdAt\n        lastActiveAt\n      }\n    }\n    invitations(first: 100) {\n      nodes {\n        id\n        email\n        role\n        createdAt\n        expiresAt\n      }\n    }\n  }\n"): (typeof documents)["\n  query MembersPage {\n    members(first: 100) {\n      nodes {\n        id\n        email\n        name\n        role\n        createdAt\n        lastActiveAt\n      }\n    }\n    invitations(first: 100) {\n      nodes {\n        id\n        email\n        role\n        createdAt\n        expiresAt\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation InviteMember($input: InviteMemberInput!) {\n    inviteMember(input: $input) {\n      token\n      emailSent\n      invitation {\n        id\n        email\n        role\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation InviteMember($input: InviteMemberInput!) {\n    inviteMember(input: $input) {\n      token\n      emailSent\n      invitation {\n        id\n        email\n        role\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeInvitation($id: ID!) {\n    revokeInvitation(id: $id)\n  }\n"): (typeof documents)["\n  mutation RevokeInvitation($id: ID!) {\n    revokeInvitation(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateMemberRole($id: ID!, $role: Role!) {\n    updateMemberRole(id: $id, role: $role) {\n      id\n      role\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateMemberRole($id: ID!, $role: Role!) {\n    updateMemberRole(id: $id, role: $role) {\n      id\n      role\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RemoveMember($id: ID!) {\n    removeMember(id: $id)\n  }\n"): (typeof documents)["\n  mutation RemoveMember($id: ID!) {\n    removeMember(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ProviderKeysPage {\n    providerKeys(first: 100) {\n      nodes {\n        id\n        provider\n        name\n        keyRedacted\n        priority\n        createdAt\n        lastUsedAt\n      }\n      pageInfo {\n        hasNextPage\n      }\n    }\n    providers {\n      id\n      name\n      builtIn\n      needsProviderKey\n    }\n  }\n"): (typeof documents)["\n  query ProviderKeysPage {\n    providerKeys(first: 100) {\n      nodes {\n        id\n        provider\n        name\n        keyRedacted\n        priority\n        createdAt\n        lastUsedAt\n      }\n      pageInfo {\n        hasNextPage\n      }\n    }\n    providers {\n      id\n      name\n      builtIn\n      needsProviderKey\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateProviderKey($input: CreateProviderKeyInput!) {\n    createProviderKey(input: $input) {\n      id\n      provider\n      name\n      keyRedacted\n      priority\n    }\n  }\n"): (typeof documents)["\n  mutation CreateProviderKey($input: CreateProviderKeyInput!) {\n    createProviderKey(input: $input) {\n      id\n      provider\n      name\n      keyRedacted\n      priority\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RotateProviderKey($id: ID!, $key: String!) {\n    rotateProviderKey(id: $id, key: $key) {\n      id\n      keyRedacted\n    }\n  }\n"): (typeof documents)["\n  mutation RotateProviderKey($id: ID!, $key: String!) {\n    rotateProviderKey(id: $id, key: $key) {\n      id\n      keyRedacted\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateProviderKey($id: ID!, $input: UpdateProviderKeyInput!) {\n    updateProviderKey(id: $id, input: $input) {\n      id\n      name\n      priority\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateProviderKey($id: ID!, $input: UpdateProviderKeyInput!) {\n    updateProviderKey(id: $id, input: $input) {\n      id\n      name\n      priority\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation TestProviderKey($id: ID!) {\n    testProviderKey(id: $id) {\n      ok\n      status\n      latencyMs\n      message\n    }\n  }\n"): (typeof documents)["\n  mutation TestProviderKey($id: ID!) {\n    testProviderKey(id: $id) {\n      ok\n      status\n      latencyMs\n      message\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteProviderKey($id: ID!) {\n    deleteProviderKey(id: $id)\n  }\n"): (typeof documents)["\n  mutation DeleteProviderKey($id: ID!) {\n    deleteProviderKey(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ProvidersPage {\n    providers {\n      id\n      name\n      builtIn\n      apiFormat\n      baseUrl\n      needsProviderKey\n      gatewayCredentials\n      models {\n        id\n        provider\n        displayName\n        contextWindow\n        maxOutputTokens\n        inputPriceUsdPerMTok\n        outputPriceUsdPerMTok\n        cachedInputPriceUsdPerMTok\n        kind\n      }\n    }\n  }\n"): (typeof documents)["\n  query ProvidersPage {\n    providers {\n      id\n      name\n      builtIn\n      apiFormat\n      baseUrl\n      needsProviderKey\n      gatewayCredentials\n      models {\n        id\n        provider\n        displayName\n        contextWindow\n        maxOutputTokens\n        inputPriceUsdPerMTok\n        outputPriceUsdPerMTok\n        cachedInputPriceUsdPerMTok\n        kind\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateCustomProvider($input: CustomProviderInput!) {\n    createCustomProvider(input: $input) {\n      id\n      name\n    }\n  }\n"): (typeof documents)["\n  mutation CreateCustomProvider($input: CustomProviderInput!) {\n    createCustomProvider(input: $input) {\n      id\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateCustomProvider($id: ID!, $input: CustomProviderInput!) {\n    updateCustomProvider(id: $id, input: $input) {\n      id\n      name\n      baseUrl\n      apiFormat\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateCustomProvider($id: ID!, $input: CustomProviderInput!) {\n    updateCustomProvider(id: $id, input: $input) {\n      id\n      name\n      baseUrl\n      apiFormat\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation TestCustomProvider($providerId: String!) {\n    testCustomProvider(providerId: $providerId) {\n      ok\n      status\n      latencyMs\n      message\n    }\n  }\n"): (typeof documents)["\n  mutation TestCustomProvider($providerId: String!) {\n    testCustomProvider(providerId: $providerId) {\n      ok\n      status\n      latencyMs\n      message\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteCustomProvider($id: ID!) {\n    deleteCustomProvider(id: $id)\n  }\n"): (typeof documents)["\n  mutation DeleteCustomProvider($id: ID!) {\n    deleteCustomProvider(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AlertSettingsCard {\n    alertSettings {\n      enabled\n      webhookUrl\n      webhookSecretSet\n      lowBalanceThresholdUsd\n    }\n  }\n"): (typeof documents)["\n  query AlertSettingsCard {\n    alertSettings {\n      enabled\n      webhookUrl\n      webhookSecretSet\n      lowBalanceThresholdUsd\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AlertDeliveries {\n    alertDeliveries(first: 20) {\n      nodes {\n        id\n        eventType\n        status\n        attempts\n        responseStatus\n        lastError\n        nextAttemptAt\n        createdAt\n      }\n    }\n  }\n"): (typeof documents)["\n  query AlertDeliveries {\n    alertDeliveries(first: 20) {\n      nodes {\n        id\n        eventType\n        status\n        attempts\n        responseStatus\n        lastError\n        nextAttemptAt\n        createdAt\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateAlertSettings($input: AlertSettingsInput!) {\n    updateAlertSettings(input: $input) {\n      enabled\n      webhookUrl\n      webhookSecretSet\n      lowBalanceThresholdUsd\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateAlertSettings($input: AlertSettingsInput!) {\n    updateAlertSettings(input: $input) {\n      enabled\n      webhookUrl\n      webhookSecretSet\n      lowBalanceThresholdUsd\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RotateAlertWebhookSecret {\n    rotateAlertWebhookSecret {\n      secret\n      settings {\n        enabled\n        webhookUrl\n        webhookSecretSet\n        lowBalanceThresholdUsd\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation RotateAlertWebhookSecret {\n    rotateAlertWebhookSecret {\n      secret\n      settings {\n        enabled\n        webhookUrl\n        webhookSecretSet\n        lowBalanceThresholdUsd\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SendTestWebhook {\n    sendTestWebhook {\n      id\n      status\n    }\n  }\n"): (typeof documents)["\n  mutation SendTestWebhook {\n    sendTestWebhook {\n      id\n      status\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ChangePassword($input: ChangePasswordInput!) {\n    changePassword(input: $input)\n  }\n"): (typeof documents)["\n  mutation ChangePassword($input: ChangePasswordInput!) {\n    changePassword(input: $input)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Sessions {\n    sessions(first: 100) {\n      nodes {\n        id\n        createdAt\n        lastUsedAt\n        ip\n        userAgent\n        current\n      }\n    }\n  }\n"): (typeof documents)["\n  query Sessions {\n    sessions(first: 100) {\n      nodes {\n        id\n        createdAt\n        lastUsedAt\n        ip\n        userAgent\n        current\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeSession($id: ID!) {\n    revokeSession(id: $id)\n  }\n"): (typeof documents)["\n  mutation RevokeSession($id: ID!) {\n    revokeSession(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation LogOutEverywhere {\n    logOutEverywhere\n  }\n"): (typeof documents)["\n  mutation LogOutEverywhere {\n    logOutEverywhere\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SettingsPage {\n    me {\n      id\n      email\n      name\n      settings {\n        totalTimeoutMs\n        perAttemptTimeoutMs\n      }\n    }\n  }\n"): (typeof documents)["\n  query SettingsPage {\n    me {\n      id\n      email\n      name\n      settings {\n        totalTimeoutMs\n        perAttemptTimeoutMs\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SettingsApiKeys {\n    apiKeys(first: 100) {\n      nodes {\n        id\n        name\n        keyRedacted\n        role\n        effectiveRole\n        createdAt\n        lastUsedAt\n      }\n    }\n  }\n"): (typeof documents)["\n  query SettingsApiKeys {\n    apiKeys(first: 100) {\n      nodes {\n        id\n        name\n        keyRedacted\n        role\n        effectiveRole\n        createdAt\n        lastUsedAt\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateAccountSettings($input: AccountSettingsInput!) {\n    updateAccountSettings(input: $input) {\n      id\n      settings {\n        totalTimeoutMs\n        perAttemptTimeoutMs\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateAccountSettings($input: AccountSettingsInput!) {\n    updateAccountSettings(input: $input) {\n      id\n      settings {\n        totalTimeoutMs\n        perAttemptTimeoutMs\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      token\n      apiKey {\n        id\n        name\n        keyRedacted\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      token\n      apiKey {\n        id\n        name\n        keyRedacted\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id)\n  }\n"): (typeof documents)["\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SettingsTokenCaps {\n    me {\n      id\n      settings {\n        maxInputTokens\n        maxOutputTokens\n      }\n    }\n  }\n"): (typeof documents)["\n  query SettingsTokenCaps {\n    me {\n      id\n      settings {\n        maxInputTokens\n        maxOutputTokens\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateTokenCaps($input: AccountSettingsInput!) {\n    updateAccountSettings(input: $input) {\n      id\n      settings {\n        maxInputTokens\n        maxOutputTokens\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateTokenCaps($input: AccountSettingsInput!) {\n    updateAccountSettings(input: $input) {\n      id\n      settings {\n        maxInputTokens\n        maxOutputTokens\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment UsageBucketFields on UsageBucket {\n    key\n    label\n    requests\n    errors\n    inputTokens\n    outputTokens\n    costUsd\n    cacheHits\n  }\n"): (typeof documents)["\n  fragment UsageBucketFields on UsageBucket {\n    key\n    label\n    requests\n    errors\n    inputTokens\n    outputTokens\n    costUsd\n    cacheHits\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query UsageSummary($from: DateTime!, $to: DateTime, $filter: UsageFilter) {\n    daily: usageSummary(from: $from, to: $to, groupBy: DAY, filter: $filter) {\n      ...UsageBucketFields\n    }\n    byProvider: usageSummary(from: $from, to: $to, groupBy: PROVIDER, filter: $filter) {\n      ...UsageBucketFields\n    }\n    byModel: usageSummary(from: $from, to: $to, groupBy: MODEL, filter: $filter) {\n      ...UsageBucketFields\n    }\n    byAccessKey: usageSummary(from: $from, to: $to, groupBy: ACCESS_KEY, filter: $filter) {\n      ...UsageBucketFields\n    }\n  }\n"): (typeof documents)["\n  query UsageSummary($from: DateTime!, $to: DateTime, $filter: UsageFilter) {\n    daily: usageSummary(from: $from, to: $to, groupBy: DAY, filter: $filter) {\n      ...UsageBucketFields\n    }\n    byProvider: usageSummary(from: $from, to: $to, groupBy: PROVIDER, filter: $filter) {\n      ...UsageBucketFields\n    }\n    byModel: usageSummary(from: $from, to: $to, groupBy: MODEL, filter: $filter) {\n      ...UsageBucketFields\n    }\n    byAccessKey: usageSummary(from: $from, to: $to, groupBy: ACCESS_KEY, filter: $filter) {\n      ...UsageBucketFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query UsageEvents($filter: UsageFilter, $first: Int!, $after: String) {\n    usageEvents(filter: $filter, first: $first, after: $after) {\n      nodes {\n        id\n        requestId\n        createdAt\n        accessKeyId\n        endpoint\n        provider\n        model\n        status\n        streamed\n        inputTokens\n        outputTokens\n        promptCacheReadTokens\n        promptCacheWriteTokens\n        webSearchCalls\n        tokensEstimated\n        latencyMs\n        keySource\n        providerKeyId\n        feeUsd\n        upstreamCostUsd\n        totalCostUsd\n        errorCode\n        attempts {\n          provider\n          model\n          providerKeyId\n          keySource\n          status\n          error\n          latencyMs\n        }\n        firewall {\n          policyId\n          rule\n          action\n          count\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query UsageEvents($filter: UsageFilter, $first: Int!, $after: String) {\n    usageEvents(filter: $filter, first: $first, after: $after) {\n      nodes {\n        id\n        requestId\n        createdAt\n        accessKeyId\n        endpoint\n        provider\n        model\n        status\n        streamed\n        inputTokens\n        outputTokens\n        promptCacheReadTokens\n        promptCacheWriteTokens\n        webSearchCalls\n        tokensEstimated\n        latencyMs\n        keySource\n        providerKeyId\n        feeUsd\n        upstreamCostUsd\n        totalCostUsd\n        errorCode\n        attempts {\n          provider\n          model\n          providerKeyId\n          keySource\n          status\n          error\n          latencyMs\n        }\n        firewall {\n          policyId\n          rule\n          action\n          count\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query UsageLookups {\n    accessKeys(first: 100) {\n      nodes {\n        id\n        name\n      }\n    }\n    providerKeys(first: 100) {\n      nodes {\n        id\n        name\n      }\n    }\n    providers {\n      id\n      name\n      models {\n        id\n      }\n    }\n    usageEventStorage\n  }\n"): (typeof documents)["\n  query UsageLookups {\n    accessKeys(first: 100) {\n      nodes {\n        id\n        name\n      }\n    }\n    providerKeys(first: 100) {\n      nodes {\n        id\n        name\n      }\n    }\n    providers {\n      id\n      name\n      models {\n        id\n      }\n    }\n    usageEventStorage\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateVirtualModel($input: VirtualModelInput!) {\n    createVirtualModel(input: $input) {\n      id\n      name\n    }\n  }\n"): (typeof documents)["\n  mutation CreateVirtualModel($input: VirtualModelInput!) {\n    createVirtualModel(input: $input) {\n      id\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateVirtualModel($id: ID!, $input: VirtualModelInput!) {\n    updateVirtualModel(id: $id, input: $input) {\n      id\n      name\n      description\n      strategy\n      targets {\n        model\n        weight\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateVirtualModel($id: ID!, $input: VirtualModelInput!) {\n    updateVirtualModel(id: $id, input: $input) {\n      id\n      name\n      description\n      strategy\n      targets {\n        model\n        weight\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query VirtualModelsPage {\n    virtualModels(first: 100) {\n      nodes {\n        id\n        name\n        description\n        strategy\n        targets {\n          model\n          weight\n        }\n      }\n      pageInfo {\n        hasNextPage\n      }\n    }\n    providers {\n      id\n      models {\n        id\n      }\n    }\n  }\n"): (typeof documents)["\n  query VirtualModelsPage {\n    virtualModels(first: 100) {\n      nodes {\n        id\n        name\n        description\n        strategy\n        targets {\n          model\n          weight\n        }\n      }\n      pageInfo {\n        hasNextPage\n      }\n    }\n    providers {\n      id\n      models {\n        id\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteVirtualModel($id: ID!) {\n    deleteVirtualModel(id: $id)\n  }\n"): (typeof documents)["\n  mutation DeleteVirtualModel($id: ID!) {\n    deleteVirtualModel(id: $id)\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;