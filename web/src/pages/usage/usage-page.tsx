import { lazy, Suspense, useMemo, useState } from 'react';
import { useQuery } from 'urql';
import { PageHeader } from '../../components/page-header';
import { graphql } from '../../gql';
import { Loading } from '../../components/query-state';
import { UsageEventsTable } from './usage-events-table';
import { UsageExportButton } from './usage-export-button';
import { UsageFilters, defaultFilterState, filterStateToRange, type UsageFilterState } from './usage-filters';

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
    providers {
      id
      name
      models {
        id
      }
    }
  }
`);

export const USAGE_TYPENAMES = { additionalTypenames: ['UsageEvent', 'AccessKey', 'Provider'] };

export function UsagePage() {
  const [filters, setFilters] = useState<UsageFilterState>(defaultFilterState);
  const [lookups] = useQuery({ query: UsageLookupsQuery, context: USAGE_TYPENAMES });
  const range = useMemo(() => filterStateToRange(filters), [filters]);
  const accessKeyNames = useMemo(() => new Map((lookups.data?.accessKeys.nodes ?? []).map((k) => [k.id, k.name])), [lookups.data]);

  return (
    <div className="page">
      <PageHeader
        title="Usage"
        description="Requests, tokens and spend across your access keys. Bodies are never stored; each request keeps its metadata and attempt trace."
        actions={<UsageExportButton filters={filters} />}
      />
      <UsageFilters value={filters} onChange={setFilters} lookups={lookups.data} lookupsError={lookups.error} />
      <Suspense fallback={<Loading label="charts" />}>
        <UsageCharts from={range.from} to={range.to} accessKeyNames={accessKeyNames} />
      </Suspense>
      <UsageEventsTable filters={filters} accessKeyNames={accessKeyNames} />
    </div>
  );
}
