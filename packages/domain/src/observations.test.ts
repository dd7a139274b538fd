import fc from 'fast-check';
import { fromProviderEvent, type ProviderEvent } from './changes';
import type { Change, Person } from './model';
import {
  mergeRoster,
  observationsOf,
  observedTime,
  supersedes,
  type Observation,
  type ObservedField,
} from './observations';

const T0 = 1_795_428_000_000;
const MINUTE = 60_000;

const person = (id: string, extra: Partial<Person> = {}): Person => ({
  id,
  companyId: 'c-1',
  fullName: `Person ${id}`,
  email: null,
  jobTitle: 'Software Engineer',
  department: 'Engineering',
  seniority: 'ic',
  managerId: null,
  status: 'active',
  updatedAt: null,
  ...extra,
});

const observation = (
  personId: string,
  field: ObservedField,
  value: string | null,
  extra: Partial<Observation> = {},
): Observation => ({
  personId,
  field,
  value,
  source: 'acme-data',
  eventId: 'evt-1',
  occurredAt: T0,
  receivedAt: T0 + MINUTE,
  ...extra,
});

const providerEvent = (overrides: Partial<ProviderEvent> = {}): ProviderEvent => ({
  eventId: 'evt-42',
  source: 'acme-data',
  eventType: 'person.role_change',
  companyId: 'c-1',
  previousCompanyId: null,
  personId: 'p-1',
  changes: [],
  occurredAt: T0,
  ...overrides,
});

interface Merge {
  companyId?: string;
  people?: readonly Person[];
  observations?: readonly Observation[];
  upstream?: Record<string, number>;
}

const merge = ({ companyId = 'c-1', people = [], observations = [], upstream = {} }: Merge) =>
  mergeRoster({
    companyId,
    people,
    observations,
    upstreamChangedAt: new Map(Object.entries(upstream)),
  });

const titleOf = (roster: readonly Person[], id: string) =>
  roster.find((entry) => entry.id === id)?.jobTitle;

describe('observedTime', () => {
  it("is the provider's time when it is not after the receipt", () => {
    expect(observedTime(observation('p', 'title', 'CTO'))).toBe(T0);
  });

  it('is the receipt time when the provider claims a time in the future', () => {
    const future = observation('p', 'title', 'CTO', { occurredAt: T0 + 60 * MINUTE });
    expect(observedTime(future)).toBe(T0 + MINUTE);
  });

  it('is the receipt time when the provider time is not a number', () => {
    expect(observedTime(observation('p', 'title', 'CTO', { occurredAt: NaN }))).toBe(T0 + MINUTE);
  });
});

describe('observationsOf', () => {
  const RECEIVED = T0 + 5_000;
  const base = { personId: 'p-1', source: 'acme-data', eventId: 'evt-42', occurredAt: T0 };
  const of = (overrides: Partial<ProviderEvent>) =>
    observationsOf(fromProviderEvent(providerEvent(overrides)), RECEIVED);

  it('reports the new title of a role change', () => {
    const observations = of({
      eventType: 'person.role_change',
      changes: [{ field: 'title', before: 'Engineer', after: 'Staff Engineer' }],
    });
    expect(observations).toEqual([
      { ...base, field: 'title', value: 'Staff Engineer', receivedAt: RECEIVED },
    ]);
  });

  it('reports title and seniority of a promotion, and nothing of fields it does not observe', () => {
    const observations = of({
      eventType: 'person.promotion',
      occurredAt: new Date(T0),
      changes: [
        { field: 'salaryBand', before: 'B', after: 'C' },
        { field: 'seniority', before: 'senior', after: 'director' },
        { field: 'title', before: 'Senior Engineer', after: 'Director of Engineering' },
      ],
    });
    expect(observations.map(({ field, value }) => [field, value])).toEqual([
      ['title', 'Director of Engineering'],
      ['seniority', 'director'],
    ]);
    expect(observations.every((o) => o.occurredAt === T0 && o.receivedAt === RECEIVED)).toBe(true);
  });

  it('reports the new department of a department change, a cleared one as null', () => {
    expect(
      of({
        eventType: 'person.department_change',
        changes: [{ field: 'department', before: 'Sales', after: 'Marketing' }],
      }).map((o) => [o.field, o.value]),
    ).toEqual([['department', 'Marketing']]);
    expect(
      of({
        eventType: 'person.department_change',
        changes: [{ field: 'department', before: 'Sales', after: null }],
      }).map((o) => [o.field, o.value]),
    ).toEqual([['department', null]]);
  });

  it('reports the company a person moved to', () => {
    const observations = of({
      eventType: 'person.company_change',
      companyId: 'c-2',
      previousCompanyId: 'c-1',
      changes: [{ field: 'company', before: 'c-1', after: 'c-2' }],
    });
    expect(observations).toEqual([
      { ...base, field: 'company', value: 'c-2', receivedAt: RECEIVED },
    ]);
  });

  it('drops a company change with no company to move to', () => {
    expect(of({ changes: [{ field: 'company', before: 'c-1', after: null }] })).toEqual([]);
    expect(of({ changes: [{ field: 'company', before: 'c-1', after: '  ' }] })).toEqual([]);
  });

  it('reports nothing for a company event that names no person', () => {
    expect(
      of({
        eventType: 'company.executive_turnover',
        personId: null,
        changes: [{ field: 'title', before: 'CEO', after: null }],
      }),
    ).toEqual([]);
    expect(of({ eventType: 'company.acquisition', personId: null, changes: [] })).toEqual([]);
  });

  it('reports nothing for changes that are not from a provider', () => {
    const cdc: Change = {
      kind: 'person',
      op: 'update',
      personId: 'p-1',
      before: person('p-1'),
      after: person('p-1', { jobTitle: 'CTO' }),
      occurredAt: T0,
      origin: { type: 'cdc', table: 'people', lsn: '1', snapshot: false },
    };
    expect(observationsOf(cdc, RECEIVED)).toEqual([]);
  });

  it('keeps one observation per field, the last, when a field repeats', () => {
    const observations = of({
      changes: [
        { field: 'title', before: null, after: 'First' },
        { field: 'title', before: null, after: 'Second' },
      ],
    });
    expect(observations.map((o) => o.value)).toEqual(['Second']);
  });
});

describe('supersedes', () => {
  const older = observation('p', 'title', 'Old', { occurredAt: T0 });
  const newer = observation('p', 'title', 'New', { occurredAt: T0 + MINUTE });

  it('prefers the later observed time', () => {
    expect(supersedes(newer, older)).toBe(true);
    expect(supersedes(older, newer)).toBe(false);
  });

  it('on a tie of observed time, prefers the later receipt', () => {
    const late = observation('p', 'title', 'Late', { receivedAt: T0 + 2 * MINUTE });
    const early = observation('p', 'title', 'Early', { receivedAt: T0 + MINUTE, eventId: 'z' });
    expect(supersedes(late, early)).toBe(true);
    expect(supersedes(early, late)).toBe(false);
  });

  it('then the larger event id, then the source, in code-unit order', () => {
    const a = observation('p', 'title', 'A', { eventId: 'evt-B', source: 'zeta' });
    const b = observation('p', 'title', 'B', { eventId: 'evt-a', source: 'alpha' });
    expect(supersedes(b, a)).toBe(true); // 'a' > 'B' in code units
    expect(supersedes(a, b)).toBe(false);
    const x = observation('p', 'title', 'X', { source: 'alpha' });
    const y = observation('p', 'title', 'Y', { source: 'beta' });
    expect(supersedes(y, x)).toBe(true);
    expect(supersedes(x, y)).toBe(false);
  });

  it('never holds both ways, and not of an observation against itself', () => {
    expect(supersedes(older, older)).toBe(false);
    const nullValue = observation('p', 'title', null);
    const blank = observation('p', 'title', '');
    expect(supersedes(nullValue, blank) !== supersedes(blank, nullValue)).toBe(true);
  });
});

describe('mergeRoster', () => {
  const ada = person('ada', { jobTitle: 'Engineer' });

  it('keeps the upstream value when the observation is older than the upstream change', () => {
    const roster = merge({
      people: [ada],
      observations: [observation('ada', 'title', 'CTO', { occurredAt: T0 })],
      upstream: { ada: T0 + MINUTE },
    });
    expect(roster).toEqual([ada]);
    expect(roster[0]).toBe(ada);
  });

  it('takes the observed value when the observation is newer', () => {
    const roster = merge({
      people: [ada],
      observations: [observation('ada', 'title', 'CTO', { occurredAt: T0 })],
      upstream: { ada: T0 - MINUTE },
    });
    expect(roster).toEqual([{ ...ada, jobTitle: 'CTO' }]);
  });

  it('gives a tie with the upstream change to the upstream row', () => {
    const roster = merge({
      people: [ada],
      observations: [observation('ada', 'title', 'CTO', { occurredAt: T0 })],
      upstream: { ada: T0 },
    });
    expect(titleOf(roster, 'ada')).toBe('Engineer');
  });

  it('takes any observation when the upstream change time is unknown', () => {
    const roster = merge({
      people: [ada],
      observations: [observation('ada', 'title', 'CTO', { occurredAt: 0, receivedAt: 1 })],
    });
    expect(titleOf(roster, 'ada')).toBe('CTO');
  });

  it('counts a provider time in the future as the receipt, so a later upstream change wins', () => {
    const future = observation('ada', 'title', 'CTO', {
      occurredAt: T0 + 24 * 60 * MINUTE,
      receivedAt: T0,
    });
    expect(
      titleOf(merge({ people: [ada], observations: [future], upstream: { ada: T0 + 1 } }), 'ada'),
    ).toBe('Engineer');
    expect(
      titleOf(merge({ people: [ada], observations: [future], upstream: { ada: T0 - 1 } }), 'ada'),
    ).toBe('CTO');
  });

  it('merges each field on its own', () => {
    const roster = merge({
      people: [ada],
      observations: [
        observation('ada', 'title', 'CTO', { occurredAt: T0 + MINUTE }),
        observation('ada', 'seniority', 'c_level', { occurredAt: T0 + MINUTE }),
        observation('ada', 'department', 'Sales', { occurredAt: T0 - MINUTE }),
      ],
      upstream: { ada: T0 },
    });
    expect(roster).toEqual([
      { ...ada, jobTitle: 'CTO', seniority: 'c_level', department: 'Engineering' },
    ]);
  });

  it('lets a newer observation clear a title', () => {
    const roster = merge({ people: [ada], observations: [observation('ada', 'title', null)] });
    expect(titleOf(roster, 'ada')).toBeNull();
  });

  describe('of conflicting observations', () => {
    it('takes the later observed time, whatever the source', () => {
      const roster = merge({
        people: [ada],
        observations: [
          observation('ada', 'title', 'VP Engineering', { source: 'zeta', occurredAt: T0 + 1 }),
          observation('ada', 'title', 'CTO', { source: 'alpha', occurredAt: T0 + 2 }),
        ],
      });
      expect(titleOf(roster, 'ada')).toBe('CTO');
    });

    it('on a tie of time and receipt, takes the larger event id, then the source', () => {
      const sameTime = [
        observation('ada', 'title', 'From evt-1', { eventId: 'evt-1', source: 'zeta' }),
        observation('ada', 'title', 'From evt-2', { eventId: 'evt-2', source: 'alpha' }),
      ];
      expect(titleOf(merge({ people: [ada], observations: sameTime }), 'ada')).toBe('From evt-2');
      const sameEvent = [
        observation('ada', 'title', 'From beta', { source: 'beta' }),
        observation('ada', 'title', 'From alpha', { source: 'alpha' }),
      ];
      expect(titleOf(merge({ people: [ada], observations: sameEvent }), 'ada')).toBe('From beta');
    });

    it('on a tie of observed time, takes the later receipt', () => {
      const roster = merge({
        people: [ada],
        observations: [
          observation('ada', 'title', 'Later', { eventId: 'a', receivedAt: T0 + 2 * MINUTE }),
          observation('ada', 'title', 'Earlier', { eventId: 'z', receivedAt: T0 + MINUTE }),
        ],
      });
      expect(titleOf(roster, 'ada')).toBe('Later');
    });

    it('compares the winner alone with the upstream change', () => {
      // The newest observation is older than the upstream change: the older one must not step in.
      const roster = merge({
        people: [ada],
        observations: [
          observation('ada', 'title', 'Old news', { occurredAt: T0 - 2 * MINUTE }),
          observation('ada', 'title', 'Stale', { occurredAt: T0 - MINUTE }),
        ],
        upstream: { ada: T0 },
      });
      expect(titleOf(roster, 'ada')).toBe('Engineer');
    });
  });

  describe('of moves', () => {
    const move = (personId: string, to: string | null, extra: Partial<Observation> = {}) =>
      observation(personId, 'company', to, extra);
    const grace = person('grace', { companyId: 'c-2', jobTitle: 'CFO' });

    it('leaves someone who moved out of the company out of its roster', () => {
      const roster = merge({ people: [ada, person('bob')], observations: [move('ada', 'c-9')] });
      expect(roster.map((entry) => entry.id)).toEqual(['bob']);
    });

    it('includes someone who moved in, with the new company id', () => {
      const roster = merge({ people: [ada, grace], observations: [move('grace', 'c-1')] });
      expect(roster).toEqual([ada, { ...grace, companyId: 'c-1' }]);
    });

    it('leaves out people of other companies that no observation moves in', () => {
      expect(merge({ people: [ada, grace] })).toEqual([ada]);
    });

    it('keeps someone whose move is older than the upstream change', () => {
      const roster = merge({
        people: [ada],
        observations: [move('ada', 'c-9', { occurredAt: T0 })],
        upstream: { ada: T0 + MINUTE },
      });
      expect(roster).toEqual([ada]);
    });

    it('ignores a company observation with no company', () => {
      const roster = merge({
        people: [ada],
        observations: [
          move('ada', 'c-9', { occurredAt: T0 - MINUTE }),
          // Newer, but says nothing to apply: the earlier move still counts.
          move('ada', null, { occurredAt: T0 }),
        ],
      });
      expect(roster).toEqual([]);
      expect(merge({ people: [ada], observations: [move('ada', null)] })).toEqual([ada]);
    });
  });

  it('ignores observations of people it was not given', () => {
    const roster = merge({
      people: [ada],
      observations: [observation('ghost', 'company', 'c-1'), observation('ghost', 'title', 'CEO')],
    });
    expect(roster).toEqual([ada]);
  });

  it('orders the roster by person id in code-unit order', () => {
    const people = ['b', 'a', 'B', 'é', 'A10', 'A2'].map((id) => person(id));
    expect(merge({ people }).map((entry) => entry.id)).toEqual(['A10', 'A2', 'B', 'a', 'b', 'é']);
  });

  it('returns the same row when nothing changed, and a new one only where something did', () => {
    const bob = person('bob', { jobTitle: 'CTO' });
    const roster = merge({
      people: [ada, bob],
      observations: [observation('ada', 'title', 'CTO'), observation('bob', 'title', 'CTO')],
    });
    expect(roster[0]).not.toBe(ada);
    expect(roster[1]).toBe(bob);
  });

  it('keeps one row per person when a row comes twice', () => {
    const roster = merge({
      people: [ada, ada],
      observations: [observation('ada', 'title', 'CTO')],
    });
    expect(roster).toEqual([{ ...ada, jobTitle: 'CTO' }]);
  });

  it('does not mutate its inputs', () => {
    const people = [ada, person('grace', { companyId: 'c-2' })];
    const observations = [
      observation('ada', 'title', 'CTO'),
      observation('grace', 'company', 'c-1'),
      observation('ada', 'company', null),
    ];
    const upstream = new Map([['ada', T0 - MINUTE]]);
    const snapshot = JSON.stringify({ people, observations, upstream: [...upstream] });
    // Frozen, so that a write in strict mode throws rather than passing unnoticed.
    for (const value of [...people, ...observations, people, observations]) Object.freeze(value);
    mergeRoster({ companyId: 'c-1', people, observations, upstreamChangedAt: upstream });
    expect(JSON.stringify({ people, observations, upstream: [...upstream] })).toBe(snapshot);
  });

  it('gives the same roster whatever order people and observations come in', () => {
    const people = [
      ada,
      person('bob', { jobTitle: 'VP Sales', department: 'Sales' }),
      person('cat', { companyId: 'c-2' }),
      person('dan', { companyId: 'c-3' }),
      person('eve', { seniority: null }),
    ];
    const observations = [
      observation('ada', 'title', 'CTO', { source: 'alpha', occurredAt: T0 }),
      observation('ada', 'title', 'VP Engineering', { source: 'beta', occurredAt: T0 }),
      observation('ada', 'title', 'Intern', { source: 'alpha', eventId: 'evt-0' }),
      observation('bob', 'company', 'c-2', { occurredAt: T0 - 2 * MINUTE }),
      observation('bob', 'department', 'Marketing', { eventId: 'evt-9' }),
      observation('bob', 'department', 'Finance', { eventId: 'evt-10' }),
      observation('cat', 'company', 'c-1', { occurredAt: T0, receivedAt: T0 }),
      observation('cat', 'company', 'c-3', { occurredAt: T0, receivedAt: T0 + 1 }),
      observation('dan', 'company', 'c-1', { occurredAt: T0 + MINUTE }),
      observation('eve', 'seniority', 'director', { occurredAt: T0 + 5 * MINUTE }),
      observation('eve', 'company', null, { occurredAt: T0 + 9 * MINUTE }),
      observation('zed', 'company', 'c-1'),
    ];
    const upstream = { bob: T0 - MINUTE, eve: T0 + 60 * MINUTE };
    const expected = merge({ people, observations, upstream });
    expect(expected.map((entry) => [entry.id, entry.jobTitle, entry.department])).toEqual([
      ['ada', 'VP Engineering', 'Engineering'],
      ['bob', 'VP Sales', 'Marketing'],
      ['dan', 'Software Engineer', 'Engineering'],
      ['eve', 'Software Engineer', 'Engineering'],
    ]);
    fc.assert(
      fc.property(
        fc.shuffledSubarray(people, { minLength: people.length }),
        fc.shuffledSubarray(observations, { minLength: observations.length }),
        (shuffledPeople, shuffledObservations) => {
          expect(
            merge({ people: shuffledPeople, observations: shuffledObservations, upstream }),
          ).toEqual(expected);
        },
      ),
      { numRuns: 100 },
    );
  });
});
