import type { Observation } from '@bgs/domain';
import { knownCompaniesByBatch, newestObservations } from './observations';

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

describe('where each batch learns its moved people were known to be', () => {
  const move = observed('p-1', 'company', 'co-c', 'evt-2', 2_000);

  it("gives the previously observed company, then the row's, to the batch that reported the move", () => {
    const [mine] = knownCompaniesByBatch(
      [[move]],
      [{ person_id: 'p-1', observed_company_id: 'co-b', row_company_id: 'co-a' }],
    );
    expect(mine).toEqual(new Map([['p-1', ['co-b', 'co-a']]]));
  });

  it('names a company once, and leaves out what is unknown', () => {
    const known = knownCompaniesByBatch(
      [[move], [observed('p-2', 'company', 'co-c', 'evt-3', 2_000)]],
      [
        { person_id: 'p-1', observed_company_id: 'co-a', row_company_id: 'co-a' },
        { person_id: 'p-2', observed_company_id: null, row_company_id: null },
      ],
    );
    expect(known).toEqual([new Map([['p-1', ['co-a']]]), new Map([['p-2', []]])]);
  });

  it('tells every batch that reported a move of the person written, and no other batch', () => {
    const older = observed('p-1', 'company', 'co-b', 'evt-1', 1_000);
    const title = observed('p-1', 'title', 'CTO', 'evt-4', 3_000);
    const written = [{ person_id: 'p-1', observed_company_id: 'co-x', row_company_id: 'co-a' }];
    expect(knownCompaniesByBatch([[older], [move], [title]], written)).toEqual([
      new Map([['p-1', ['co-x', 'co-a']]]),
      new Map([['p-1', ['co-x', 'co-a']]]),
      new Map(),
    ]);
  });

  it('tells nothing when no company observation was written (an older report than the stored one)', () => {
    expect(knownCompaniesByBatch([[move]], [])).toEqual([new Map()]);
  });
});
