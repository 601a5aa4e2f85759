import { Card } from '../../components/card';
import { PageHeader } from '../../components/page-header';
import { QuickstartPanel } from '../../components/quickstart-panel';
import { SetupChecklist } from '../../components/setup-checklist';

export function QuickstartPage() {
  return (
    <div className="page">
      <PageHeader title="Quickstart" description="Point any OpenAI- or Anthropic-compatible client at this gateway." />
      <SetupChecklist />
      <Card title="Code samples">
        <QuickstartPanel />
      </Card>
    </div>
  );
}
