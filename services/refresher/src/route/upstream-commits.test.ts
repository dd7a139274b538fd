import type { Change } from '@bgs/domain';
import type { RoutedInput } from './routed-input';
import { upstreamCommitsOf } from './upstream-commits';

const cdc = (personId: string, committedAt: number): RoutedInput => {
  const change: Change = {
    kind: 'person',
    op: 'update',
    personId,
    // Only who changed and when matter here, not the row images.
    before: null,
    after: null,
    occurredAt: committedAt,
    origin: { type: 'cdc', table: 'people', lsn: String(committedAt), snapshot: false },
  };
  return { type: 'change', change };
};

describe('when the routing step records upstream rows changed', () => {
  it("keeps each row's latest commit in the batch, whatever the order", () => {
    expect(upstreamCommitsOf([cdc('p-1', 3_000), cdc('p-1', 2_500), cdc('p-3', 100)])).toEqual([
      { personId: 'p-1', committedAt: 3_000 },
      { personId: 'p-3', committedAt: 100 },
    ]);
  });

  it('records nothing for a refresh request', () => {
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
    expect(upstreamCommitsOf([request])).toEqual([]);
  });
});
