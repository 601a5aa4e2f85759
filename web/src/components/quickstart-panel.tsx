import { useState } from 'react';
import { CopyButton } from './copy-button';
import { Tabs } from './tabs';

type SnippetId = 'openai-python' | 'openai-node' | 'anthropic-python' | 'anthropic-node' | 'curl';

const TABS: { id: SnippetId; label: string }[] = [
  { id: 'openai-python', label: 'OpenAI · Python' },
  { id: 'openai-node', label: 'OpenAI · Node' },
  { id: 'anthropic-python', label: 'Anthropic · Python' },
  { id: 'anthropic-node', label: 'Anthropic · Node' },
  { id: 'curl', label: 'curl' },
];

export function gatewayUrls(origin: string = window.location.origin) {
  return { openaiBaseUrl: `${origin}/v1`, anthropicBaseUrl: origin };
}

export function buildSnippet(id: SnippetId, token: string, origin?: string): string {
  const { openaiBaseUrl, anthropicBaseUrl } = gatewayUrls(origin);
  switch (id) {
    case 'openai-python':
      return `from openai import OpenAI

client = OpenAI(base_url="${openaiBaseUrl}", api_key="${token}")

response = client.chat.completions.create(
    model="gpt-4o-mini",  # or "provider:model", e.g. "groq:llama-3.1-8b-instant"
    messages=[{"role": "user", "content": "Hello from the gateway!"}],
    extra_body={"models": ["anthropic:claude-sonnet-4-5"]},  # optional fallbacks
)
print(response.choices[0].message.content)`;
    case 'openai-node':
      return `import OpenAI from 'openai';

const client = new OpenAI({ baseURL: '${openaiBaseUrl}', apiKey: '${token}' });

const response = await client.chat.completions.create({
  model: 'gpt-4o-mini', // or "provider:model"
  messages: [{ role: 'user', content: 'Hello from the gateway!' }],
});
console.log(response.choices[0].message.content);`;
    case 'anthropic-python':
      return `import anthropic

client = anthropic.Anthropic(base_url="${anthropicBaseUrl}", api_key="${token}")

message = client.messages.create(
    model="claude-sonnet-4-5",
    max_tokens=1024,
    messages=[{"role": "user", "content": "Hello from the gateway!"}],
)
print(message.content[0].text)`;
    case 'anthropic-node':
      return `import Anthropic from '@anthropic-ai/sdk';

const client = new Anthropic({ baseURL: '${anthropicBaseUrl}', apiKey: '${token}' });

const message = await client.messages.create({
  model: 'claude-sonnet-4-5',
  max_tokens: 1024,
  messages: [{ role: 'user', content: 'Hello from the gateway!' }],
});
console.log(message.content);`;
    case 'curl':
      return `curl ${openaiBaseUrl}/chat/completions \\
  -H "Authorization: Bearer ${token}" \\
  -H "Content-Type: application/json" \\
  -d '{
    "model": "gpt-4o-mini",
    "models": ["anthropic:claude-sonnet-4-5"],
    "messages": [{"role": "user", "content": "Hello from the gateway!"}]
  }'`;
  }
}

/** Copy-paste snippets for the official SDKs and curl, pointed at this gateway. */
export function QuickstartPanel({ token }: { token?: string }) {
  const [tab, setTab] = useState<SnippetId>('openai-python');
  const shownToken = token ?? 'YOUR_ACCESS_KEY';
  const snippet = buildSnippet(tab, shownToken);
  const { openaiBaseUrl, anthropicBaseUrl } = gatewayUrls();
  return (
    <div className="quickstart">
      <dl className="kv">
        <div>
          <dt>OpenAI base URL</dt>
          <dd>
            <code data-testid="openai-base-url">{openaiBaseUrl}</code> <CopyButton text={openaiBaseUrl} label="Copy" />
          </dd>
        </div>
        <div>
          <dt>Anthropic base URL</dt>
          <dd>
            <code>{anthropicBaseUrl}</code> <CopyButton text={anthropicBaseUrl} label="Copy" />
          </dd>
        </div>
      </dl>
      <Tabs label="Client library" tabs={TABS} selected={tab} onSelect={(id) => setTab(id as SnippetId)}>
        <div className="code-block">
          <div className="code-actions">
            <CopyButton text={snippet} label="Copy snippet" />
          </div>
          <pre>
            <code>{snippet}</code>
          </pre>
        </div>
      </Tabs>
      {token ? null : (
        <p className="muted small">
          Replace <code>YOUR_ACCESS_KEY</code> with an access key token (they start with <code>ng-</code>). Model ids are catalog ids, or{' '}
          <code>provider:model</code> to force a provider.
        </p>
      )}
    </div>
  );
}
