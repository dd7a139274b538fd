import type { ArchivedDelivery } from '../archive/store';
import { tally } from '../archive/replay-tally';
import {
  keepFailures,
  MAX_LISTED_FAILURES,
  replayOneAnswer,
  replayRangeBody,
} from './operator-answers';

const ID = '0b6f3a52-3f0e-4a57-9d4e-3c1c3f2b9a10';

describe('replayOneAnswer', () => {
  it('answers 202 for a record sent and 200 for one Kafka already holds', () => {
    expect(replayOneAnswer(ID, { kind: 'enqueued', eventId: 'e.fix' })).toEqual({
      status: 202,
      body: { status: 'enqueued', deliveryId: ID, eventId: 'e.fix' },
    });
    expect(
      replayOneAnswer(ID, { kind: 'enqueued', eventId: 'e.fix', warning: 'not marked' }).body,
    ).toMatchObject({ warning: 'not marked' });
    expect(
      replayOneAnswer(ID, { kind: 'skipped', reason: 'already_enqueued', eventId: 'e' }),
    ).toEqual({
      status: 200,
      body: {
        status: 'already_enqueued',
        deliveryId: ID,
        eventId: 'e',
        message: expect.any(String),
      },
    });
  });

  it.each([
    [{ kind: 'skipped', reason: 'in_flight' }, 409, 'in_flight', true],
    [{ kind: 'skipped', reason: 'no_archive' }, 410, 'no_archive', false],
    [{ kind: 'skipped', reason: 'invalid_event_id' }, 400, 'invalid_field', false],
    [
      { kind: 'failed', cause: 'not_published', reason: 'not published: x' },
      503,
      'unavailable',
      true,
    ],
    [
      { kind: 'failed', cause: 'unreadable', reason: 'not gzip JSON' },
      422,
      'unreadable_delivery',
      false,
    ],
  ] as const)('answers %j with %i %s', (result, status, error, retry) => {
    const answer = replayOneAnswer(ID, { ...result, eventId: 'e' });
    expect(answer.status).toBe(status);
    expect(answer.body).toMatchObject({ error, deliveryId: ID, eventId: 'e' });
    expect(answer.headers?.['retry-after'] !== undefined).toBe(retry);
  });
});

describe('a range replay’s answer', () => {
  const delivery = (id: string) => ({ id }) as ArchivedDelivery;

  it('lists the failures with their delivery, up to MAX_LISTED_FAILURES', () => {
    const chunk = Array.from({ length: MAX_LISTED_FAILURES + 5 }, (_, index) => ({
      delivery: delivery(`d-${index}`),
      result:
        index === 0
          ? ({ kind: 'enqueued', eventId: 'e-0' } as const)
          : ({
              kind: 'failed',
              cause: 'not_published',
              reason: 'down',
              eventId: `e-${index}`,
            } as const),
    }));
    const kept = keepFailures([], chunk);
    expect(kept).toHaveLength(MAX_LISTED_FAILURES);
    expect(kept[0]).toEqual({ deliveryId: 'd-1', eventId: 'e-1', reason: 'down' });
    expect(keepFailures(kept, chunk)).toEqual(kept);
  });

  it('says where to go on only while deliveries remain', () => {
    const counts = tally([{ kind: 'enqueued', eventId: 'e' }]);
    const outcome = { matched: 3, tally: counts, remaining: 2, lastId: ID };
    expect(replayRangeBody(outcome, [])).toEqual({
      matched: 3,
      tally: counts,
      remaining: 2,
      continueAfter: ID,
      failures: [],
    });
    expect(replayRangeBody({ ...outcome, remaining: 0 }, []).continueAfter).toBeNull();
  });
});
