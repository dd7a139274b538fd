import { acceptedBy, compareCounts, topicCountLines } from './topic-count';
import type { DoorRun } from './door';

const PREFIX = 'evt_ingress_abc_';
const perEvent = (counts: number[]) =>
  new Map(counts.map((count, i) => [`${PREFIX}${i + 1}`, count]));

describe('compareCounts', () => {
  it('is exactly once when every accepted delivery has one record', () => {
    const count = compareCounts(perEvent([1, 1, 1]), 3, PREFIX);
    expect(count).toEqual(
      expect.objectContaining({
        topic: 'person-changes',
        records: 3,
        events: 3,
        duplicates: 0,
        missing: 0,
        unanswered: 0,
        exactlyOnce: true,
      }),
    );
    expect(topicCountLines(count)[0]).toBe(
      'topic: 3 records for 3 accepted deliveries (exactly once: yes)',
    );
  });

  it('counts a second record of one event as a duplicate, even when the totals agree', () => {
    const count = compareCounts(perEvent([2, 1]), 3, PREFIX);
    expect(count).toEqual(
      expect.objectContaining({ records: 3, events: 2, duplicates: 1, missing: 1 }),
    );
    expect(count.exactlyOnce).toBe(false);
  });

  it('tells missing records from records published without a 2xx', () => {
    expect(compareCounts(perEvent([1]), 3, PREFIX)).toEqual(
      expect.objectContaining({ missing: 2, unanswered: 0, exactlyOnce: false }),
    );
    expect(compareCounts(perEvent([1, 1, 1]), 2, PREFIX)).toEqual(
      expect.objectContaining({ missing: 0, unanswered: 1, exactlyOnce: false }),
    );
    expect(topicCountLines(compareCounts(perEvent([1]), 3, PREFIX))).toEqual([
      'topic: 1 records for 3 accepted deliveries (exactly once: no)',
      '· person-changes, event ids evt_ingress_abc_*: 1 distinct, 0 duplicates, 2 missing, 0 published without a 2xx',
    ]);
  });
});

describe('acceptedBy', () => {
  const run = (system: DoorRun['system'], ok2xx: number, warmupOk2xx: number) =>
    ({ system, ok2xx, warmupOk2xx }) as DoorRun;

  it("sums ours' 2xx answers with its warm-ups, and nobody else's", () => {
    expect(
      acceptedBy([
        run('ours', 100, 10),
        run('ours', 50, 0),
        run('bare', 900, 90),
        run('baseline', 7, 1),
      ]),
    ).toBe(160);
  });
});
