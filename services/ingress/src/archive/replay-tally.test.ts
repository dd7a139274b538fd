import { tally } from './replay-tally';

describe('tally', () => {
  it('counts each outcome, and carries on from an earlier tally', () => {
    const first = tally([
      { kind: 'enqueued', eventId: 'a' },
      { kind: 'skipped', reason: 'already_enqueued', eventId: 'b' },
      { kind: 'skipped', reason: 'no_archive', eventId: 'c' },
    ]);
    expect(
      tally(
        [
          {
            kind: 'failed',
            cause: 'not_published',
            reason: 'not published: kafka down',
            eventId: 'd',
          },
          { kind: 'skipped', reason: 'in_flight', eventId: 'e' },
          { kind: 'skipped', reason: 'invalid_event_id', eventId: 'f' },
        ],
        first,
      ),
    ).toEqual({
      done: 6,
      enqueued: 1,
      alreadyEnqueued: 1,
      inFlight: 1,
      noArchive: 1,
      invalidId: 1,
      failed: 1,
    });
    expect(first.done).toBe(3);
  });
});
