import { groupState, member, published } from '../records.fixture';
import { canonicalJson, differingFields, evaluateGenerations } from './generation-monotonic';

describe('canonicalJson', () => {
  it('gives equal text for equal values whatever their key order', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] })).toBe(
      canonicalJson({ a: [{ c: 3, d: 2 }], b: 1 }),
    );
    expect(canonicalJson({ a: [1, 2] })).not.toBe(canonicalJson({ a: [2, 1] }));
  });
});

describe('differingFields', () => {
  it('names the top-level fields that differ', () => {
    const a = groupState('c1', 5, { members: [member('p1')] });
    const b = groupState('c1', 5, { members: [member('p1', 'champion')], savedAt: 9 });
    expect(differingFields(a, b)).toEqual(['members', 'savedAt']);
    expect(differingFields(a, { ...a })).toEqual([]);
  });
});

describe('evaluateGenerations', () => {
  it('passes growing generations and an identical republish, in offset order', () => {
    const result = evaluateGenerations([
      published(groupState('c1', 12), 1, 10), // read out of order: sorted by offset first
      published(groupState('c1', 3), 1, 2),
      published(groupState('c1', 3), 1, 5),
      published(groupState('c2', 1), 0, 1),
    ]);
    expect(result).toEqual({
      name: 'generation-monotonic',
      checked: 4,
      violations: [],
      notes: ['1 republished generations'],
    });
  });

  it('reports a generation that goes down', () => {
    const result = evaluateGenerations([
      published(groupState('c1', 12), 1, 2),
      published(groupState('c1', 7), 1, 9),
    ]);
    expect(result.violations).toEqual([
      {
        invariant: 'generation-monotonic',
        companyId: 'c1',
        detail: 'generation 7 at 1:9 after 12 at 1:2',
      },
    ]);
  });

  it('reports a republish with other content', () => {
    const result = evaluateGenerations([
      published(groupState('c1', 4, { members: [member('a')] }), 1, 2),
      published(groupState('c1', 4, { members: [member('b')] }), 1, 3),
    ]);
    expect(result.violations[0]?.detail).toBe(
      'generation 4 republished at 1:3 with other members than at 1:2',
    );
  });

  it('reports a record under another key and a company in two partitions', () => {
    const result = evaluateGenerations([
      published(groupState('c1', 4), 1, 2),
      published(groupState('c1', 5), 3, 2, 'c9'),
    ]);
    expect(result.violations.map((v) => v.detail)).toEqual([
      'record 3:2 holds c1 under key c9',
      'records in partitions 1, 3',
    ]);
  });
});
