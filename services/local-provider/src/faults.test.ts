import { FaultInjector, NO_FAULTS, faultPatchSchema } from './faults';

const kinds = (faults: FaultInjector, n: number): string[] =>
  Array.from({ length: n }, () => {
    const decision = faults.next();
    return decision.kind === 'fail' ? `fail:${decision.status}` : decision.kind;
  });

describe('FaultInjector', () => {
  it('injects nothing by default', () => {
    expect(kinds(new FaultInjector(), 3)).toEqual(['none', 'none', 'none']);
  });

  it('fails exactly the next N requests, with Retry-After when asked', () => {
    const faults = new FaultInjector();
    faults.update({ failNext: { count: 2, status: 429, retryAfterSeconds: 3 } });
    expect(faults.next()).toEqual({ kind: 'fail', status: 429, retryAfterSeconds: 3 });
    expect(faults.settings().failNext).toEqual({ count: 1, status: 429, retryAfterSeconds: 3 });
    expect(faults.next()).toEqual({ kind: 'fail', status: 429, retryAfterSeconds: 3 });
    expect(faults.next()).toEqual({ kind: 'none' });
    expect(faults.settings().failNext).toBeNull();
  });

  it('makes the next N replies malformed, after any failures', () => {
    const faults = new FaultInjector();
    faults.update({ malformedNext: 2, failNext: { count: 1, status: 500 } });
    expect(kinds(faults, 4)).toEqual(['fail:500', 'malformed', 'malformed', 'none']);
  });

  it('fails a seeded, repeatable share of requests at failRate', () => {
    const run = (): string[] => {
      const faults = new FaultInjector();
      faults.update({ failRate: 0.3, failStatus: 502 });
      return kinds(faults, 200);
    };
    const first = run();
    expect(run()).toEqual(first);
    const failed = first.filter((k) => k === 'fail:502').length;
    expect(failed).toBeGreaterThan(40);
    expect(failed).toBeLessThan(80);
    expect(first.filter((k) => k !== 'fail:502').every((k) => k === 'none')).toBe(true);
  });

  it('gives a different sequence for a different seed', () => {
    const sequence = (seed: number): string[] => {
      const faults = new FaultInjector();
      faults.update({ failRate: 0.5, seed });
      return kinds(faults, 64);
    };
    expect(sequence(7)).not.toEqual(sequence(8));
  });

  it('starts from the given defaults and resets to no faults at all', () => {
    const faults = new FaultInjector({ latencyMs: 50, failRate: 1, failStatus: 500 });
    expect(kinds(faults, 2)).toEqual(['fail:500', 'fail:500']);
    expect(faults.reset()).toEqual(NO_FAULTS);
    expect(kinds(faults, 2)).toEqual(['none', 'none']);
  });

  it('changes only what a patch names', () => {
    const faults = new FaultInjector();
    faults.update({ latencyMs: 10, malformedNext: 1 });
    faults.update({ failStatus: 500 });
    expect(faults.settings()).toMatchObject({ latencyMs: 10, malformedNext: 1, failStatus: 500 });
  });

  it('refuses unknown fields and statuses outside the list', () => {
    expect(faultPatchSchema.safeParse({ failNext: { count: 1, status: 404 } }).success).toBe(false);
    expect(faultPatchSchema.safeParse({ failRate: 1.5 }).success).toBe(false);
    expect(faultPatchSchema.safeParse({ latency: 5 }).success).toBe(false);
    expect(faultPatchSchema.safeParse({}).success).toBe(true);
  });
});
