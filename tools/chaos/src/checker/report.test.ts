import { countViolations, formatReport } from './report';
import type { CheckReport } from './types';

describe('formatReport', () => {
  it('renders the table, then violations and notes', () => {
    const report: CheckReport = {
      invariants: [
        { name: 'no-loss', checked: 1200, violations: [] },
        {
          name: 'generation-monotonic',
          checked: 35,
          violations: [
            {
              invariant: 'generation-monotonic',
              companyId: 'c1',
              detail: 'generation 7 at 1:9 after 12 at 1:2',
            },
          ],
          notes: ['1 republished generations'],
        },
      ],
      providerRetries: 4,
    };
    expect(formatReport(report)).toBe(
      [
        'invariant             checked  violations',
        'no-loss                  1200           0',
        'generation-monotonic       35           1',
        '',
        'provider retries: 4',
        '',
        '  ✗ generation-monotonic [c1]: generation 7 at 1:9 after 12 at 1:2',
        '  · generation-monotonic: 1 republished generations',
      ].join('\n'),
    );
    expect(countViolations(report)).toBe(1);
  });

  it('spells out the first violations of an invariant and counts the rest', () => {
    const violations = Array.from({ length: 13 }, (_, i) => ({
      invariant: 'no-loss' as const,
      detail: `lost ${i}`,
    }));
    const text = formatReport({
      invariants: [{ name: 'no-loss', checked: 13, violations }],
      providerRetries: 0,
    });
    expect(text).toContain('lost 9');
    expect(text).not.toContain('lost 10');
    expect(text).toContain('… and 3 more no-loss violations');
  });
});
