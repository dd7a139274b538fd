import { assignSlots, slotAssigner, slotOf, transactionalIdForSlot } from './slots';

describe('slotOf', () => {
  it('blocks partition numbers: 0-2 are slot 0 and 3-5 slot 1 with three a slot', () => {
    expect([0, 1, 2, 3, 4, 5].map((p) => slotOf(p, 3))).toEqual([0, 0, 0, 1, 1, 1]);
    expect([0, 1, 2].map((p) => slotOf(p, 1))).toEqual([0, 1, 2]);
  });

  it('names one transactional id per group and slot', () => {
    expect(transactionalIdForSlot('sink', 1)).toBe('bgs.sink.slot-1');
  });
});

describe('assignSlots', () => {
  const sixEach = { a: [0, 1, 2, 3, 4, 5], b: [5, 4, 3, 2, 1, 0] };

  it('gives every partition of a slot, in every topic, to the same member', () => {
    const assignment = assignSlots(['m2', 'm1'], sixEach, 3);
    expect(Object.fromEntries(assignment)).toEqual({
      m1: { a: [0, 1, 2], b: [0, 1, 2] },
      m2: { a: [3, 4, 5], b: [3, 4, 5] },
    });
  });

  it('gives one member everything, and leaves members beyond the slot count idle', () => {
    expect(Object.fromEntries(assignSlots(['m1'], sixEach, 3))).toEqual({
      m1: { a: [0, 1, 2, 3, 4, 5], b: [0, 1, 2, 3, 4, 5] },
    });
    const three = assignSlots(['m1', 'm2', 'm3'], sixEach, 3);
    expect([...three.keys()].sort()).toEqual(['m1', 'm2']);
  });

  it('assigns each partition exactly once, also when topics differ in partition count', () => {
    const assignment = assignSlots(['x', 'y', 'z'], { a: [0, 1, 2, 3, 4, 5], c: [0] }, 2);
    const all = [...assignment.values()].flatMap((byTopic) =>
      Object.entries(byTopic).flatMap(([topic, ps]) => ps.map((p) => `${topic}-${p}`)),
    );
    expect(all.sort()).toEqual(['a-0', 'a-1', 'a-2', 'a-3', 'a-4', 'a-5', 'c-0']);
  });
});

describe('slotAssigner', () => {
  it('refuses a slot size that is not a positive integer', () => {
    expect(() => slotAssigner(0)).toThrow('positive integer');
    expect(() => slotAssigner(1.5)).toThrow('positive integer');
  });
});
