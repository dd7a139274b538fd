import type { Observation } from '@bgs/domain';
import { newestObservations } from './observations';

const observed = (
  personId: string,
  field: Observation['field'],
  value: string,
  eventId: string,
  occurredAt: number,
): Observation => ({
  personId,
  field,
  value,
  source: 'demo',
  eventId,
  occurredAt,
  receivedAt: occurredAt + 100,
});

describe('the observations one upsert writes for deliveries that arrived together', () => {
  it('keeps the newest per person and field, whatever the arrival order, in (person, field) order', () => {
    const rows = newestObservations([
      observed('p-2', 'title', 'CTO', 'evt-2', 2_000),
      observed('p-1', 'title', 'VP Engineering', 'evt-3', 1_000),
      observed('p-2', 'title', 'VP Engineering', 'evt-1', 1_000),
      observed('p-1', 'department', 'it', 'evt-4', 500),
    ]);
    expect(rows.map((o) => [o.personId, o.field, o.value, o.eventId])).toEqual([
      ['p-1', 'department', 'it', 'evt-4'],
      ['p-1', 'title', 'VP Engineering', 'evt-3'],
      ['p-2', 'title', 'CTO', 'evt-2'],
    ]);
  });
});
