import { Card } from '../../components/card';
import { PageHeader } from '../../components/page-header';
import { QuickstartPanel } from '../../components/quickstart-panel';
import { Link } from '../../lib/router';

export function QuickstartPage() {
  return (
    <div className="page">
      <PageHeader title="Quickstart" description="Point any OpenAI- or Anthropic-compatible client at this gateway." />
      <ol className="steps">
        <li>
          <strong>Add a provider key</strong> for the vendors you use on <Link to="/provider-keys">Provider keys</Link>, or buy{' '}
          <Link to="/credits">credits</Link> to use the gateway's own credentials.
        </li>
        <li>
          <strong>Optionally restrict</strong> providers, models and routing with a <Link to="/configurations">configuration</Link>.
        </li>
        <li>
          <strong>Create an access key</strong> on <Link to="/access-keys">Access keys</Link> and use it as the API key below.
        </li>
      </ol>
      <Card title="Code samples">
        <QuickstartPanel />
      </Card>
    </div>
  );
}
