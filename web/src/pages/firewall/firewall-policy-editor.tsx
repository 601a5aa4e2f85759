import { useState, type FormEvent } from 'react';
import { useClient, useMutation } from 'urql';
import { Card } from '../../components/card';
import { ErrorMessage } from '../../components/error-message';
import { Field, FormActions } from '../../components/form';
import { graphql } from '../../gql';
import type { FirewallMode, FirewallOnError, FirewallPageQuery, FirewallPolicyInput, FirewallRuleKind, PiiType, TestFirewallPolicyQuery } from '../../gql/graphql';

const CreateFirewallPolicyMutation = graphql(`
  mutation CreateFirewallPolicy($input: FirewallPolicyInput!) {
    createFirewallPolicy(input: $input) {
      id
    }
  }
`);

const UpdateFirewallPolicyMutation = graphql(`
  mutation UpdateFirewallPolicy($id: ID!, $input: FirewallPolicyInput!) {
    updateFirewallPolicy(id: $id, input: $input) {
      id
      name
    }
  }
`);

const TestFirewallPolicyQueryDoc = graphql(`
  query TestFirewallPolicy($input: FirewallPolicyInput!, $text: String!) {
    testFirewallPolicy(input: $input, text: $text) {
      blocked
      reason
      redactedText
      decisions {
        rule
        action
        count
      }
    }
  }
`);

export const FIREWALL_TYPENAMES = { additionalTypenames: ['FirewallPolicy', 'AccessKeyConfiguration'] };

const PII_LABELS: Record<PiiType, string> = {
  EMAIL: 'E-mail addresses',
  PHONE: 'Phone numbers',
  CREDIT_CARD: 'Card numbers (Luhn-checked)',
  IBAN: 'IBANs (checksum)',
  IP_ADDRESS: 'IP addresses',
  API_KEY: 'API keys (provider formats)',
};

const PII_TYPES = Object.keys(PII_LABELS) as PiiType[];

const RULE_KINDS: { kind: FirewallRuleKind; label: string }[] = [
  { kind: 'DENY_PATTERN', label: 'Deny requests matching a pattern' },
  { kind: 'REDACT_PII', label: 'Redact personal data' },
  { kind: 'DENY_TOOLS', label: 'Deny these tools' },
  { kind: 'ALLOW_TOOLS', label: 'Allow only these tools' },
];

interface RuleDraft {
  kind: FirewallRuleKind;
  pattern: string;
  piiTypes: PiiType[];
  restoreInResponse: boolean;
  /** Comma- or newline-separated tool names, as typed. */
  tools: string;
}

export interface PolicyDraft {
  id?: string;
  name: string;
  mode: FirewallMode;
  onError: FirewallOnError;
  rules: RuleDraft[];
}

type PolicyNode = FirewallPageQuery['firewallPolicies']['nodes'][number];

const newRule = (kind: FirewallRuleKind): RuleDraft => ({
  kind,
  pattern: '',
  piiTypes: kind === 'REDACT_PII' ? ['EMAIL', 'PHONE', 'CREDIT_CARD', 'API_KEY'] : [],
  restoreInResponse: true,
  tools: '',
});

export function emptyPolicyDraft(): PolicyDraft {
  return { name: '', mode: 'DRY_RUN', onError: 'BLOCK', rules: [newRule('REDACT_PII')] };
}

export function draftFromPolicy(p: PolicyNode): PolicyDraft {
  return {
    id: p.id,
    name: p.name,
    mode: p.mode,
    onError: p.onError,
    rules: p.rules.map((r) => ({
      kind: r.kind,
      pattern: r.pattern ?? '',
      piiTypes: r.piiTypes ?? [],
      restoreInResponse: r.restoreInResponse ?? false,
      tools: (r.tools ?? []).join(', '),
    })),
  };
}

function draftToInput(d: PolicyDraft): FirewallPolicyInput {
  return {
    name: d.name,
    mode: d.mode,
    onError: d.onError,
    rules: d.rules.map((r) => {
      switch (r.kind) {
        case 'DENY_PATTERN':
          return { kind: r.kind, pattern: r.pattern };
        case 'REDACT_PII':
          return { kind: r.kind, piiTypes: r.piiTypes, restoreInResponse: r.restoreInResponse };
        default:
          return { kind: r.kind, tools: r.tools.split(/[\s,]+/).filter(Boolean) };
      }
    }),
  };
}

export function FirewallPolicyEditor({ initial, onDone }: { initial: PolicyDraft; onDone: () => void }) {
  const [draft, setDraft] = useState(initial);
  const [created, create] = useMutation(CreateFirewallPolicyMutation);
  const [updated, update] = useMutation(UpdateFirewallPolicyMutation);
  const state = initial.id ? updated : created;
  const patch = (p: Partial<PolicyDraft>) => setDraft((d) => ({ ...d, ...p }));
  const patchRule = (i: number, p: Partial<RuleDraft>) => patch({ rules: draft.rules.map((r, j) => (j === i ? { ...r, ...p } : r)) });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const input = draftToInput(draft);
    const result = initial.id ? await update({ id: initial.id, input }, FIREWALL_TYPENAMES) : await create({ input }, FIREWALL_TYPENAMES);
    if (!result.error) onDone();
  };

  return (
    <div className="firewall-editor">
      <Card title={initial.id ? `Edit ${initial.name}` : 'New firewall policy'}>
        <form className="form" onSubmit={submit}>
          <Field label="Name">
            <input value={draft.name} onChange={(e) => patch({ name: e.target.value })} required maxLength={200} autoFocus />
          </Field>
          <div className="form-row">
            <Field label="Mode" hint="Dry run serves every request and records what the policy would have done.">
              <select value={draft.mode} onChange={(e) => patch({ mode: e.target.value as FirewallMode })}>
                <option value={'DRY_RUN'}>Dry run (record only)</option>
                <option value={'ENFORCE'}>Enforce (block and redact)</option>
              </select>
            </Field>
            <Field label="If the policy cannot be applied" hint="For example a request larger than the scan limit.">
              <select value={draft.onError} onChange={(e) => patch({ onError: e.target.value as FirewallOnError })}>
                <option value={'BLOCK'}>Block the request</option>
                <option value={'CONTINUE'}>Continue without this policy</option>
              </select>
            </Field>
          </div>
          {draft.rules.map((rule, i) => (
            <fieldset key={i} className="rule-editor">
              <legend>Rule {i + 1}</legend>
              <Field label="Kind">
                <select value={rule.kind} onChange={(e) => patchRule(i, newRule(e.target.value as FirewallRuleKind))}>
                  {RULE_KINDS.map((k) => (
                    <option key={k.kind} value={k.kind}>
                      {k.label}
                    </option>
                  ))}
                </select>
              </Field>
              <RuleFields rule={rule} onChange={(p) => patchRule(i, p)} />
              <button type="button" className="btn btn-small" onClick={() => patch({ rules: draft.rules.filter((_, j) => j !== i) })} aria-label={`Remove rule ${i + 1}`}>
                Remove rule
              </button>
            </fieldset>
          ))}
          <div>
            <button type="button" className="btn" onClick={() => patch({ rules: [...draft.rules, newRule('DENY_PATTERN')] })}>
              Add a rule
            </button>
          </div>
          <FormActions state={state} submitLabel={initial.id ? 'Save policy' : 'Create policy'} onCancel={onDone} />
        </form>
      </Card>
      <PolicyTryOut draft={draft} />
    </div>
  );
}

function RuleFields({ rule, onChange }: { rule: RuleDraft; onChange: (p: Partial<RuleDraft>) => void }) {
  if (rule.kind === 'DENY_PATTERN') {
    return (
      <Field label="Pattern" hint="A regular expression (RE2 syntax: no backreferences or lookaround, so matching stays fast). Prefix (?i) to ignore case.">
        <input value={rule.pattern} onChange={(e) => onChange({ pattern: e.target.value })} required maxLength={2000} spellCheck={false} />
      </Field>
    );
  }
  if (rule.kind === 'REDACT_PII') {
    return (
      <>
        <fieldset className="check-grid">
          <legend>Replace with placeholders such as &lt;EMAIL_1&gt; before the provider sees them</legend>
          {PII_TYPES.map((t) => (
            <label key={t} className="check">
              <input
                type="checkbox"
                checked={rule.piiTypes.includes(t)}
                onChange={(e) => onChange({ piiTypes: e.target.checked ? [...rule.piiTypes, t] : rule.piiTypes.filter((x) => x !== t) })}
              />
              {PII_LABELS[t]}
            </label>
          ))}
        </fieldset>
        <label className="check">
          <input type="checkbox" checked={rule.restoreInResponse} onChange={(e) => onChange({ restoreInResponse: e.target.checked })} />
          Put the original values back into the answer (streams included)
        </label>
      </>
    );
  }
  return (
    <Field
      label="Tool names"
      hint={
        rule.kind === 'ALLOW_TOOLS'
          ? 'Requests offering, and answers calling, any other tool are blocked. Leave empty to allow no tools.'
          : 'Requests offering, and answers calling, these tools are blocked.'
      }
    >
      <input value={rule.tools} onChange={(e) => onChange({ tools: e.target.value })} placeholder="send_email, delete_repository" spellCheck={false} />
    </Field>
  );
}

/** Runs the draft (saved or not) on a sample text on the server; nothing is sent upstream or stored. */
function PolicyTryOut({ draft }: { draft: PolicyDraft }) {
  const client = useClient();
  const [text, setText] = useState('');
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const [result, setResult] = useState<TestFirewallPolicyQuery['testFirewallPolicy'] | null>(null);

  const run = async (event: FormEvent) => {
    event.preventDefault();
    setRunning(true);
    const r = await client.query(TestFirewallPolicyQueryDoc, { input: draftToInput({ ...draft, name: draft.name || 'draft' }), text }, { requestPolicy: 'network-only' }).toPromise();
    setRunning(false);
    setError(r.error ?? null);
    setResult(r.data?.testFirewallPolicy ?? null);
  };

  return (
    <Card title="Try it">
      <form className="form" onSubmit={run}>
        <Field label="Sample text, as a user message">
          <textarea rows={5} value={text} onChange={(e) => setText(e.target.value)} placeholder="Hi, I'm jane@example.com, call me on +1 415-555-0132." />
        </Field>
        <div className="actions">
          <button type="submit" className="btn" disabled={running || text.length === 0}>
            {running ? 'Checking…' : 'Check this text'}
          </button>
        </div>
      </form>
      <ErrorMessage error={error} />
      {result ? (
        <div className="firewall-result" role="status">
          <p>
            {result.blocked ? (
              <strong>Blocked: {result.reason}</strong>
            ) : result.decisions.length === 0 ? (
              'Nothing matched: the request would be sent as it is.'
            ) : (
              'Allowed.'
            )}
          </p>
          {result.decisions.length ? (
            <ul>
              {result.decisions.map((d, i) => (
                <li key={i}>
                  {d.rule}: {d.action} × {d.count}
                </li>
              ))}
            </ul>
          ) : null}
          {!result.blocked ? (
            <>
              <p className="muted">What the provider would receive:</p>
              <pre className="code-block">{result.redactedText}</pre>
            </>
          ) : null}
        </div>
      ) : null}
    </Card>
  );
}
