import { lazy, Suspense, useMemo } from 'react';
import { useQuery } from 'urql';
import { PageHeader } from '../../components/page-header';
import { graphql } from '../../gql';
import type { UsageEventStorage } from '../../gql/graphql';
import { Loading } from '../../components/query-state';
import { UsageEventsTable } from './usage-events-table';
import { setSearch, useSearch } from '../../lib/router';
import { UsageExportButton } from './usage-export-button';
import { UsageFilters, filterStateFromSearch, filterStateToInput, filterStateToSearch } from './usage-filters';

// recharts is most of the bundle weight: load it with the usage page only.
const UsageCharts = lazy(() => import('./usage-charts').then((m) => ({ default: m.UsageCharts })));

export const UsageLookupsQuery = graphql(`
  query UsageLookups {
    accessKeys(first: 100) {
      nodes {
        id
        name
      }
    }
    providerKeys(first: 100) {
      nodes {
        id
        name
      }
    }
    providers {
      id
      name
      models {
        id
      }
    }
    usageEventStorage
  }
`);

export const USAGE_TYPENAMES = { additionalTypenames: ['UsageEvent', 'AccessKey', 'Provider', 'ProviderKey'] };

export function UsagePage() {
  // The URL is the one home of the filter state: applying filters pushes a history entry, Back undoes it.
  const search = useSearch();
  const filters = useMemo(() => filterStateFromSearch(search), [search]);
  const [lookups] = useQuery({ query: UsageLookupsQuery, context: USAGE_TYPENAMES });
  const filter = useMemo(() => filterStateToInput(filters), [filters]);
  const accessKeyNames = useMemo(() => new Map((lookups.data?.accessKeys.nodes ?? []).map((k) => [k.id, k.name])), [lookups.data]);
  const providerKeyNames = useMemo(() => new Map((lookups.data?.providerKeys.nodes ?? []).map((k) => [k.id, k.name])), [lookups.data]);

  return (
    <div className="page">
      <PageHeader
        title="Usage"
        description="Requests, tokens and spend across your access keys. Bodies are never stored; each request keeps its metadata and attempt trace."
        actions={<UsageExportButton filters={filters} />}
      />
      <UsageFilters key={search} value={filters} onChange={(next) => setSearch(filterStateToSearch(next))} lookups={lookups.data} lookupsError={lookups.error} />
      <Suspense fallback={<Loading label="charts" />}>
        <UsageCharts filter={filter} accessKeyNames={accessKeyNames} />
      </Suspense>
      <EventStorageNotice storage={lookups.data?.usageEventStorage} />
      <UsageEventsTable filters={filters} accessKeyNames={accessKeyNames} providerKeyNames={providerKeyNames} />
    </div>
  );
}

/** Says why the events list (and export) holds fewer requests than the charts when the operator stores fewer events. */
function EventStorageNotice({ storage }: { storage: UsageEventStorage | undefined }) {
  if (storage === undefined || storage === 'ALL') return null;
  const which = storage === 'ERRORS' ? 'only for failed requests' : 'for no request';
  return (
    <p className="alert alert-warning" role="status" data-testid="usage-event-storage">
      This gateway stores usage events {which} (<code>USAGE_EVENTS={storage.toLowerCase()}</code>): the events below and the CSV export hold only
      those. The charts, budgets and credits count every request.
    </p>
  );
}
