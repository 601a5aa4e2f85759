/**
 * Starts the simulated provider used by the tests (OpenAI chat/responses and Anthropic messages,
 * streaming included) so the README quickstarts can be tried without real provider keys:
 *   npm run fake-upstream            # listens on 127.0.0.1:9100
 *   PROVIDER_BASE_URL_OPENAI=http://127.0.0.1:9100/v1 PROVIDER_BASE_URL_ANTHROPIC=http://127.0.0.1:9100/v1 npm start
 */
import { startFakeUpstream } from '../test/support/fake-upstream.js';

const port = Number(process.env.FAKE_UPSTREAM_PORT ?? 9100);
const upstream = await startFakeUpstream({ port });
console.log(`simulated provider at ${upstream.url} (Ctrl-C to stop)`);
process.on('SIGINT', () => void upstream.close().then(() => process.exit(0)));
process.on('SIGTERM', () => void upstream.close().then(() => process.exit(0)));
