import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { Badge, StatusBadge, type BadgeTone } from '../../components/badge';
import { Card } from '../../components/card';
import { DataTable, RelativeTimeCell } from '../../components/data-table';
import { EmptyState } from '../../components/empty-state';
import { ErrorMessage } from '../../components/error-message';
import { ActionForm, Field } from '../../components/form';
import { QueryState } from '../../components/query-state';
import { SecretReveal } from '../../components/secret-reveal';
import { graphql } from '../../gql';
import type { AlertSettingsCardQuery } from '../../gql/graphql';

const AlertSettingsCardQueryDoc = graphql(`
  query AlertSettingsCard {
    alertSettings {
      enabled
      webhookUrl
      webhookSecretSet
      lowBalanceThresholdUsd
    }
  }
`);

const AlertDeliveriesQuery = graphql(`
  query AlertDeliveries {
    alertDeliveries(first: 20) {
      nodes {
        id
        eventType
        status
        attempts
        responseStatus
        lastError
        nextAttemptAt
        createdAt
      }
    }
  }
`);

const UpdateAlertSettingsMutation = graphql(`
  mutation UpdateAlertSettings($input: AlertSettingsInput!) {
    updateAlertSettings(input: $input) {
      enabled
      webhookUrl
      webhookSecretSet
      lowBalanceThresholdUsd
    }
  }
`);

const RotateAlertWebhookSecretMutation = graphql(`
  mutation RotateAlertWebhookSecret {
    rotateAlertWebhookSecret {
      secret
      settings {
        enabled
        webhookUrl
        webhookSecretSet
        lowBalanceThresholdUsd
      }
    }
  }
`);

const SendTestWebhookMutation = graphql(`
  mutation SendTestWebhook {
    sendTestWebhook {
      id
      status
    }
  }
`);

const TYPENAMES = { additionalTypenames: ['AlertSettings', 'AlertDelivery'] };

/** Alert webhook: URL, signing secret (write-only), low-balance threshold, on/off; for ADMINs. */
export function AlertWebhooksCard() {
  const [result, reexecute] = useQuery({ query: AlertSettingsCardQueryDoc, context: TYPENAMES });
  // Held here: the form below remounts when the settings change (saving or a rotation changes them).
  const [secret, setSecret] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  return (
    <Card title="Alert webhooks">
      <p className="muted small">
        Signed <code>POST</code>s when an access key reaches 80% and 100% of its budget in a period (<code>budget.threshold_reached</code>) and when the credit balance falls
        below a threshold (<code>credits.balance_low</code>). Verify the <code>X-Gateway-Signature</code> header with the signing secret, as with Stripe webhooks.
      </p>
      {secret ? (
        <SecretReveal what="signing secret" token={secret} note="it is stored encrypted and never shown again; rotate it to get a new one." onDone={() => setSecret(null)} />
      ) : null}
      <div className="stack">
        <QueryState result={result} label="alert settings" onRetry={() => reexecute({ requestPolicy: 'network-only' })}>
          {(data) => <AlertSettingsForm key={JSON.stringify(data.alertSettings)} settings={data.alertSettings} onSecret={setSecret} saved={saved} onSaved={setSaved} />}
        </QueryState>
        <DeliveryLog />
      </div>
    </Card>
  );
}

function AlertSettingsForm({
  settings,
  onSecret,
  saved,
  onSaved: setSaved,
}: {
  settings: AlertSettingsCardQuery['alertSettings'];
  onSecret: (secret: string) => void;
  saved: boolean;
  onSaved: (saved: boolean) => void;
}) {
  const [url, setUrl] = useState(settings.webhookUrl ?? '');
  const [enabled, setEnabled] = useState(settings.enabled);
  const [threshold, setThreshold] = useState(settings.lowBalanceThresholdUsd ?? '');
  const [state, update] = useMutation(UpdateAlertSettingsMutation);
  const [rotateState, rotate] = useMutation(RotateAlertWebhookSecretMutation);
  const [testState, sendTest] = useMutation(SendTestWebhookMutation);
  const [testQueued, setTestQueued] = useState(false);

  const submit = async () => {
    setSaved(false);
    const input = { webhookUrl: url.trim() === '' ? null : url.trim(), enabled, lowBalanceThresholdUsd: threshold.trim() === '' ? null : threshold.trim() };
    const outcome = await update({ input }, TYPENAMES);
    if (!outcome.error) setSaved(true);
  };
  const rotateSecret = async () => {
    const outcome = await rotate({}, TYPENAMES);
    if (outcome.data) onSecret(outcome.data.rotateAlertWebhookSecret.secret);
  };
  const test = async () => {
    setTestQueued(false);
    const outcome = await sendTest({}, TYPENAMES);
    if (!outcome.error) setTestQueued(true);
  };

  return (
    <div className="stack">
      <ActionForm onSubmit={submit} state={{ fetching: state.fetching, error: state.error }} notice={saved ? 'Alert settings saved.' : null} submitLabel="Save alert settings" busyLabel="Saving…">
        <div className="form-grid">
          <Field label="Webhook URL" hint="http(s); private and loopback addresses are refused unless CUSTOM_PROVIDER_ALLOW_PRIVATE allows them.">
            <input type="url" value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://hooks.example.com/gateway" />
          </Field>
          <Field label="Low-balance threshold (USD)" hint="Alert once when the credit balance falls below this; again after it recovered. Empty: no low-balance alert.">
            <input inputMode="decimal" value={threshold} onChange={(e) => setThreshold(e.target.value)} placeholder="e.g. 10.00" />
          </Field>
        </div>
        <label className="check">
          <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
          <span>Send alerts</span>
        </label>
      </ActionForm>
      <div className="inline-actions">
        <span className="muted small">Signing secret: {settings.webhookSecretSet ? <Badge tone="success">set</Badge> : <Badge tone="warning">not set</Badge>}</span>
        <button type="button" className="btn" onClick={() => void rotateSecret()} disabled={rotateState.fetching}>
          {settings.webhookSecretSet ? 'Rotate signing secret' : 'Generate signing secret'}
        </button>
        <button type="button" className="btn" onClick={() => void test()} disabled={testState.fetching}>
          Send test webhook
        </button>
      </div>
      <ErrorMessage error={rotateState.error ?? testState.error} />
      {testQueued ? (
        <div className="alert alert-success" role="status">
          Test webhook queued; its delivery shows below.
        </div>
      ) : null}
    </div>
  );
}

const STATUS_TONE: Record<string, BadgeTone> = { succeeded: 'success', pending: 'info', failed: 'danger' };

function DeliveryLog() {
  const [result, reexecute] = useQuery({ query: AlertDeliveriesQuery, context: TYPENAMES });
  return (
    <section aria-label="Webhook deliveries" className="stack">
      <div className="section-head">
        <h3>Recent deliveries</h3>
        <button type="button" className="btn btn-small" onClick={() => reexecute({ requestPolicy: 'network-only' })}>
          Refresh
        </button>
      </div>
      <QueryState result={result} label="webhook deliveries" onRetry={() => reexecute({ requestPolicy: 'network-only' })}>
        {(data) =>
          data.alertDeliveries.nodes.length === 0 ? (
            <EmptyState title="No deliveries yet">Alerts and test webhooks show here with their status.</EmptyState>
          ) : (
            <DataTable label="Webhook deliveries" columns={['Event', 'Status', 'Attempts', 'Response', 'Next retry', 'Created', 'Last error']}>
              <tbody>
                {data.alertDeliveries.nodes.map((d) => (
                  <tr key={d.id}>
                    <td>
                      <code>{d.eventType}</code>
                    </td>
                    <td>
                      <Badge tone={STATUS_TONE[d.status] ?? 'neutral'}>{d.status}</Badge>
                    </td>
                    <td>{d.attempts}</td>
                    <td>
                      <StatusBadge status={d.responseStatus} />
                    </td>
                    {d.nextAttemptAt ? <RelativeTimeCell value={d.nextAttemptAt} /> : <td>—</td>}
                    <RelativeTimeCell value={d.createdAt} />
                    <td className="small">{d.lastError ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </DataTable>
          )
        }
      </QueryState>
    </section>
  );
}
