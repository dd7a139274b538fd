import { Headers } from './headers';
import {
  afterSlice,
  decideSlice,
  failureRecord,
  handleSlice,
  notDueUntil,
  readSlice,
  type Decoded,
} from './slice';

/** A fetched message: its offset, and a `bgs-not-before` when given. */
const message = (offset: string, notBefore?: number) => ({
  offset,
  headers: notBefore === undefined ? {} : { [Headers.notBefore]: Buffer.from(String(notBefore)) },
});
type Message = ReturnType<typeof message>;

/** Decodes offsets ending in 7 as failures and in 0 as tombstones; the rest as records. */
const decodeByOffset = jest.fn(async (m: Message): Promise<Decoded<string, string>> => {
  if (m.offset.endsWith('7')) return { failure: `bad ${m.offset}` };
  if (m.offset.endsWith('0')) return { skipped: true };
  return { pending: `record ${m.offset}` };
});

const reader = (overrides: { now?: () => number; abandoned?: () => boolean } = {}) => ({
  abandoned: () => false,
  now: () => 1_000,
  decode: decodeByOffset,
  ...overrides,
});

describe('notDueUntil', () => {
  it('is when the record is due while that is still to come', () => {
    expect(notDueUntil({ [Headers.notBefore]: '2000' }, 1_000)).toBe(2_000);
  });

  it.each([
    ['no header', {}],
    ['a time passed', { [Headers.notBefore]: '1000' }],
    ['a garbled header', { [Headers.notBefore]: 'soon' }],
  ])('is none for %s: the record is due', (_case, headers) => {
    expect(notDueUntil(headers, 1_000)).toBeUndefined();
  });
});

describe('readSlice', () => {
  beforeEach(() => decodeByOffset.mockClear());

  it('reads every due message in order, sorting records to handle, failures and tombstones', async () => {
    const slice = [message('35'), message('36', 900), message('37'), message('40'), message('41')];
    const read = await readSlice(slice, reader());
    expect(read).toEqual({
      pending: ['record 35', 'record 36', 'record 41'],
      failures: ['bad 37'],
      skipped: 1,
      last: slice[4],
      dueAt: undefined,
    });
  });

  it('stops at the first message not due yet, neither decoding it nor any after it', async () => {
    const slice = [message('35'), message('36', 5_000), message('38')];
    const read = await readSlice(slice, reader());
    expect(read).toEqual({
      pending: ['record 35'],
      failures: [],
      skipped: 0,
      last: slice[0],
      dueAt: 5_000,
    });
    expect(decodeByOffset).toHaveBeenCalledTimes(1);
  });

  it('reads nothing when its first message is not due yet', async () => {
    const read = await readSlice([message('35', 5_000), message('36')], reader());
    expect(read).toMatchObject({ pending: [], last: undefined, dueAt: 5_000 });
    expect(decodeByOffset).not.toHaveBeenCalled();
  });

  it('asks the time at each message: one that fell due while the others decoded is read', async () => {
    let clock = 1_000;
    const slice = [message('35'), message('36', 1_500)];
    const read = await readSlice(slice, reader({ now: () => (clock += 600) }));
    expect(read).toMatchObject({ pending: ['record 35', 'record 36'], dueAt: undefined });
  });

  it('is abandoned, reading no further, once the consumer stops or the batch goes stale', async () => {
    let checks = 0;
    const read = await readSlice(
      [message('35'), message('36'), message('38')],
      reader({ abandoned: () => ++checks > 2 }),
    );
    expect(read).toBeUndefined();
    expect(decodeByOffset).toHaveBeenCalledTimes(2);
  });

  it('is an empty read for an empty slice', async () => {
    expect(await readSlice([], reader())).toEqual({
      pending: [],
      failures: [],
      skipped: 0,
      last: undefined,
      dueAt: undefined,
    });
  });
});

describe('handleSlice', () => {
  /** A handler that fails any batch holding a record named in `bad`. */
  const handlerFailing = (...bad: string[]) =>
    jest.fn(async (records: readonly string[]) => {
      const failing = records.find((r) => bad.includes(r));
      if (failing) throw new Error(`cannot handle ${failing}`);
      return records.map((r) => `out ${r}`);
    });

  it('runs the handler once on the whole slice when it succeeds', async () => {
    const handler = handlerFailing();
    expect(await handleSlice(['a', 'b'], handler)).toEqual({
      outputs: ['out a', 'out b'],
      failed: [],
    });
    expect(handler.mock.calls).toEqual([[['a', 'b']]]);
  });

  it('does not run the handler on an empty slice', async () => {
    const handler = handlerFailing();
    expect(await handleSlice([], handler)).toEqual({ outputs: [], failed: [] });
    expect(handler).not.toHaveBeenCalled();
  });

  it('falls back to one record at a time when the slice fails, so the others still go through', async () => {
    const handler = handlerFailing('b', 'd');
    const failed = jest.fn();
    const fallingBack = jest.fn();
    const handled = await handleSlice(['a', 'b', 'c', 'd'], handler, { failed, fallingBack });
    expect(handled.outputs).toEqual(['out a', 'out c']);
    expect(handled.failed).toEqual([
      { index: 1, error: new Error('cannot handle b') },
      { index: 3, error: new Error('cannot handle d') },
    ]);
    expect(handler.mock.calls).toEqual([
      [['a', 'b', 'c', 'd']],
      [['a']],
      [['b']],
      [['c']],
      [['d']],
    ]);
    expect(fallingBack).toHaveBeenCalledWith(new Error('cannot handle b'), 4);
    expect(failed.mock.calls).toEqual([
      [1, new Error('cannot handle b')],
      [3, new Error('cannot handle d')],
    ]);
  });

  it('fails a slice of one record with the slice error, without running it again', async () => {
    const handler = handlerFailing('a');
    const failed = jest.fn();
    const fallingBack = jest.fn();
    const handled = await handleSlice(['a'], handler, { failed, fallingBack });
    expect(handled).toEqual({
      outputs: [],
      failed: [{ index: 0, error: new Error('cannot handle a') }],
    });
    expect(handler).toHaveBeenCalledTimes(1);
    expect(fallingBack).not.toHaveBeenCalled();
    expect(failed).toHaveBeenCalledWith(0, new Error('cannot handle a'));
  });

  it('runs the whole slice through `all` and each record alone through `one`', async () => {
    const ran: string[] = [];
    await handleSlice(['a', 'b'], handlerFailing('a'), {
      all: (work) => (ran.push('all'), work()),
      one: (index, work) => (ran.push(`one ${index}`), work()),
    });
    expect(ran).toEqual(['all', 'one 0', 'one 1']);
  });
});

describe('decideSlice', () => {
  const raw = (key: string | null) => ({
    key: key === null ? null : Buffer.from(key),
    value: Buffer.from('bytes'),
  });
  const retry = { kind: 'retry', topic: 'sink.retry.2s', headers: { 'bgs-attempt': '1' } } as const;
  const dead = { kind: 'dead_letter', topic: 'sink.dlq', headers: { 'bgs-attempt': '4' } } as const;
  const hold = { kind: 'hold', retryInMs: 2_000 } as const;
  const output = { topic: 'out', key: 'k', value: null };

  it('commits the outputs, then each failure to its retry tier or the dead-letter topic', () => {
    const routed = [
      { offset: '4', raw: raw('c1'), route: retry },
      { offset: '6', raw: raw(null), route: dead },
    ];
    expect(decideSlice([output], routed)).toEqual({
      kind: 'commit',
      records: [
        output,
        { topic: 'sink.retry.2s', key: 'c1', value: Buffer.from('bytes'), headers: retry.headers },
        { topic: 'sink.dlq', key: null, value: Buffer.from('bytes'), headers: dead.headers },
      ],
      sent: routed,
    });
  });

  it('commits just the outputs when nothing failed', () => {
    expect(decideSlice([output], [])).toEqual({ kind: 'commit', records: [output], sent: [] });
  });

  it('holds the partition at the first failure to hold: nothing of the slice is committed', () => {
    const routed = [
      { offset: '4', raw: raw('c1'), route: retry },
      { offset: '5', raw: raw('c2'), route: hold },
      { offset: '6', raw: raw('c3'), route: { kind: 'hold', retryInMs: 1_000 } as const },
    ];
    expect(decideSlice([output], routed)).toEqual({ kind: 'hold', hold: routed[1] });
  });
});

describe('failureRecord', () => {
  it('sends the record as it was delivered, to the route topic with the route headers', () => {
    const route = { kind: 'retry', topic: 't.retry.2s', headers: { a: '1' } } as const;
    expect(failureRecord({ key: Buffer.from('k'), value: null }, route)).toEqual({
      topic: 't.retry.2s',
      key: 'k',
      value: null,
      headers: { a: '1' },
    });
  });
});

describe('afterSlice', () => {
  it('goes on with the next slice once a slice is committed whole', () => {
    expect(afterSlice({ outcome: 'committed', dueAt: undefined })).toEqual({ kind: 'next' });
  });

  it('pauses the partition until the record it stopped at is due, committed or not', () => {
    expect(afterSlice({ outcome: 'committed', dueAt: 5_000 })).toEqual({
      kind: 'pause',
      until: 5_000,
    });
    expect(afterSlice({ outcome: undefined, dueAt: 5_000 })).toEqual({
      kind: 'pause',
      until: 5_000,
    });
  });

  it('stops the batch when the partition is held, without pausing it again', () => {
    expect(afterSlice({ outcome: 'held', dueAt: 5_000 })).toEqual({ kind: 'stop' });
    expect(afterSlice({ outcome: 'held', dueAt: undefined })).toEqual({ kind: 'stop' });
  });

  it('goes on when a slice had nothing to read', () => {
    expect(afterSlice({ outcome: undefined, dueAt: undefined })).toEqual({ kind: 'next' });
  });
});
