import type { Logger } from 'winston';
import { ApiError } from './http';
import type { RefreshClaims, RefreshRequestRow } from './refresh-claims';
import {
  answerDuplicateRefresh,
  duplicateStep,
  keyReusedElsewhere,
  publishClaimedRefresh,
  refreshRecordOf,
  type RefreshFlow,
} from './refresh-request';

const row = (overrides: Partial<RefreshRequestRow> = {}): RefreshRequestRow => ({
  id: 'r-1',
  workspaceId: 'ws',
  companyId: 'co',
  apiKeyId: 'key',
  idempotencyKey: 'idem',
  level: 'enrich',
  reason: 'asked',
  status: 'claimed',
  requestedAt: new Date(1_000),
  enqueuedAt: null,
  ...overrides,
});

type LogLine = [level: 'info' | 'warn' | 'error', message: string, meta: object];

/** A flow on fakes: `reads` are what findRefreshByIdempotencyKey answers, in turn. */
function fakeFlow(
  options: {
    publish?: () => Promise<void>;
    release?: () => Promise<void>;
    mark?: () => Promise<void>;
    takeOver?: RefreshRequestRow;
    reads?: (RefreshRequestRow | undefined)[];
    claimWaitMs?: number;
  } = {},
) {
  const logs: LogLine[] = [];
  const calls: string[] = [];
  const published: unknown[] = [];
  const reads = [...(options.reads ?? [])];
  const store: RefreshClaims = {
    claimRefresh: () => Promise.reject(new Error('not used')),
    markRefreshEnqueued: async (id) => {
      calls.push(`mark ${id}`);
      await options.mark?.();
    },
    releaseRefresh: async (id) => {
      calls.push(`release ${id}`);
      await options.release?.();
    },
    findRefreshByIdempotencyKey: async (workspaceId, key) => {
      calls.push(`find ${workspaceId} ${key}`);
      return reads.shift();
    },
    takeOverStaleRefresh: async (id, timeoutMs) => {
      calls.push(`takeOver ${id} ${timeoutMs}`);
      return options.takeOver;
    },
  };
  const logger = Object.fromEntries(
    (['info', 'warn', 'error'] as const).map((level) => [
      level,
      (message: string, meta: object) => logs.push([level, message, meta]),
    ]),
  ) as unknown as Logger;
  const flow: RefreshFlow = {
    store,
    publisher: {
      publish: async (key, value) => {
        published.push({ key, value });
        await options.publish?.();
      },
    },
    logger,
    now: () => 10_000,
    claimWaitMs: options.claimWaitMs ?? 1_000,
    claimPollMs: 0,
    claimTimeoutMs: 30_000,
  };
  return { flow, logs, calls, published };
}

const rejects = (message: string) => () => Promise.reject(new Error(message));

async function statusOfFailure(promise: Promise<unknown>): Promise<number> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(error)}`);
  return error.status;
}

describe('refreshRecordOf', () => {
  it('carries the row under its id, with the asked level and the claim time in ms', () => {
    expect(refreshRecordOf(row(), 'identify')).toEqual({
      requestId: 'r-1',
      workspaceId: 'ws',
      companyId: 'co',
      level: 'identify',
      reason: 'asked',
      requestedBy: 'key',
      requestedAt: 1_000,
    });
  });
});

describe('keyReusedElsewhere', () => {
  it('is a misuse for another company or level, not for the same request', () => {
    expect(keyReusedElsewhere(row(), 'co', 'enrich')).toBe(false);
    expect(keyReusedElsewhere(row(), 'other', 'enrich')).toBe(true);
    expect(keyReusedElsewhere(row(), 'co', 'identify')).toBe(true);
  });
});

describe('duplicateStep', () => {
  it('answers once enqueued, awaits a claim, and gives up on a released or replaced row', () => {
    const first = row();
    expect(duplicateStep(first, row({ status: 'enqueued' }))).toBe('answer');
    expect(duplicateStep(first, first)).toBe('await_claim');
    expect(duplicateStep(first, undefined)).toBe('gone');
    expect(duplicateStep(first, row({ id: 'r-2', status: 'enqueued' }))).toBe('gone');
  });
});

describe('publishClaimedRefresh', () => {
  it('answers 202 once published and marked, keyed by the company', async () => {
    const { flow, calls, published, logs } = fakeFlow();
    expect(await publishClaimedRefresh(flow, row(), 'enrich')).toEqual({
      status: 202,
      body: { status: 'enqueued', requestId: 'r-1' },
    });
    expect(published).toEqual([
      { key: 'co', value: expect.objectContaining({ requestId: 'r-1' }) },
    ]);
    expect(calls).toEqual(['mark r-1']);
    expect(logs).toEqual([
      [
        'info',
        'refresh request enqueued',
        { requestId: 'r-1', companyId: 'co', workspaceId: 'ws', level: 'enrich' },
      ],
    ]);
  });

  it('releases the claim and answers 503 when Kafka does not take the record', async () => {
    const { flow, calls, logs } = fakeFlow({ publish: rejects('broker down') });
    expect(await statusOfFailure(publishClaimedRefresh(flow, row(), 'enrich'))).toBe(503);
    expect(calls).toEqual(['release r-1']);
    expect(logs.map(([level, message]) => [level, message])).toEqual([
      ['warn', 'refresh request not published'],
    ]);
  });

  it('still answers 503 when the release fails too, and says so', async () => {
    const { flow, logs } = fakeFlow({ publish: rejects('down'), release: rejects('db down') });
    expect(await statusOfFailure(publishClaimedRefresh(flow, row(), 'enrich'))).toBe(503);
    expect(logs.map(([level, message]) => [level, message])).toEqual([
      ['warn', 'refresh request not published'],
      ['error', 'could not release a refresh request claim'],
    ]);
  });

  it('answers 202 when Kafka holds the record but the mark failed', async () => {
    const { flow, logs } = fakeFlow({ mark: rejects('db down') });
    expect((await publishClaimedRefresh(flow, row(), 'enrich')).status).toBe(202);
    expect(logs.map(([level, message]) => [level, message])).toEqual([
      ['error', 'refresh request published but not marked enqueued'],
      ['info', 'refresh request enqueued'],
    ]);
  });
});

describe('answerDuplicateRefresh', () => {
  it('answers 422 to a key reused for another company, before any query', async () => {
    const { flow, calls } = fakeFlow();
    expect(await statusOfFailure(answerDuplicateRefresh(flow, row(), 'other', 'enrich'))).toBe(422);
    expect(calls).toEqual([]);
  });

  it('answers 200 with the first request once it is enqueued', async () => {
    const { flow, calls } = fakeFlow();
    const first = row({ status: 'enqueued' });
    expect(await answerDuplicateRefresh(flow, first, 'co', 'enrich')).toEqual({
      status: 200,
      body: { status: 'already_enqueued', requestId: 'r-1' },
    });
    expect(calls).toEqual([]);
  });

  it('asks the database to take a claim over with the timeout alone, and publishes what it took', async () => {
    const { flow, calls, logs } = fakeFlow({ takeOver: row() });
    expect(await answerDuplicateRefresh(flow, row(), 'co', 'enrich')).toEqual({
      status: 202,
      body: { status: 'enqueued', requestId: 'r-1' },
    });
    expect(calls).toEqual(['takeOver r-1 30000', 'mark r-1']);
    expect(logs[0]).toEqual([
      'warn',
      'took over an abandoned refresh request claim',
      { requestId: 'r-1' },
    ]);
  });

  it('waits while the claim is live, then answers 200 once the first request is enqueued', async () => {
    const { flow, calls } = fakeFlow({ reads: [row(), row({ status: 'enqueued' })] });
    expect((await answerDuplicateRefresh(flow, row(), 'co', 'enrich')).status).toBe(200);
    expect(calls).toEqual([
      'takeOver r-1 30000',
      'find ws idem',
      'takeOver r-1 30000',
      'find ws idem',
    ]);
  });

  it('answers 503 when the first request gave its claim up', async () => {
    const { flow } = fakeFlow({ reads: [undefined] });
    expect(await statusOfFailure(answerDuplicateRefresh(flow, row(), 'co', 'enrich'))).toBe(503);
  });

  it('answers 503 once the wait is over and the claim is still live', async () => {
    const { flow, calls } = fakeFlow({ claimWaitMs: 0 });
    expect(await statusOfFailure(answerDuplicateRefresh(flow, row(), 'co', 'enrich'))).toBe(503);
    expect(calls).toEqual(['takeOver r-1 30000']);
  });
});
