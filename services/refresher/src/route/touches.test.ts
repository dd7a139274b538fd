import type { Change, Person } from '@bgs/domain';
import { touchesFor } from './touches';

const person = (over: Partial<Person> = {}): Person => ({
  id: 'p1',
  companyId: 'c1',
  fullName: 'Ada',
  email: null,
  jobTitle: 'Engineer',
  department: 'engineering',
  seniority: null,
  managerId: null,
  status: 'active',
  updatedAt: null,
  ...over,
});

const update = (before: Person, after: Person, snapshot = false): Change => ({
  kind: 'person',
  op: snapshot ? 'snapshot' : 'update',
  personId: after.id,
  before,
  after,
  occurredAt: 1000,
  origin: { type: 'cdc', table: 'people', lsn: '42', snapshot },
});

describe('touchesFor', () => {
  it('touches both companies of a move, with the change as their origin', () => {
    const touches = touchesFor(
      { type: 'change', change: update(person(), person({ companyId: 'c2' })) },
      { backfill: false },
    );
    expect(touches.map((t) => t.companyId)).toEqual(['c1', 'c2']);
    expect(touches[0]).toMatchObject({
      level: null,
      triggeredBy: 'cdc:people:p1',
      origins: [{ ref: 'cdc:people:p1:42', occurredAt: 1000 }],
    });
  });

  it('touches nothing for a cosmetic edit', () => {
    const change = update(person(), person({ jobTitle: '  engineer ' }));
    expect(touchesFor({ type: 'change', change }, { backfill: false })).toEqual([]);
  });

  it('turns a refresh request into a touch at its level', () => {
    const [touch] = touchesFor(
      {
        type: 'request',
        request: {
          requestId: 'r1',
          workspaceId: 'w',
          companyId: 'c9',
          level: 'deep_research',
          reason: 'QBR',
          requestedBy: 'k',
          requestedAt: 5,
        },
      },
      { backfill: false },
    );
    expect(touch).toEqual({
      companyId: 'c9',
      level: 'deep_research',
      reason: 'refresh requested: QBR',
      triggeredBy: 'api:r1',
      origins: [{ ref: 'api:r1', occurredAt: 5 }],
      cooldownElapsed: false,
    });
  });
});
