import { useState } from 'react';
import { useQuery } from 'urql';
import { Badge } from '../../components/badge';
import { Card } from '../../components/card';
import { CursorPages, DataTable, LoadMoreRow, SingleCellBody, type CursorPage } from '../../components/data-table';
import { ErrorMessage } from '../../components/error-message';
import { Field } from '../../components/form';
import { PageHeader } from '../../components/page-header';
import { Loading } from '../../components/query-state';
import { graphql } from '../../gql';
import type { AuditFilter } from '../../gql/graphql';
import { formatDateTime } from '../../lib/format';
import { AuditDetailsList } from './audit-details-list';

const AuditEventsQueryDoc = graphql(`
  query AuditEvents($filter: AuditFilter, $first: Int!, $after: String) {
    auditEvents(filter: $filter, first: $first, after: $after) {
      nodes {
        id
        createdAt
        actorType
        actorId
        actorName
        action
        targetType
        targetId
        ip
        details {
          fields {
            field
            value
          }
          changes {
            field
            from
            to
          }
          truncated
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

const AuditMembersQueryDoc = graphql(`
  query AuditMembers {
    members(first: 100) {
      nodes {
        id
        email
      }
    }
  }
`);

const PAGE_SIZE = 50;
const COLUMNS = 6;
const TYPENAMES = { additionalTypenames: ['AuditEvent'] };

/** Actions the gateway writes today; the field also accepts any other exact action name. */
const KNOWN_ACTIONS = [
  'accessKey.create',
  'accessKey.update',
  'accessKey.revoke',
  'alertWebhook.update',
  'alertWebhook.rotateSecret',
  'alertWebhook.test',
  'apiKey.create',
  'apiKey.revoke',
  'configuration.create',
  'configuration.update',
  'configuration.delete',
  'credits.purchase',
  'credits.purchaseCompleted',
  'customProvider.create',
  'customProvider.update',
  'customProvider.delete',
  'firewallPolicy.create',
  'firewallPolicy.update',
  'firewallPolicy.delete',
  'invitation.accept',
  'invitation.revoke',
  'member.changePassword',
  'member.invite',
  'member.remove',
  'member.resetPassword',
  'member.updateRole',
  'organization.create',
  'providerKey.create',
  'providerKey.delete',
  'providerKey.rotate',
  'providerKey.update',
  'session.logIn',
  'session.logOut',
  'session.revoke',
  'session.revokeAll',
  'settings.update',
  'virtualModel.create',
  'virtualModel.update',
  'virtualModel.delete',
];

interface FilterState {
  action: string;
  actorId: string;
  targetId: string;
  from: string;
  to: string;
}

const EMPTY: FilterState = { action: '', actorId: '', targetId: '', from: '', to: '' };

function toInput(f: FilterState): AuditFilter {
  return {
    action: f.action.trim() || null,
    actorId: f.actorId || null,
    targetId: f.targetId.trim() || null,
    // Dates are local calendar days: from the start of `from` to the end of `to`.
    from: f.from ? new Date(`${f.from}T00:00:00`).toISOString() : null,
    to: f.to ? new Date(new Date(`${f.to}T00:00:00`).getTime() + 86_400_000).toISOString() : null,
  };
}

export function AuditPage() {
  const [filter, setFilter] = useState<FilterState>(EMPTY);
  const [members] = useQuery({ query: AuditMembersQueryDoc });
  const set = (key: keyof FilterState) => (e: { target: { value: string } }) => setFilter((f) => ({ ...f, [key]: e.target.value }));
  const input = toInput(filter);
  return (
    <div className="page">
      <PageHeader
        title="Audit log"
        description="Every change in this organization: who did what, to which object and what changed, from where, when. Secrets are never recorded. Nobody can edit or delete it."
      />
      <Card title="Filters">
        <form className="form-grid" aria-label="Audit filters" onSubmit={(e) => e.preventDefault()}>
          <Field label="Action">
            <input list="audit-actions" value={filter.action} onChange={set('action')} placeholder="e.g. member.invite" />
            <datalist id="audit-actions">
              {KNOWN_ACTIONS.map((a) => (
                <option key={a} value={a} />
              ))}
            </datalist>
          </Field>
          <Field label="Actor">
            <select value={filter.actorId} onChange={set('actorId')}>
              <option value="">Anyone</option>
              {members.data?.members.nodes.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.email}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Target id">
            <input value={filter.targetId} onChange={set('targetId')} placeholder="id of the changed object" />
          </Field>
          <Field label="From">
            <input type="date" value={filter.from} onChange={set('from')} />
          </Field>
          <Field label="To">
            <input type="date" value={filter.to} onChange={set('to')} />
          </Field>
        </form>
      </Card>
      <Card title="Events">
        <DataTable label="Audit events" columns={['Time', 'Actor', 'Action', 'Target', 'Details', 'IP']}>
          <CursorPages key={JSON.stringify(input)}>
            {(page) => <EventPage {...page} filter={input} onTarget={(targetId) => setFilter((f) => ({ ...f, targetId }))} />}
          </CursorPages>
        </DataTable>
      </Card>
    </div>
  );
}

/** Ids are uuids: the first block tells rows apart; the whole id is one click away, as a filter. */
const SHORT_ID = 8;

function EventPage({ filter, after, isLast, onLoadMore, onTarget }: CursorPage & { filter: AuditFilter; onTarget: (targetId: string) => void }) {
  const [result, reexecute] = useQuery({ query: AuditEventsQueryDoc, variables: { filter, first: PAGE_SIZE, after }, context: TYPENAMES });
  if (result.error && !result.data)
    return (
      <SingleCellBody colSpan={COLUMNS}>
        <ErrorMessage error={result.error} title="Could not load audit events" onRetry={() => reexecute({ requestPolicy: 'network-only' })} />
      </SingleCellBody>
    );
  if (!result.data)
    return (
      <SingleCellBody colSpan={COLUMNS}>
        <Loading label="audit events" />
      </SingleCellBody>
    );
  const { nodes, pageInfo } = result.data.auditEvents;
  if (nodes.length === 0 && after === null)
    return (
      <SingleCellBody colSpan={COLUMNS}>
        <p className="muted">No events match these filters.</p>
      </SingleCellBody>
    );
  return (
    <tbody>
      {nodes.map((e) => (
        <tr key={e.id}>
          <td className="audit-time">{formatDateTime(e.createdAt)}</td>
          <td className="audit-actor">
            {e.actorName ?? '—'} <span className="muted small">{e.actorType === 'member' ? '' : e.actorType}</span>
          </td>
          <td>
            <Badge tone="info">{e.action}</Badge>
          </td>
          <td>
            {e.targetType ? <span className="muted small">{e.targetType} </span> : null}
            {e.targetId ? (
              <button
                type="button"
                className="mono-chip audit-target"
                title={e.targetId}
                aria-label={`Show the events of ${e.targetType ?? 'target'} ${e.targetId}`}
                onClick={() => onTarget(e.targetId!)}
              >
                {e.targetId.length > SHORT_ID + 1 ? `${e.targetId.slice(0, SHORT_ID)}…` : e.targetId}
              </button>
            ) : (
              '—'
            )}
          </td>
          <td>
            <AuditDetailsList details={e.details} />
          </td>
          <td className="nowrap">{e.ip ?? '—'}</td>
        </tr>
      ))}
      {isLast && pageInfo.hasNextPage && pageInfo.endCursor ? <LoadMoreRow colSpan={COLUMNS} onLoadMore={() => onLoadMore(pageInfo.endCursor!)} /> : null}
    </tbody>
  );
}
