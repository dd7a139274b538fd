/**
 * The short chaos run (`./bgs chaos --short`): steady traffic while the refresher and the sink
 * are SIGKILLed, the registry is down for 15 s and the provider answers 503 to everything for
 * 15 s; each fault recovers, and the independent checker (tools/chaos/src/checker) finds every
 * guarantee held over every change made, with something to check for each.
 */
import { runChaos } from '../../tools/chaos/src/main';
import { requireStack } from '../helpers/stack';

describe('chaos, the CI subset', () => {
  beforeAll(requireStack);

  it('recovers from every fault, and the checker finds no violation', async () => {
    const result = await runChaos({
      short: true,
      rate: 10,
      companiesPerLevel: 3,
      seed: 11,
      outageSeconds: 15,
    });
    expect(result.faults.map((f) => [f.fault, f.recoverMs !== undefined])).toEqual(
      result.faults.map((f) => [f.fault, true]),
    );
    expect(result.traffic.made).toBeGreaterThan(100);
    expect(result.traffic.rejected).toEqual([]);
    for (const invariant of result.report.invariants) {
      expect({ name: invariant.name, violations: invariant.violations }).toEqual({
        name: invariant.name,
        violations: [],
      });
    }
    // Every guarantee had something to check; the dead-letter topics may hold nothing at all.
    const unchecked = result.report.invariants
      .filter((i) => i.checked === 0 && i.name !== 'no-valid-dead-letters')
      .map((i) => i.name);
    expect(unchecked).toEqual([]);
  }, 600_000);
});
