import { SERVICES, faultPlan } from './plan';

const seeded = (values: readonly number[]) => {
  let i = 0;
  return () => values[i++ % values.length] as number;
};

describe('faultPlan', () => {
  it('kills every service three times, SIGTERMs each stage, and takes every dependency down once', () => {
    const plan = faultPlan({ short: false, random: seeded([0.1, 0.9, 0.5]) });
    for (const part of SERVICES) {
      const kills = plan.filter(
        (f) =>
          f.action.kind === 'signal' && f.action.part === part && f.action.signal === 'SIGKILL',
      );
      expect(kills).toHaveLength(3);
    }
    const kinds = plan.map((f) => `${f.action.kind}:${'part' in f.action ? f.action.part : ''}`);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'restart:kafka',
        'outage:postgres',
        'outage:registry',
        'restart:connect',
        'provider:',
      ]),
    );
    expect(
      plan.filter((f) => f.action.kind === 'signal' && f.action.signal === 'SIGTERM'),
    ).toHaveLength(3);
    const outages = plan.flatMap((f) => (f.action.kind === 'outage' ? [f.action.seconds] : []));
    expect(outages).toEqual([30, 30]);
  });

  it('strikes each fault after 0.5 to 3.5 s of traffic, so it lands anywhere in a batch', () => {
    const plan = faultPlan({ short: false, random: seeded([0, 0.999]) });
    expect(Math.min(...plan.map((f) => f.delayMs))).toBe(500);
    expect(Math.max(...plan.map((f) => f.delayMs))).toBeLessThan(3_500);
  });

  it('keeps the CI subset short: four faults, 15 s outages', () => {
    const plan = faultPlan({ short: true, random: seeded([0.5]) });
    expect(plan.map((f) => f.name)).toEqual([
      'SIGKILL refresher',
      'SIGKILL sink',
      'registry stopped 15 s',
      'provider 100 % 503 for 15 s',
    ]);
  });
});
