import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { Badge, type BadgeTone } from '../../components/badge';
import { Card } from '../../components/card';
import { CursorPages, type CursorPage, DataTable, LoadMoreRow, numeric, SingleCellBody } from '../../components/data-table';
import { EmptyState } from '../../components/empty-state';
import { ErrorMessage } from '../../components/error-message';
import { PageHeader } from '../../components/page-header';
import { QueryState } from '../../components/query-state';
import { graphql } from '../../gql';
import { centsToUsdString, formatDate, formatDateTime, formatUsd, parseUsdToCents } from '../../lib/format';
import { RequireRole } from '../../lib/role';
import { CreditExpiryNote, EXPIRY_WARNING_DAYS } from './credit-expiry-note';
import { CreditSpendCard } from './credit-spend-card';

const CreditsBalanceQuery = graphql(`
  query CreditsBalance($expiringWithinDays: Int!) {
    me {
      id
      creditBalanceUsd
      nextCreditExpiry {
        amountUsd
        expiresAt
      }
      creditExpiringUsd(withinDays: $expiringWithinDays)
    }
  }
`);

const CreditTransactionsQuery = graphql(`
  query CreditTransactions($first: Int!, $after: String) {
    creditTransactions(first: $first, after: $after) {
      nodes {
        id
        kind
        amountUsd
        createdAt
        expiresAt
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

const PurchaseCreditsMutation = graphql(`
  mutation PurchaseCredits($amountUsd: String!) {
    purchaseCredits(amountUsd: $amountUsd) {
      id
      amountUsd
      expiresAt
      status
      checkoutUrl
    }
  }
`);

const PaymentModeQuery = graphql(`
  query PaymentMode {
    gatewayPricing {
      paymentMode
    }
  }
`);

const TYPENAMES = { additionalTypenames: ['CreditTransaction', 'Account', 'CreditPurchase'] };
const MIN_PURCHASE_CENTS = 500n;
const PRESETS = ['10', '25', '50', '100'];
const PAGE_SIZE = 25;

export function CreditsPage() {
  const [balance, reexecute] = useQuery({ query: CreditsBalanceQuery, variables: { expiringWithinDays: EXPIRY_WARNING_DAYS }, context: TYPENAMES });
  return (
    <div className="page">
      <PageHeader title="Credits" description="Prepaid balance for the processing fee and for gateway-credential inference. Each purchase expires after 365 days." />
      <div className="grid-2">
        <Card title="Balance">
          <QueryState result={balance} label="balance" onRetry={() => reexecute({ requestPolicy: 'network-only' })}>
            {(data) => (
              <div className="balance">
                <span className="balance-value" data-testid="credit-balance">
                  {formatUsd(data.me.creditBalanceUsd)}
                </span>
                <span className="muted small">Unexpired credits. Spending uses the credits that expire first.</span>
                <CreditExpiryNote next={data.me.nextCreditExpiry ?? null} expiringSoonUsd={data.me.creditExpiringUsd} />
              </div>
            )}
          </QueryState>
        </Card>
        <RequireRole min="ADMIN">
          <PurchaseCard />
        </RequireRole>
      </div>
      <CreditSpendCard />
      <Card title="Transactions">
        <TransactionsTable />
      </Card>
    </div>
  );
}

function PurchaseCard() {
  const [amount, setAmount] = useState('20');
  const [validation, setValidation] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [state, purchase] = useMutation(PurchaseCreditsMutation);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setNotice(null);
    const cents = parseUsdToCents(amount);
    if (cents === null) return setValidation('Enter an amount in dollars, e.g. 20 or 12.50.');
    if (cents < MIN_PURCHASE_CENTS) return setValidation('The minimum purchase is $5.00.');
    setValidation(null);
    const result = await purchase({ amountUsd: centsToUsdString(cents) }, TYPENAMES);
    const created = result.data?.purchaseCredits;
    if (!created) return;
    if (created.checkoutUrl) {
      window.location.assign(created.checkoutUrl);
      return;
    }
    // Completed at once without a checkout page: the gateway runs with manual payments and took no money.
    setNotice(
      created.status === 'completed'
        ? `Added ${formatUsd(created.amountUsd)} without any payment (manual payments: nothing was charged); expires ${formatDate(created.expiresAt)}.`
        : `Purchase of ${formatUsd(created.amountUsd)} is ${created.status}.`,
    );
  };

  return (
    <Card title="Buy credits">
      <form className="form" onSubmit={submit} noValidate>
        <div className="preset-row" role="group" aria-label="Preset amounts">
          {PRESETS.map((p) => (
            <button key={p} type="button" className={amount === p ? 'btn btn-small btn-selected' : 'btn btn-small'} aria-pressed={amount === p} onClick={() => setAmount(p)}>
              ${p}
            </button>
          ))}
        </div>
        <label className="field">
          <span>Amount (USD)</span>
          <div className="input-prefix">
            <span aria-hidden="true">$</span>
            <input
              inputMode="decimal"
              value={amount}
              onChange={(e) => setAmount(e.target.value)}
              aria-invalid={validation ? true : undefined}
              aria-describedby="purchase-hint"
            />
          </div>
          <small className="hint" id="purchase-hint">
            Minimum $5.00, maximum $10,000.00.
          </small>
        </label>
        <PaymentModeNote />
        <ErrorMessage error={validation ?? state.error} />
        {notice ? (
          <div className="alert alert-success" role="status">
            {notice}
          </div>
        ) : null}
        <button type="submit" className="btn btn-primary" disabled={state.fetching}>
          {state.fetching ? 'Processing…' : 'Buy credits'}
        </button>
      </form>
    </Card>
  );
}

/** Says before anyone clicks what Buy credits does on this gateway (the operator's PAYMENTS). */
function PaymentModeNote() {
  const [result, reexecute] = useQuery({ query: PaymentModeQuery });
  return (
    <QueryState result={result} label="payment mode" onRetry={() => reexecute({ requestPolicy: 'network-only' })}>
      {({ gatewayPricing }) =>
        gatewayPricing.paymentMode === 'STRIPE' ? (
          <p className="muted small" data-testid="payment-mode-note">
            Payments go through Stripe (<code>PAYMENTS=stripe</code>): <strong>Buy credits</strong> takes you to Stripe Checkout, and the credit arrives once
            Stripe confirms the payment.
          </p>
        ) : (
          <p className="muted small" data-testid="payment-mode-note">
            Purchases are recorded manually (<code>PAYMENTS=manual</code>): <strong>Buy credits</strong> adds the credit at once and{' '}
            <strong>no payment is taken</strong>, so anyone who may buy credits here adds them for free.
          </p>
        )
      }
    </QueryState>
  );
}

const COLUMNS = 4;

function TransactionsTable() {
  return (
    <DataTable label="Credit transactions" columns={['Date', 'Kind', numeric('Amount'), 'Expires']}>
      <CursorPages>{(page) => <TransactionsPage {...page} />}</CursorPages>
    </DataTable>
  );
}

const KIND_TONES: Record<string, BadgeTone> = { purchase: 'success', grant: 'success', usage: 'neutral', charge: 'neutral', refund: 'info', expiry: 'warning', expired: 'warning' };

function TransactionsPage({ after, isLast, onLoadMore }: CursorPage) {
  const [result, reexecute] = useQuery({ query: CreditTransactionsQuery, variables: { first: PAGE_SIZE, after }, context: TYPENAMES });
  if (result.error && !result.data)
    return (
      <SingleCellBody colSpan={COLUMNS}>
        <ErrorMessage error={result.error} title="Could not load transactions" onRetry={() => reexecute({ requestPolicy: 'network-only' })} />
      </SingleCellBody>
    );
  if (!result.data)
    return (
      <SingleCellBody colSpan={COLUMNS}>
        <span className="muted">Loading transactions…</span>
      </SingleCellBody>
    );
  const { nodes, pageInfo } = result.data.creditTransactions;
  if (nodes.length === 0 && after === null)
    return (
      <SingleCellBody colSpan={COLUMNS}>
        <EmptyState title="No transactions yet">Buy credits to get started.</EmptyState>
      </SingleCellBody>
    );
  const now = Date.now();
  return (
    <tbody>
      {nodes.map((t) => {
        const expired = t.expiresAt !== null && new Date(t.expiresAt).getTime() < now;
        const negative = t.amountUsd.trim().startsWith('-');
        return (
          <tr key={t.id}>
            <td className="nowrap">{formatDateTime(t.createdAt)}</td>
            <td>
              <Badge tone={KIND_TONES[t.kind.toLowerCase()] ?? 'neutral'}>{t.kind}</Badge>
            </td>
            <td className={negative ? 'num negative' : 'num positive'}>{formatUsd(t.amountUsd)}</td>
            <td>
              {t.expiresAt ? formatDate(t.expiresAt) : '—'} {expired ? <Badge tone="warning">expired</Badge> : null}
            </td>
          </tr>
        );
      })}
      {isLast && pageInfo.hasNextPage && pageInfo.endCursor ? <LoadMoreRow colSpan={COLUMNS} onLoadMore={() => onLoadMore(pageInfo.endCursor!)} /> : null}
    </tbody>
  );
}
