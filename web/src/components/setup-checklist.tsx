import type { ReactNode } from 'react';
import { useQuery } from 'urql';
import { graphql } from '../gql';
import type { SetupStateQuery } from '../gql/graphql';
import { formatUsd, parseUsdNano } from '../lib/format';
import { Link } from '../lib/router';

export const SetupStateQueryDoc = graphql(`
  query SetupState {
    me {
      id
      creditBalanceUsd
    }
    gatewayPricing {
      processingFeeUsdPerMTok
      minimumPurchaseUsd
    }
    providers {
      id
      name
      gatewayCredentials
    }
    providerKeys(first: 1) {
      nodes {
        id
      }
    }
    accessKeys(first: 1) {
      nodes {
        id
      }
    }
    usageEvents(first: 1) {
      nodes {
        id
      }
    }
  }
`);

export const SETUP_TYPENAMES = { additionalTypenames: ['Account', 'ProviderKey', 'AccessKey', 'UsageEvent', 'CreditTransaction'] };

interface Step {
  id: string;
  done: boolean;
  title: string;
  body: ReactNode;
}

export function setupSteps(data: SetupStateQuery): Step[] {
  const fee = data.gatewayPricing.processingFeeUsdPerMTok;
  const funded = (parseUsdNano(data.me.creditBalanceUsd) ?? 0n) > 0n;
  const gatewayProviders = data.providers.filter((p) => p.gatewayCredentials).map((p) => p.name);
  const hasKey = data.providerKeys.nodes.length > 0;
  return [
    {
      id: 'credits',
      done: funded,
      title: 'Buy credits',
      body: (
        <>
          Every request pays a processing fee of {formatUsd(fee)} per million tokens (input + output) from credits, also when your own provider key
          serves it; with no credits, requests are refused (402). <Link to="/credits">Buy credits</Link> (minimum {formatUsd(data.gatewayPricing.minimumPurchaseUsd)}).
        </>
      ),
    },
    {
      id: 'provider',
      done: hasKey || gatewayProviders.length > 0,
      title: 'Add a provider key (or use the gateway’s credentials)',
      body:
        gatewayProviders.length > 0 && !hasKey ? (
          <>
            This gateway has its own credentials for {gatewayProviders.join(', ')}: requests to them also pay the provider’s catalog price from
            credits. <Link to="/provider-keys">Add your own key</Link> to pay the provider directly.
          </>
        ) : (
          <>
            <Link to="/provider-keys">Add a key</Link> for OpenAI, Anthropic or another provider; the gateway uses it for your requests.
          </>
        ),
    },
    {
      id: 'access-key',
      done: data.accessKeys.nodes.length > 0,
      title: 'Create an access key',
      body: (
        <>
          Your applications use it as the API key of the OpenAI or Anthropic SDK. <Link to="/access-keys">Create one</Link>.
        </>
      ),
    },
    {
      id: 'first-request',
      done: data.usageEvents.nodes.length > 0,
      title: 'Send your first request',
      body: (
        <>
          Use a snippet below, or try a model in the <Link to="/chat">chat playground</Link>. It shows up on <Link to="/usage">Usage</Link> within seconds.
        </>
      ),
    },
  ];
}

/** The first-request checklist, ticked from the account's real state (not from what was clicked). */
export function SetupChecklist({ hideWhenDone = false }: { hideWhenDone?: boolean }) {
  const [result] = useQuery({ query: SetupStateQueryDoc, context: SETUP_TYPENAMES });
  if (!result.data) return null;
  const steps = setupSteps(result.data);
  const remaining = steps.filter((s) => !s.done).length;
  if (hideWhenDone && remaining === 0) return null;
  return (
    <section className="card setup-checklist" aria-labelledby="setup-title" data-testid="setup-checklist">
      <header className="card-header">
        <h2 id="setup-title">{remaining === 0 ? 'Set up: all done' : `Set up: ${steps.length - remaining} of ${steps.length} done`}</h2>
      </header>
      <ol className="checklist">
        {steps.map((step) => (
          <li key={step.id} className={step.done ? 'check-step done' : 'check-step'} data-step={step.id} data-done={step.done}>
            <span className="check-mark" aria-hidden="true">
              {step.done ? '✓' : ''}
            </span>
            <div>
              <strong>
                {step.title}
                <span className="visually-hidden">{step.done ? ' (done)' : ' (to do)'}</span>
              </strong>
              <p className="muted small">{step.body}</p>
            </div>
          </li>
        ))}
      </ol>
    </section>
  );
}
