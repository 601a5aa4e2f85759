import { Fragment, useMemo, useState } from 'react';
import { useQuery } from 'urql';
import { Badge, StatusBadge } from '../../components/badge';
import { Card } from '../../components/card';
import { CursorPages, DataTable, LoadMoreRow, numeric, SingleCellBody, type CursorPage } from '../../components/data-table';
import { EmptyState } from '../../components/empty-state';
import { ErrorMessage } from '../../components/error-message';
import { graphql } from '../../gql';
import type { UsageEventsQuery } from '../../gql/graphql';
import { formatDateTime, formatInt, formatUsd } from '../../lib/format';
import { attemptNotes } from './attempt-notes';
import { filterStateToInput, type UsageFilterState } from './usage-filters';

const UsageEventsQueryDoc = graphql(`
  query UsageEvents($filter: UsageFilter, $first: Int!, $after: String) {
    usageEvents(filter: $filter, first: $first, after: $after) {
      nodes {
        id
        requestId
        createdAt
        accessKeyId
        endpoint
        provider
        model
        status
        streamed
        inputTokens
        outputTokens
        promptCacheReadTokens
        promptCacheWriteTokens
        webSearchCalls
        tokensEstimated
        latencyMs
        keySource
        providerKeyId
        feeUsd
        upstreamCostUsd
        totalCostUsd
        errorCode
        attempts {
          provider
          model
          providerKeyId
          keySource
          status
          error
          latencyMs
        }
        firewall {
          policyId
          rule
          action
          count
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

const TYPENAMES = { additionalTypenames: ['UsageEvent'] };
const PAGE_SIZE = 25;
const COLUMNS = 8;

type UsageEventNode = UsageEventsQuery['usageEvents']['nodes'][number];

type Names = Map<string, string>;

export function UsageEventsTable({ filters, accessKeyNames, providerKeyNames }: { filters: UsageFilterState; accessKeyNames: Names; providerKeyNames: Names }) {
  const filter = useMemo(() => filterStateToInput(filters), [filters]);
  const filterKey = JSON.stringify(filter);
  return (
    <Card title="Requests">
      <DataTable
        label="Usage events"
        className="events"
        columns={[{ label: 'Details', hidden: true }, 'Time', 'Access key', 'Model', 'Status', numeric('Tokens in / out'), numeric('Latency'), numeric('Cost')]}
      >
        {/* Re-mount the page list when the filter changes, so pagination restarts. */}
        <CursorPages key={filterKey}>{(page) => <EventPage {...page} filter={filter} accessKeyNames={accessKeyNames} providerKeyNames={providerKeyNames} />}</CursorPages>
      </DataTable>
    </Card>
  );
}

interface EventPageProps extends CursorPage {
  filter: ReturnType<typeof filterStateToInput>;
  accessKeyNames: Names;
  providerKeyNames: Names;
}

function EventPage({ filter, after, isLast, accessKeyNames, providerKeyNames, onLoadMore }: EventPageProps) {
  const [result, reexecute] = useQuery({ query: UsageEventsQueryDoc, variables: { filter, first: PAGE_SIZE, after }, context: TYPENAMES });
  if (result.error && !result.data)
    return (
      <SingleCellBody colSpan={COLUMNS}>
        <ErrorMessage error={result.error} title="Could not load requests" onRetry={() => reexecute({ requestPolicy: 'network-only' })} />
      </SingleCellBody>
    );
  if (!result.data)
    return (
      <SingleCellBody colSpan={COLUMNS}>
        <span className="loading" role="status">
          <span className="spinner" aria-hidden="true" /> Loading requests…
        </span>
      </SingleCellBody>
    );
  const { nodes, pageInfo } = result.data.usageEvents;
  if (nodes.length === 0 && after === null)
    return (
      <SingleCellBody colSpan={COLUMNS}>
        <EmptyState title="No requests match these filters" />
      </SingleCellBody>
    );
  return (
    <tbody>
      {nodes.map((event) => (
        <EventRow key={event.id} event={event} accessKeyName={accessKeyNames.get(event.accessKeyId)} providerKeyNames={providerKeyNames} />
      ))}
      {isLast && pageInfo.hasNextPage && pageInfo.endCursor ? <LoadMoreRow colSpan={COLUMNS} onLoadMore={() => onLoadMore(pageInfo.endCursor!)} disabled={result.fetching} /> : null}
    </tbody>
  );
}

function EventRow({ event, accessKeyName, providerKeyNames }: { event: UsageEventNode; accessKeyName: string | undefined; providerKeyNames: Names }) {
  const [open, setOpen] = useState(false);
  const detailsId = `event-${event.id}`;
  return (
    <Fragment>
      <tr className={open ? 'expanded' : undefined}>
        <td>
          <button
            type="button"
            className="btn-icon disclosure"
            aria-expanded={open}
            aria-controls={detailsId}
            aria-label={`${open ? 'Hide' : 'Show'} attempts for request ${event.requestId}`}
            onClick={() => setOpen((v) => !v)}
          >
            <span aria-hidden="true">{open ? '▾' : '▸'}</span>
          </button>
        </td>
        <td>{formatDateTime(event.createdAt)}</td>
        <td>{accessKeyName ?? <code className="small">{event.accessKeyId}</code>}</td>
        <td>
          <div className="cell-title mono small">{event.model ?? '—'}</div>
          <div className="muted small">
            {event.provider ?? 'not routed'} · {event.endpoint.replace(/^\/v1\//, '')}
            {event.streamed ? ' · stream' : ''}
          </div>
        </td>
        <td>
          <StatusBadge status={event.status} />
          {event.errorCode ? <div className="muted small mono">{event.errorCode}</div> : null}
        </td>
        <td className="num nowrap">
          {formatInt(event.inputTokens)} / {formatInt(event.outputTokens)}
          {event.tokensEstimated ? (
            <span className="estimate" title="Estimated with a tokenizer; the provider reported no usage">
              {' '}
              est.
            </span>
          ) : null}
        </td>
        <td className="num nowrap">{formatInt(event.latencyMs)} ms</td>
        <td className="num nowrap">{formatUsd(event.totalCostUsd)}</td>
      </tr>
      {open ? (
        <tr className="detail-row" id={detailsId}>
          <td colSpan={COLUMNS}>
            <div className="event-detail">
              <dl className="kv kv-inline">
                <div>
                  <dt>Request id</dt>
                  <dd>
                    <code>{event.requestId}</code>
                  </dd>
                </div>
                <div>
                  <dt>Credentials</dt>
                  <dd>{credentialLabel(event.keySource, event.providerKeyId, providerKeyNames)}</dd>
                </div>
                {event.promptCacheReadTokens > 0 || event.promptCacheWriteTokens > 0 ? (
                  <div>
                    <dt>Prompt cache</dt>
                    <dd title="Input tokens the provider read from or wrote to its prompt cache, priced at its cache prices">
                      {formatInt(event.promptCacheReadTokens)} read · {formatInt(event.promptCacheWriteTokens)} written
                    </dd>
                  </div>
                ) : null}
                {event.webSearchCalls > 0 ? (
                  <div>
                    <dt>Web searches</dt>
                    <dd>{formatInt(event.webSearchCalls)}</dd>
                  </div>
                ) : null}
                <div>
                  <dt>Fee</dt>
                  <dd>{formatUsd(event.feeUsd)}</dd>
                </div>
                <div>
                  <dt>Upstream cost</dt>
                  <dd>{formatUsd(event.upstreamCostUsd)}</dd>
                </div>
                <div>
                  <dt>Total</dt>
                  <dd>{formatUsd(event.totalCostUsd)}</dd>
                </div>
              </dl>
              {event.attempts.length === 0 ? (
                <p className="muted small">No upstream attempt (rejected by the gateway).</p>
              ) : (
                <AttemptTrace attempts={event.attempts} providerKeyNames={providerKeyNames} />
              )}
              {event.firewall.length > 0 ? (
                <ul className="firewall-decisions" aria-label="Firewall decisions">
                  {event.firewall.map((d, i) => (
                    <li key={i}>
                      <Badge tone={d.action === 'blocked' ? 'danger' : d.action === 'redacted' ? 'accent' : 'warning'}>{d.action}</Badge>{' '}
                      <span className="small">
                        {d.rule} × {d.count}
                      </span>
                    </li>
                  ))}
                </ul>
              ) : null}
            </div>
          </td>
        </tr>
      ) : null}
    </Fragment>
  );
}

/** Which credential served an attempt, by name: "your key “openai-main”", never just "your key". */
function credentialLabel(keySource: string | null | undefined, providerKeyId: string | null | undefined, names: Names): string {
  if (keySource === 'gateway') return "Gateway's credentials";
  if (keySource === 'user') {
    if (!providerKeyId) return 'Your provider key';
    const name = names.get(providerKeyId);
    return name ? `Your key “${name}”` : `Your key ${providerKeyId.slice(0, 8)}… (deleted)`;
  }
  if (keySource === 'none') return 'No key';
  return '—';
}

function AttemptTrace({ attempts, providerKeyNames }: { attempts: UsageEventNode['attempts']; providerKeyNames: Names }) {
  const notes = attemptNotes(attempts);
  return (
    <ol className="attempts" aria-label="Attempts">
      {attempts.map((a, i) => (
        <li key={i} className={a.status !== null && a.status < 300 ? 'attempt ok' : 'attempt failed'}>
          <span className="attempt-index">{i + 1}</span>
          <span className="mono small">
            {a.provider}:{a.model}
          </span>
          <Badge tone={a.keySource === 'gateway' ? 'accent' : 'neutral'}>{credentialLabel(a.keySource, a.providerKeyId, providerKeyNames)}</Badge>
          <StatusBadge status={a.status} />
          <span className="muted small">{formatInt(a.latencyMs)} ms</span>
          {a.error ? <span className="attempt-error small">{a.error}</span> : null}
          {notes[i] ? <span className="attempt-note small muted">{notes[i]}</span> : null}
        </li>
      ))}
    </ol>
  );
}
