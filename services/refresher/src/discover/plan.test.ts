import type { CompanyTouchRecord } from '@bgs/platform';
import { planRefreshes } from './plan';

const touch = (companyId: string, extra: Partial<CompanyTouchRecord> = {}): CompanyTouchRecord => ({
  companyId,
  level: null,
  reason: 'job_title changed',
  triggeredBy: `cdc:people:${companyId}-p`,
  origins: [{ ref: `ref-${companyId}-${Math.random()}`, occurredAt: 1 }],
  cooldownElapsed: false,
  ...extra,
});

describe('planRefreshes', () => {
  it('coalesces a company’s touches into one refresh at the newest offset', () => {
    const plans = planRefreshes([
      { offset: '12', touch: touch('a'), headers: {} },
      { offset: '9', touch: touch('a', { reason: 'person added' }), headers: {} },
      { offset: '10', touch: touch('b'), headers: {} },
      { offset: '15', touch: touch('a'), headers: { traceparent: 'newest' } },
    ]);
    expect(plans.map((p) => [p.companyId, p.generation])).toEqual([
      ['a', 15],
      ['b', 10],
    ]);
    const a = plans[0];
    expect(a?.originCount).toBe(3);
    expect(a?.reasons).toEqual(['person added', 'job_title changed']);
    expect(a?.headers).toEqual({ traceparent: 'newest' });
    // every touch's trace, oldest first: the refresh's span links to each
    expect(a?.traceparents).toEqual([undefined, undefined, 'newest']);
    expect(a?.triggeredBy).toBe('cdc:people:a-p');
  });

  it('counts a change carried by two touches of the batch once', () => {
    const twice = { ref: 'webhook:acme:evt-1', occurredAt: 1 };
    const [plan] = planRefreshes([
      { offset: '1', touch: touch('a', { origins: [twice] }), headers: {} },
      { offset: '2', touch: touch('a'), headers: {} },
      { offset: '3', touch: touch('a', { origins: [twice] }), headers: {} },
    ]);
    expect(plan?.origins.filter((o) => o.ref === twice.ref)).toHaveLength(1);
    expect(plan?.originCount).toBe(2);
  });

  it('asks for the deepest level any touch asked for, and the workspace’s when none did', () => {
    const [deep] = planRefreshes([
      { offset: '1', touch: touch('a', { level: 'enrich' }), headers: {} },
      { offset: '2', touch: touch('a', { level: 'deep_research' }), headers: {} },
      { offset: '3', touch: touch('a'), headers: {} },
    ]);
    expect(deep?.requestedLevel).toBe('deep_research');
    const [none] = planRefreshes([{ offset: '1', touch: touch('a'), headers: {} }]);
    expect(none?.requestedLevel).toBeUndefined();
  });

  it('compares offsets as integers, not text', () => {
    const [plan] = planRefreshes([
      { offset: '100', touch: touch('a'), headers: {} },
      { offset: '99', touch: touch('a'), headers: {} },
    ]);
    expect(plan?.generation).toBe(100);
  });
});
