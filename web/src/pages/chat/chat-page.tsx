import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useClient, useMutation } from 'urql';
import { Card } from '../../components/card';
import { ErrorMessage } from '../../components/error-message';
import { Field } from '../../components/form';
import { PageHeader } from '../../components/page-header';
import { graphql } from '../../gql';
import { formatInt, formatUsd, formatUtcDateTime } from '../../lib/format';
import { Link } from '../../lib/router';
import { ChatRequestError, streamChat, type StreamOutcome } from './chat-stream';
import { forgetPlaygroundKey, readPlaygroundKeys, redactToken, savePlaygroundKey, type PlaygroundKey } from './playground-keys';

const CreatePlaygroundKeyMutation = graphql(`
  mutation CreatePlaygroundKey($input: CreateAccessKeyInput!) {
    createAccessKey(input: $input) {
      token
      accessKey {
        id
        name
        limits {
          expiresAt
        }
      }
    }
  }
`);

/** A playground key's token lives only in one tab, so the key itself should not outlive the session by much. */
const PLAYGROUND_KEY_LIFETIME_MS = 24 * 60 * 60 * 1000;

const ChatUsageQuery = graphql(`
  query ChatUsage($requestId: String!) {
    usageRequest(requestId: $requestId) {
      id
      totalCostUsd
    }
  }
`);

const MAX_PANES = 2;

interface PaneState {
  model: string;
  text: string;
  firstTokenMs: number | null;
  outcome: StreamOutcome | null;
  costUsd: string | null;
  error: string | null;
  running: boolean;
}

/** Chat playground: one prompt, one or two models side by side, streamed through the real /v1 with an access key. */
export function ChatPage() {
  const [keys, setKeys] = useState<PlaygroundKey[]>(readPlaygroundKeys);
  const [token, setToken] = useState<string>(() => readPlaygroundKeys().at(-1)?.token ?? '');
  const [models, setModels] = useState<string[] | null>(null);
  const [modelsError, setModelsError] = useState<string | null>(null);
  const [picked, setPicked] = useState<string[]>(['', '']);
  const [prompt, setPrompt] = useState('');
  const [panes, setPanes] = useState<PaneState[]>([]);
  const client = useClient();
  const abort = useRef<AbortController | null>(null);

  // The models this key may call, from /v1/models with the key itself.
  useEffect(() => {
    setModels(null);
    setModelsError(null);
    if (!token) return;
    const controller = new AbortController();
    fetch('/v1/models', { headers: { authorization: `Bearer ${token}` }, signal: controller.signal })
      .then(async (res) => {
        const body = (await res.json()) as { data?: { id: string }[]; error?: { message?: string } };
        if (!res.ok) throw new Error(body.error?.message ?? `HTTP ${res.status}`);
        const ids = (body.data ?? []).map((m) => m.id).sort();
        setModels(ids);
        setPicked((p) => [ids.includes(p[0]) ? p[0] : (ids[0] ?? ''), ids.includes(p[1]) ? p[1] : '']);
      })
      .catch((error: unknown) => {
        if (!controller.signal.aborted) setModelsError(`This key cannot list models: ${(error as Error).message}`);
      });
    return () => controller.abort();
  }, [token]);

  useEffect(() => () => abort.current?.abort(), []);

  const running = panes.some((p) => p.running);
  const chosen = picked.filter(Boolean).slice(0, MAX_PANES);

  const lookUpCost = async (requestId: string): Promise<string | null> => {
    // The usage writer flushes in batches; the event (with its exact cost) shows up within seconds.
    for (let attempt = 0; attempt < 20; attempt++) {
      const result = await client.query(ChatUsageQuery, { requestId }, { requestPolicy: 'network-only' }).toPromise();
      const event = result.data?.usageRequest;
      if (event) return event.totalCostUsd;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    return null;
  };

  const send = async (event: FormEvent) => {
    event.preventDefault();
    if (!token || chosen.length === 0 || !prompt.trim()) return;
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    setPanes(chosen.map((model) => ({ model, text: '', firstTokenMs: null, outcome: null, costUsd: null, error: null, running: true })));
    const update = (index: number, patch: Partial<PaneState>) => setPanes((all) => all.map((p, i) => (i === index ? { ...p, ...patch } : p)));
    await Promise.all(
      chosen.map(async (model, index) => {
        try {
          const outcome = await streamChat({ token, model, prompt, signal: controller.signal, onUpdate: (u) => update(index, u) });
          update(index, { outcome, text: outcome.text, running: false });
          if (outcome.requestId) update(index, { costUsd: await lookUpCost(outcome.requestId) });
        } catch (error) {
          if (controller.signal.aborted) return update(index, { running: false, error: 'Stopped.' });
          const message = error instanceof ChatRequestError ? error.message : `The request failed: ${(error as Error).message}`;
          update(index, { running: false, error: message });
        }
      }),
    );
  };

  return (
    <div className="page">
      <PageHeader
        title="Chat playground"
        description="Send one prompt to one or two models and compare the answers, streamed through this gateway's /v1 with one of your access keys. Requests are billed and recorded like any other."
      />
      <KeyPicker
        keys={keys}
        token={token}
        onPick={setToken}
        onAdd={(key) => {
          setKeys(savePlaygroundKey(key));
          setToken(key.token);
        }}
        onForget={(t) => {
          const rest = forgetPlaygroundKey(t);
          setKeys(rest);
          setToken(rest.at(-1)?.token ?? '');
        }}
      />
      <Card title="Prompt">
        <form className="form" onSubmit={send} aria-label="Chat prompt">
          {modelsError ? <ErrorMessage error={modelsError} /> : null}
          <div className="form-grid">
            {Array.from({ length: MAX_PANES }, (_, index) => (
              <Field key={index} label={index === 0 ? 'Model' : 'Compare with (optional)'}>
                <select
                  value={picked[index]}
                  disabled={!models}
                  onChange={(e) => setPicked((p) => p.map((m, i) => (i === index ? e.target.value : m)))}
                  required={index === 0}
                >
                  <option value="">{models ? (index === 0 ? 'Choose a model…' : 'No second model') : token ? 'Loading models…' : 'Choose an access key first'}</option>
                  {(models ?? []).map((id) => (
                    <option key={id} value={id}>
                      {id}
                    </option>
                  ))}
                </select>
              </Field>
            ))}
          </div>
          <Field label="Message">
            <textarea
              rows={4}
              value={prompt}
              onChange={(e) => setPrompt(e.target.value)}
              placeholder="Ask something…"
              onKeyDown={(e) => {
                if (e.key === 'Enter' && (e.metaKey || e.ctrlKey)) e.currentTarget.form?.requestSubmit();
              }}
            />
          </Field>
          <div className="actions">
            {running ? (
              <button type="button" className="btn" onClick={() => abort.current?.abort()}>
                Stop
              </button>
            ) : null}
            <button type="submit" className="btn btn-primary" disabled={running || !token || chosen.length === 0 || !prompt.trim()}>
              {running ? 'Streaming…' : 'Send'}
            </button>
          </div>
        </form>
      </Card>
      {panes.length > 0 ? (
        <div className={panes.length > 1 ? 'chat-panes two' : 'chat-panes'}>
          {panes.map((pane, index) => (
            <ChatPane key={index} pane={pane} />
          ))}
        </div>
      ) : null}
    </div>
  );
}

function ChatPane({ pane }: { pane: PaneState }) {
  const { outcome } = pane;
  return (
    <section className="card chat-pane" aria-label={`Answer from ${pane.model}`} aria-busy={pane.running} data-testid="chat-pane">
      <header className="card-header">
        <h2 className="mono">{pane.model}</h2>
        {outcome?.servedBy && outcome.servedBy !== pane.model ? <span className="muted small">served by {outcome.servedBy}</span> : null}
      </header>
      {pane.error ? <ErrorMessage error={pane.error} /> : null}
      <div className="chat-answer" data-testid="chat-answer">
        {pane.text || (pane.running ? <span className="muted">Waiting for the first token…</span> : null)}
      </div>
      <dl className="chat-metrics" aria-label="Request metrics">
        <div>
          <dt>First token</dt>
          <dd>{pane.firstTokenMs === null ? '—' : `${formatInt(pane.firstTokenMs)} ms`}</dd>
        </div>
        <div>
          <dt>Total</dt>
          <dd>{outcome ? `${formatInt(outcome.totalMs)} ms` : '—'}</dd>
        </div>
        <div>
          <dt>Tokens in / out</dt>
          <dd>{outcome && outcome.inputTokens !== null ? `${formatInt(outcome.inputTokens)} / ${formatInt(outcome.outputTokens)}` : '—'}</dd>
        </div>
        <div>
          <dt>Cost</dt>
          <dd data-testid="chat-cost">{pane.costUsd !== null ? formatUsd(pane.costUsd) : outcome ? 'recording…' : '—'}</dd>
        </div>
      </dl>
      {outcome?.requestId ? (
        <p className="muted small">
          Request id <code>{outcome.requestId}</code>: see it on <Link to="/usage">Usage</Link>.
        </p>
      ) : null}
    </section>
  );
}

interface KeyPickerProps {
  keys: PlaygroundKey[];
  token: string;
  onPick: (token: string) => void;
  onAdd: (key: PlaygroundKey) => void;
  onForget: (token: string) => void;
}

function KeyPicker({ keys, token, onPick, onAdd, onForget }: KeyPickerProps) {
  const [pasted, setPasted] = useState('');
  const [create, createKey] = useMutation(CreatePlaygroundKeyMutation);
  const addPasted = () => {
    const value = pasted.trim();
    if (!value) return;
    onAdd({ id: null, name: 'Pasted key', token: value });
    setPasted('');
  };
  const createNew = async () => {
    const name = `playground ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`;
    const expiresAt = new Date(Date.now() + PLAYGROUND_KEY_LIFETIME_MS).toISOString();
    const result = await createKey(
      { input: { name, description: 'Created by the chat playground; expires after 24 hours.', limits: { expiresAt } } },
      { additionalTypenames: ['AccessKey'] },
    );
    const created = result.data?.createAccessKey;
    if (created) onAdd({ id: created.accessKey.id, name: created.accessKey.name, token: created.token, expiresAt: created.accessKey.limits.expiresAt ?? expiresAt });
  };
  return (
    <Card title="Access key">
      <p className="muted small">
        The playground calls <code>/v1</code> with an access key, like your applications do. Tokens are shown only once, so it uses a key you
        create here or paste; it keeps it in this browser tab only (session storage) and forgets it when the tab closes.
      </p>
      <div className="form-grid">
        <Field label="Use key">
          {/* Options carry positions, not tokens, so the token never sits in the page's markup. */}
          <select value={String(keys.findIndex((k) => k.token === token))} onChange={(e) => onPick(keys[Number(e.target.value)]?.token ?? '')} disabled={keys.length === 0}>
            {keys.length === 0 ? <option value="-1">No key in this tab yet</option> : null}
            {keys.map((k, index) => (
              <option key={k.token} value={String(index)}>
                {k.name} ({redactToken(k.token)}){k.expiresAt ? `, expires ${formatUtcDateTime(k.expiresAt)}` : ''}
              </option>
            ))}
          </select>
        </Field>
        <div className="inline-form">
          <Field label="Or paste an access key token" className="grow">
            <input
              type="password"
              autoComplete="off"
              value={pasted}
              onChange={(e) => setPasted(e.target.value)}
              placeholder="ng-…"
              onKeyDown={(e) => {
                if (e.key === 'Enter') {
                  e.preventDefault();
                  addPasted();
                }
              }}
            />
          </Field>
          <button type="button" className="btn" onClick={addPasted} disabled={!pasted.trim()}>
            Use token
          </button>
        </div>
      </div>
      <div className="actions actions-start">
        <button type="button" className="btn" onClick={createNew} disabled={create.fetching} aria-describedby="playground-key-lifetime">
          {create.fetching ? 'Creating…' : 'Create a playground key'}
        </button>
        {token ? (
          <button type="button" className="btn btn-danger-ghost" onClick={() => onForget(token)}>
            Forget this key in this tab
          </button>
        ) : null}
      </div>
      <p className="muted small" id="playground-key-lifetime">
        A playground key expires 24 hours after it is created, so one left behind by a closed tab stops working on its own.
      </p>
      <ErrorMessage error={create.error} />
    </Card>
  );
}
