import { Registry } from 'prom-client';
import type { Logger, Span } from '@bgs/platform';
import { AttemptError, CallerAbortedError } from './failures';
import { providerMetrics } from './metrics';
import { ProviderError } from './port';
import { metered, reportFailedAttempt } from './telemetry';

async function requests(registry: Registry): Promise<Record<string, number>> {
  const metric = await registry.getSingleMetric('bgs_provider_requests_total')?.get();
  return Object.fromEntries(
    (metric?.values ?? []).map((v) => [`${v.labels.operation}/${v.labels.outcome}`, v.value]),
  );
}

describe('metered', () => {
  it('counts each attempt by its outcome and times it', async () => {
    const registry = new Registry();
    const metrics = providerMetrics(registry);
    await expect(metered(metrics, 'enrich', async () => 'reply')).resolves.toBe('reply');
    const limited = new AttemptError('slow down', 'rate_limited', true, 429);
    await expect(metered(metrics, 'enrich', () => Promise.reject(limited))).rejects.toBe(limited);
    await expect(
      metered(metrics, 'research', () => Promise.reject(new CallerAbortedError('gone'))),
    ).rejects.toBeInstanceOf(CallerAbortedError);
    expect(await requests(registry)).toEqual({
      'enrich/ok': 1,
      'enrich/rate_limited': 1,
      'research/timeout': 1,
    });
    expect(await registry.metrics()).toMatch(
      /^bgs_provider_request_duration_seconds_count\{operation="enrich"\} 2$/m,
    );
  });
});

describe('reportFailedAttempt', () => {
  it('adds an event to the span and logs a warning, with the status only when there is one', () => {
    const events: unknown[] = [];
    const warnings: unknown[] = [];
    const span = { addEvent: (...args: unknown[]) => events.push(args) } as unknown as Span;
    const logger = { warn: (...args: unknown[]) => warnings.push(args) } as unknown as Logger;
    const at = {
      operation: 'research' as const,
      attempt: 2,
      maxAttempts: 3,
      idempotencyKey: 'key-1',
      companyId: 'company-1',
    };
    reportFailedAttempt(new ProviderError('down', 'server_error', true, 502), at, { span, logger });
    reportFailedAttempt(new ProviderError('slow', 'timeout', true), at, { span, logger });
    expect(events).toEqual([
      ['attempt failed', { attempt: 2, kind: 'server_error', status: 502 }],
      ['attempt failed', { attempt: 2, kind: 'timeout' }],
    ]);
    expect(warnings[0]).toEqual([
      'provider research attempt failed',
      {
        event: 'provider_attempt_failed',
        operation: 'research',
        attempt: 2,
        maxAttempts: 3,
        kind: 'server_error',
        status: 502,
        retryable: true,
        reason: 'down',
        idempotencyKey: 'key-1',
        companyId: 'company-1',
      },
    ]);
  });
});
