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
import type { FirewallPageQuery } from '../../gql/graphql';
import { RequireRole, useRole } from '../../lib/role';
import { FIREWALL_TYPENAMES, FirewallPolicyEditor, draftFromPolicy, emptyPolicyDraft, type PolicyDraft } from './firewall-policy-editor';

export const FirewallPageQueryDoc = graphql(`
  query FirewallPage {
    firewallPolicies(first: 100) {
      nodes {
        id
        name
        mode
        onError
        rules {
          kind
          pattern
          piiTypes
          tools
          restoreInResponse
        }
      }
    }
  }
`);

const DeleteFirewallPolicyMutation = graphql(`
  mutation DeleteFirewallPolicy($id: ID!) {
    deleteFirewallPolicy(id: $id)
  }
`);

type PolicyNode = FirewallPageQuery['firewallPolicies']['nodes'][number];

const RULE_LABELS: Record<string, string> = {
  DENY_PATTERN: 'Deny pattern',
  REDACT_PII: 'Redact PII',
  DENY_TOOLS: 'Deny tools',
  ALLOW_TOOLS: 'Allow only tools',
};

export function FirewallPage() {
  const canManage = useRole().can('ADMIN');
  const [result, reexecute] = useQuery({ query: FirewallPageQueryDoc, context: FIREWALL_TYPENAMES });
  const [editing, setEditing] = useState<PolicyDraft | null>(null);
  return (
    <div className="page">
      <PageHeader
        title="Firewall"
        description="Policies checked on every request of the access keys whose configuration attaches them: deny patterns, tool rules and PII redaction. Matched text is never stored or logged; usage events record only what was done and how often."
        actions={
          editing ? null : (
            <RequireRole min="ADMIN">
              <button type="button" className="btn btn-primary" onClick={() => setEditing(emptyPolicyDraft())}>
                New policy
              </button>
            </RequireRole>
          )
        }
      />
      <QueryState result={result} label="firewall policies" onRetry={() => reexecute({ requestPolicy: 'network-only' })}>
        {(data) =>
          editing ? (
            <FirewallPolicyEditor key={editing.id ?? 'new'} initial={editing} onDone={() => setEditing(null)} />
          ) : data.firewallPolicies.nodes.length === 0 ? (
            <EmptyCard title="No firewall policies" actionLabel={canManage ? 'Create a policy' : undefined} onAction={() => setEditing(emptyPolicyDraft())}>
              Start in dry run: requests are served as usual and the usage log shows what the policy would have blocked or redacted.
            </EmptyCard>
          ) : (
            <div className="card-grid">
              {data.firewallPolicies.nodes.map((policy) => (
                <PolicyCard key={policy.id} policy={policy} onEdit={() => setEditing(draftFromPolicy(policy))} />
              ))}
            </div>
          )
        }
      </QueryState>
    </div>
  );
}

function PolicyCard({ policy, onEdit }: { policy: PolicyNode; onEdit: () => void }) {
  const [, remove] = useMutation(DeleteFirewallPolicyMutation);
  return (
    <Card
      title={policy.name}
      actions={
        <RequireRole min="ADMIN">
          <RowButton label="Edit" subject={policy.name} onClick={onEdit} />
          <ConfirmButton
            label="Delete"
            ariaLabel={`Delete ${policy.name}`}
            title="Delete firewall policy?"
            onConfirm={async () => (await remove({ id: policy.id }, FIREWALL_TYPENAMES)).error}
          >
            <p>
              Delete <strong>{policy.name}</strong>? Detach it from every configuration first.
            </p>
          </ConfirmButton>
        </RequireRole>
      }
    >
      <dl className="summary-list">
        <div>
          <dt>Mode</dt>
          <dd>
            {policy.mode === 'ENFORCE' ? <Badge tone="danger">Enforce</Badge> : <Badge tone="warning">Dry run</Badge>}{' '}
            <span className="muted">on error: {policy.onError === 'BLOCK' ? 'block the request' : 'continue without the policy'}</span>
          </dd>
        </div>
        <div>
          <dt>Rules</dt>
          <dd>
            <ul className="routing-summary">
              {policy.rules.map((rule, i) => (
                <li key={i}>
                  <strong>{RULE_LABELS[rule.kind] ?? rule.kind}</strong>
                  {rule.pattern ? (
                    <>
                      : <code>{rule.pattern}</code>
                    </>
                  ) : null}
                  {rule.piiTypes ? `: ${rule.piiTypes.join(', ')}${rule.restoreInResponse ? ' (restored in answers)' : ''}` : null}
                  {rule.tools ? `: ${rule.tools.length ? rule.tools.join(', ') : 'no tools'}` : null}
                </li>
              ))}
            </ul>
          </dd>
        </div>
      </dl>
    </Card>
  );
}
