import { fromProviderEvent, type Change, type Person } from '@bgs/domain';
import { providerFactsOf } from './provider-facts';
import type { RoutedInput } from './routed-input';

const webhook = (
  eventId: string,
  personId: string | null,
  changes: { field: string; before: string | null; after: string | null }[],
  occurredAt: number,
  receivedAt: number,
): RoutedInput => ({
  type: 'change',
  change: fromProviderEvent({
    eventId,
    source: 'demo',
    eventType: 'person.role_change',
    companyId: 'co-1',
    previousCompanyId: null,
    personId,
    changes,
    occurredAt,
  }),
  receivedAt,
});

const row = (id: string): Person => ({
  id,
  companyId: 'co-1',
  fullName: id,
  email: null,
  jobTitle: 'Engineer',
  department: 'engineering',
  seniority: 'senior',
  managerId: null,
  status: 'active',
  updatedAt: null,
});

const cdc = (personId: string, committedAt: number): RoutedInput => {
  const change: Change = {
    kind: 'person',
    op: 'update',
    personId,
    before: row(personId),
    after: row(personId),
    occurredAt: committedAt,
    origin: { type: 'cdc', table: 'people', lsn: String(committedAt), snapshot: false },
  };
  return { type: 'change', change };
};

const title = (after: string) => [{ field: 'title', before: 'Engineer', after }];

describe('what the routing step records about people', () => {
  it("keeps the newest observation per person and field, and each row's latest commit", () => {
    const facts = providerFactsOf([
      webhook('evt-2', 'p-1', title('CTO'), 2_000, 2_100),
      webhook('evt-1', 'p-1', title('VP Engineering'), 1_000, 1_100),
      webhook('evt-3', 'p-2', [{ field: 'department', before: null, after: 'it' }], 500, 600),
      cdc('p-1', 3_000),
      cdc('p-1', 2_500),
      cdc('p-3', 100),
    ]);
    expect(facts.observations.map((o) => [o.personId, o.field, o.value, o.eventId])).toEqual([
      ['p-1', 'title', 'CTO', 'evt-2'],
      ['p-2', 'department', 'it', 'evt-3'],
    ]);
    expect(facts.upstreamCommits).toEqual([
      { personId: 'p-1', committedAt: 3_000 },
      { personId: 'p-3', committedAt: 100 },
    ]);
  });

  it('records nothing for a webhook about no person, or for a refresh request', () => {
    const request: RoutedInput = {
      type: 'request',
      request: {
        requestId: 'r-1',
        workspaceId: 'ws-1',
        companyId: 'co-1',
        level: 'identify',
        reason: null,
        requestedBy: 'key-1',
        requestedAt: 0,
      },
    };
    expect(providerFactsOf([webhook('evt-9', null, title('CTO'), 1, 2), request])).toEqual({
      observations: [],
      upstreamCommits: [],
    });
  });
});
