import { DEFAULT_LIST_LIMIT, parseDeliveriesArgs } from './deliveries-args';
import { UsageError } from './run';

const ID = '0b6f3a52-3f0e-4a57-9d4e-3c1c3f2b9a10';
const usageError = (argv: string[]): string => {
  try {
    parseDeliveriesArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  throw new Error(`no usage error for ${argv.join(' ')}`);
};

describe('parseDeliveriesArgs', () => {
  it('lists with every filter, or with none', () => {
    expect(parseDeliveriesArgs(['list'])).toEqual({
      kind: 'list',
      filter: {},
      limit: DEFAULT_LIST_LIMIT,
      json: false,
    });
    expect(
      parseDeliveriesArgs([
        'list',
        '--source',
        'acme',
        '--type',
        'person.role_change',
        '--status',
        'enqueued',
        '--since',
        '2026-12-01',
        '--until',
        '2026-12-02T09:30:00Z',
        '--limit',
        '10',
        '--json',
      ]),
    ).toEqual({
      kind: 'list',
      filter: {
        source: 'acme',
        eventType: 'person.role_change',
        status: 'enqueued',
        since: new Date('2026-12-01T00:00:00.000Z'),
        until: new Date('2026-12-02T09:30:00.000Z'),
      },
      limit: 10,
      json: true,
    });
  });

  it('shows and replays one delivery by id, under its own event id or a new one', () => {
    expect(parseDeliveriesArgs(['show', ID, '--json'])).toEqual({
      kind: 'show',
      id: ID,
      json: true,
    });
    expect(parseDeliveriesArgs(['replay', ID.toUpperCase()])).toEqual({
      kind: 'replay-one',
      id: ID,
      identity: { kind: 'same' },
    });
    expect(parseDeliveriesArgs(['replay', ID, '--as', 'evt_1-fix'])).toEqual({
      kind: 'replay-one',
      id: ID,
      identity: { kind: 'as', eventId: 'evt_1-fix' },
    });
  });

  it('replays a range, with an optional source and prefix', () => {
    expect(
      parseDeliveriesArgs([
        'replay',
        '--since',
        '2026-12-01T00:00:00Z',
        '--until',
        '2026-12-01T06:00:00Z',
        '--source',
        'acme',
        '--as-prefix',
        'fix-1:',
      ]),
    ).toEqual({
      kind: 'replay-range',
      filter: {
        source: 'acme',
        since: new Date('2026-12-01T00:00:00Z'),
        until: new Date('2026-12-01T06:00:00Z'),
      },
      identity: { kind: 'prefix', prefix: 'fix-1:' },
    });
  });

  it('answers help', () => {
    expect(parseDeliveriesArgs(['--help'])).toEqual({ kind: 'help' });
    expect(parseDeliveriesArgs(['help'])).toEqual({ kind: 'help' });
  });

  it.each([
    [[], 'no command given'],
    [['purge'], 'unknown command "purge"'],
    [['list', '--as', 'x'], 'list does not take --as'],
    [['list', 'extra'], 'unexpected argument "extra"'],
    [['list', '--status', 'lost'], '--status must be one of: claimed, enqueued'],
    [['list', '--type', 'person.birthday'], '--type must be one of'],
    [['list', '--limit', '0'], '--limit must be an integer from 1 to 10000'],
    [['list', '--since', '1733000000'], '--since must be an ISO date'],
    [['list', '--until', '2026-12-01T09:00:00'], '--until must be an ISO date'],
    [['list', '--since', '2026-12-02', '--until', '2026-12-01'], '--since must be before --until'],
    [['show'], 'show takes exactly one delivery id'],
    [['show', 'evt_1'], '"evt_1" is not a delivery id (a UUID)'],
    [['replay', ID, '--as', 'has space'], '--as must be 1 to 200 characters'],
    [['replay', ID, '--as-prefix', 'p'], 'replay does not take --as-prefix'],
    [
      ['replay', '--since', '2026-12-01'],
      'replay takes a delivery id, or both --since and --until',
    ],
    [
      ['replay', '--since', '2026-12-01', '--until', '2026-12-02', '--as', 'x'],
      'replay does not take --as',
    ],
    [
      ['replay', '--since', '2026-12-01', '--until', '2026-12-02', '--as-prefix', 'a/b'],
      '--as-prefix must be',
    ],
    [['list', '--bogus'], "Unknown option '--bogus'"],
  ])('refuses %j', (argv, message) => {
    expect(usageError(argv)).toContain(message);
  });
});
