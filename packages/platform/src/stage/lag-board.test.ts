import { progressFromCommitted, type PartitionProgress } from './lag';
import { rejoinedGroup, resumeProgress, stageBoard, type Board } from './lag-board';

const progress = (position: string): PartitionProgress =>
  progressFromCommitted({ committed: position, high: '50', low: '0' });

describe('rejoinedGroup', () => {
  it('starts a group at generation 1 with what it was assigned', () => {
    const { next, assigned, revoked } = rejoinedGroup(undefined, { in: [0, 2], other: [1] });
    expect(next.generation).toBe(1);
    expect(assigned).toEqual([
      { topic: 'in', partition: 0 },
      { topic: 'in', partition: 2 },
      { topic: 'other', partition: 1 },
    ]);
    expect([...next.assigned.values()]).toEqual(assigned);
    expect(revoked).toEqual([]);
  });

  it('names what a rebalance took away, and counts the generation on', () => {
    const first = rejoinedGroup(undefined, { in: [0, 1, 2] }).next;
    const { next, revoked } = rejoinedGroup(first, { in: [1, 3] });
    expect(next.generation).toBe(2);
    expect(revoked).toEqual([
      { topic: 'in', partition: 0 },
      { topic: 'in', partition: 2 },
    ]);
  });

  it('revokes everything for an empty assignment (the consumer is gone)', () => {
    const first = rejoinedGroup(undefined, { in: [0, 1] }).next;
    const { next, revoked } = rejoinedGroup(first, {});
    expect(next.assigned.size).toBe(0);
    expect(revoked).toHaveLength(2);
  });
});

describe('resumeProgress', () => {
  it("resumes each partition at its group's committed offset within the partition's ends", () => {
    const resumed = resumeProgress(
      [
        { topic: 'in', partition: 0 },
        { topic: 'in', partition: 1 },
      ],
      [
        {
          topic: 'in',
          partitions: [
            { partition: 0, offset: '42' },
            { partition: 1, offset: '-1' },
          ],
        },
      ],
      [
        {
          topic: 'in',
          ends: [
            { partition: 0, high: '43', low: '0' },
            { partition: 1, high: '15', low: '5' },
          ],
        },
      ],
    );
    expect(resumed).toEqual([
      {
        topic: 'in',
        partition: 0,
        progress: progressFromCommitted({ committed: '42', high: '43', low: '0' }),
      },
      {
        topic: 'in',
        partition: 1,
        progress: progressFromCommitted({ committed: '-1', high: '15', low: '5' }),
      },
    ]);
  });

  it('leaves out a partition either answer does not mention', () => {
    const resumed = resumeProgress(
      [
        { topic: 'in', partition: 0 },
        { topic: 'in', partition: 1 },
        { topic: 'other', partition: 0 },
      ],
      [{ topic: 'in', partitions: [{ partition: 0, offset: '1' }] }],
      [{ topic: 'in', ends: [{ partition: 1, high: '2', low: '0' }] }],
    );
    expect(resumed).toEqual([]);
  });
});

/** The board's entries as group/topic/partition. */
const entries = (board: Board): string[] =>
  [...board.values()].map(({ labels }) => `${labels.group}/${labels.topic}/${labels.partition}`);

describe('stageBoard', () => {
  const setUp = () => {
    const board: Board = new Map();
    return { board, stage: stageBoard('sink', board) };
  };

  it('records only the partitions a group is assigned, labelled by stage and group', () => {
    const { board, stage } = setUp();
    stage.record('g', 'in', 0, progress('1'));
    expect(board.size).toBe(0);
    stage.join('g', { in: [0] });
    stage.record('g', 'in', 0, progress('1'));
    stage.record('g', 'in', 1, progress('1'));
    expect([...board.values()]).toEqual([
      {
        labels: { stage: 'sink', group: 'g', topic: 'in', partition: '0' },
        progress: progress('1'),
      },
    ]);
  });

  it('keeps a recorded progress over one recorded only if unseen', () => {
    const { board, stage } = setUp();
    stage.join('g', { in: [0] });
    stage.record('g', 'in', 0, progress('7'));
    stage.record('g', 'in', 0, progress('3'), true);
    expect([...board.values()][0]?.progress).toEqual(progress('7'));
  });

  it('names the partitions a join brings without progress, and its generation', () => {
    const { stage } = setUp();
    expect(stage.join('g', { in: [0] })).toEqual({
      generation: 1,
      unseen: [{ topic: 'in', partition: 0 }],
    });
    stage.record('g', 'in', 0, progress('1'));
    const second = stage.join('g', { in: [0, 1] });
    expect(second).toEqual({ generation: 2, unseen: [{ topic: 'in', partition: 1 }] });
    expect(stage.isCurrent('g', 1)).toBe(false);
    expect(stage.isCurrent('g', 2)).toBe(true);
  });

  it('drops revoked partitions, a forgotten group, and everything on stop', () => {
    const { board, stage } = setUp();
    stage.join('g', { in: [0, 1] });
    stage.join('h', { in: [0] });
    stage.record('g', 'in', 0, progress('1'));
    stage.record('g', 'in', 1, progress('1'));
    stage.record('h', 'in', 0, progress('1'));
    stage.join('g', { in: [1] });
    expect(entries(board)).toEqual(['g/in/1', 'h/in/0']);
    stage.forget('h');
    expect(entries(board)).toEqual(['g/in/1']);
    expect(stage.isCurrent('h', 1)).toBe(false);
    expect(stage.stopped).toBe(false);
    stage.stop();
    expect(stage.stopped).toBe(true);
    expect(board.size).toBe(0);
    stage.join('g', { in: [1] });
    stage.record('g', 'in', 1, progress('1'));
    expect(board.size).toBe(0);
  });

  it("leaves other stage instances' entries on a shared board alone", () => {
    const board: Board = new Map();
    const sink = stageBoard('sink', board);
    const other = stageBoard('enricher', board);
    sink.join('sink', { in: [0] });
    other.join('enricher', { in: [0] });
    sink.record('sink', 'in', 0, progress('1'));
    other.record('enricher', 'in', 0, progress('1'));
    sink.stop();
    expect(entries(board)).toEqual(['enricher/in/0']);
  });
});
