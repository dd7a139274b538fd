import { tally } from '../archive/replay-tally';
import { rangeReplayLogMeta, replayLogLine } from './operator-log';

const ID = '0b6f3a52-3f0e-4a57-9d4e-3c1c3f2b9a10';
const CONTEXT = { apiKeyId: 'op-key', deliveryId: ID, source: 'github' };

describe('replayLogLine', () => {
  it('logs a replay as info, with the warning of one Kafka holds but that went wrong after', () => {
    expect(replayLogLine('op-key', ID, 'github', { kind: 'enqueued', eventId: 'e-1' })).toEqual({
      level: 'info',
      message: 'delivery replayed',
      meta: { ...CONTEXT, eventId: 'e-1', outcome: 'enqueued' },
    });
    expect(
      replayLogLine('op-key', ID, 'github', { kind: 'enqueued', eventId: 'e-1', warning: 'w' })
        .meta,
    ).toEqual({ ...CONTEXT, eventId: 'e-1', outcome: 'enqueued', warning: 'w' });
  });

  it('names a skip by its reason', () => {
    const line = replayLogLine('op-key', ID, 'github', {
      kind: 'skipped',
      reason: 'in_flight',
      eventId: 'e-1',
    });
    expect(line).toEqual({
      level: 'info',
      message: 'delivery replayed',
      meta: { ...CONTEXT, eventId: 'e-1', outcome: 'in_flight' },
    });
  });

  it('warns of a failure with why', () => {
    const line = replayLogLine('op-key', ID, 'github', {
      kind: 'failed',
      cause: 'not_published',
      reason: 'not published: broker down',
      eventId: 'e-1',
    });
    expect(line).toEqual({
      level: 'warn',
      message: 'delivery not replayed',
      meta: { ...CONTEXT, eventId: 'e-1', outcome: 'failed', error: 'not published: broker down' },
    });
  });
});

describe('rangeReplayLogMeta', () => {
  it('says who replayed which range, the tally and what remains', () => {
    const since = new Date('2026-01-01T00:00:00Z');
    const until = new Date('2026-01-02T00:00:00Z');
    const counts = tally([{ kind: 'enqueued', eventId: 'e-1' }]);
    const meta = rangeReplayLogMeta(
      'op-key',
      { filter: { since, until, source: 'github' }, identity: { kind: 'same' }, limit: 10 },
      { matched: 3, tally: counts, remaining: 2, lastId: ID },
    );
    expect(meta).toEqual({
      apiKeyId: 'op-key',
      since: '2026-01-01T00:00:00.000Z',
      until: '2026-01-02T00:00:00.000Z',
      source: 'github',
      ...counts,
      remaining: 2,
    });
  });
});
