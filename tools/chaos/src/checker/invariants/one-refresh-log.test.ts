import type { RefreshLogRow } from '../records';
import { evaluateRefreshLogs } from './one-refresh-log';

const log = (
  companyId: string,
  generation: number,
  status = 'completed',
  error: string | null = null,
): RefreshLogRow => ({ companyId, generation, status, error, originCount: 1 });

describe('evaluateRefreshLogs', () => {
  it('passes when each published generation has its one completed log and nothing else', () => {
    const result = evaluateRefreshLogs({
      published: [
        { companyId: 'c1', generation: 3 },
        { companyId: 'c1', generation: 3 }, // a republish: still one generation
        { companyId: 'c1', generation: 8 },
      ],
      logs: [log('c1', 3), log('c1', 8)],
    });
    expect(result).toEqual({ name: 'one-refresh-log', checked: 2, violations: [] });
  });

  it('reports a published generation without a log', () => {
    const result = evaluateRefreshLogs({
      published: [{ companyId: 'c1', generation: 3 }],
      logs: [],
    });
    expect(result.violations).toEqual([
      {
        invariant: 'one-refresh-log',
        companyId: 'c1',
        detail: 'generation 3 published without a refresh log',
      },
    ]);
  });

  it('reports a published generation whose only log is not completed', () => {
    const result = evaluateRefreshLogs({
      published: [{ companyId: 'c1', generation: 3 }],
      logs: [log('c1', 3, 'skipped', 'superseded by generation 9')],
    });
    expect(result.violations[0]?.detail).toBe('generation 3 published with refresh logs: skipped');
  });

  it('reports a completed log that no published record stands behind', () => {
    const result = evaluateRefreshLogs({
      published: [{ companyId: 'c1', generation: 8 }],
      logs: [log('c1', 8), log('c1', 5)],
    });
    expect(result.violations.map((v) => v.detail)).toEqual([
      'completed refresh log of generation 5 but no buyer-groups record of it (generation 8 of the company is published; compacted away?)',
    ]);
  });

  it('accepts a skipped log superseded by a published generation, and notes it', () => {
    const result = evaluateRefreshLogs({
      published: [{ companyId: 'c1', generation: 8 }],
      logs: [log('c1', 8), log('c1', 5, 'skipped', 'superseded by generation 8')],
    });
    expect(result.violations).toEqual([]);
    expect(result.notes).toEqual(['1 skipped (stale) refresh logs, each superseded']);
  });

  it('reports a skipped log with nothing newer published', () => {
    const result = evaluateRefreshLogs({
      published: [],
      logs: [log('c2', 5, 'skipped', 'superseded by generation 8')],
    });
    expect(result.violations[0]).toMatchObject({ companyId: 'c2' });
    expect(result.violations[0]?.detail).toContain('no newer generation is published');
  });
});
