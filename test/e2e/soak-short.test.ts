import { describe, expect, it } from 'vitest';
import { printSummary, runSoak } from '../soak/run.js';

/**
 * The soak run (`npm run soak`) cut to ten seconds (or 600 requests, whichever is later) and 100 clients, so CI exercises it: faults
 * injected upstream, every response well-formed, one usage event per authenticated request, the
 * balances exact and never negative, the process alive and exiting 0 on SIGTERM.
 */
describe('short soak: load with injected upstream faults', () => {
  it('keeps every response well-formed and usage and credit exact', async () => {
    const lines: string[] = [];
    const summary = await runSoak({
      seconds: Number(process.env.SOAK_SECONDS ?? 10),
      concurrency: 100,
      minRequests: 600,
      faultRate: 0.2,
      // Too short to judge memory growth; the one-minute run does.
      maxRssGrowth: 0,
      log: (l) => lines.push(l),
    });
    printSummary(summary, (l) => lines.push(l));
    expect(summary.violations, lines.join('\n')).toEqual([]);
    expect(summary.requests).toBeGreaterThan(500);
    expect(summary.faultsInjected).toBeGreaterThan(50);
    expect(summary.usageEvents).toBe(summary.expectedUsageEvents);
    expect(summary.outcomes.stream_complete ?? 0).toBeGreaterThan(0);
    expect(summary.outcomes.ok ?? 0).toBeGreaterThan(0);
  }, 240_000);
});
