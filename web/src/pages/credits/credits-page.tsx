import { useState, type FormEvent, type ReactNode } from 'react';
import { useMutation, useQuery } from 'urql';
import { Badge, type BadgeTone } from '../../components/badge';
import { Card } from '../../components/card';
import { EmptyState } from '../../components/empty-state';
import { ErrorMessage } from '../../components/error-message';
import { PageHeader } from '../../components/page-header';
import { QueryState } from '../../components/query-state';
import { graphql } from '../../gql';
import { centsToUsdString, formatDate, formatDateTime, formatUsd, parseUsdToCents } from '../../lib/format';

const CreditsBalanceQuery = graphql(`
  query CreditsBalance {
    me {
      id
      creditBalanceUsd
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

const TYPENAMES = { additionalTypenames: ['CreditTransaction', 'Account', 'CreditPurchase'] };
const MIN_PURCHASE_CENTS = 500n;
const PRESETS = ['10', '25', '50', '100'];
const PAGE_SIZE = 25;

export function CreditsPage() {
  const [balance, reexecute] = useQuery({ query: CreditsBalanceQuery, context: TYPENAMES });
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
              </div>
            )}
          </QueryState>
        </Card>
        <PurchaseCard />
      </div>
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
    setNotice(
      created.status === 'completed'
        ? `Added ${formatUsd(created.amountUsd)}; expires ${formatDate(created.expiresAt)}.`
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
            Minimum $5.00.
          </small>
        </label>
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

function TransactionsTable() {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  return (
    <div className="table-wrap">
      <table className="table" aria-label="Credit transactions">
        <thead>
          <tr>
            <th scope="col">Date</th>
            <th scope="col">Kind</th>
            <th scope="col" className="num">
              Amount
            </th>
            <th scope="col">Expires</th>
          </tr>
        </thead>
        {cursors.map((after, index) => (
          <TransactionsPage key={after ?? 'first'} after={after} isLast={index === cursors.length - 1} onLoadMore={(cursor) => setCursors((c) => [...c, cursor])} />
        ))}
      </table>
    </div>
  );
}

const KIND_TONES: Record<string, BadgeTone> = { purchase: 'success', grant: 'success', usage: 'neutral', charge: 'neutral', refund: 'info', expiry: 'warning', expired: 'warning' };

function TransactionsPage({ after, isLast, onLoadMore }: { after: string | null; isLast: boolean; onLoadMore: (cursor: string) => void }) {
  const [result, reexecute] = useQuery({ query: CreditTransactionsQuery, variables: { first: PAGE_SIZE, after }, context: TYPENAMES });
  const rows = (content: ReactNode) => (
    <tbody>
      <tr>
        <td colSpan={4}>{content}</td>
      </tr>
    </tbody>
  );
  if (result.error && !result.data) return rows(<ErrorMessage error={result.error} title="Could not load transactions" onRetry={() => reexecute({ requestPolicy: 'network-only' })} />);
  if (!result.data) return rows(<span className="muted">Loading transactions…</span>);
  const { nodes, pageInfo } = result.data.creditTransactions;
  if (nodes.length === 0 && after === null) return rows(<EmptyState title="No transactions yet">Buy credits to get started.</EmptyState>);
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
            <td className={negative ? 'num negative' : 'num positive'}>{formatUsd(t.amountUsd, 2, 9)}</td>
            <td>
              {t.expiresAt ? formatDate(t.expiresAt) : '—'} {expired ? <Badge tone="warning">expired</Badge> : null}
            </td>
          </tr>
        );
      })}
      {isLast && pageInfo.hasNextPage && pageInfo.endCursor ? (
        <tr>
          <td colSpan={4} className="load-more-cell">
            <button type="button" className="btn" onClick={() => onLoadMore(pageInfo.endCursor!)}>
              Load more
            </button>
          </td>
        </tr>
      ) : null}
    </tbody>
  );
}
