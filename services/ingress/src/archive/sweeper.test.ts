import type { Pool, QueryConfig } from 'pg';
import { createLogger } from '@bgs/platform';
import { Writable } from 'node:stream';
import { startArchiveSweeper } from './sweeper';

const quiet = createLogger({
  service: 'test',
  stream: new Writable({ write: (_chunk, _encoding, done) => done() }),
});

describe('startArchiveSweeper', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('drains a backlog in batches, then waits the interval; a failure waits the interval too', async () => {
    const removedPerSweep = [2, 2, 1, new Error('connection refused'), 0];
    const cutoffs: Date[] = [];
    const pool = {
      query: async (config: QueryConfig) => {
        cutoffs.push(config.values?.[0] as Date);
        expect(config.values?.[1]).toBe(2);
        const next = removedPerSweep.shift();
        if (next instanceof Error) throw next;
        return { rowCount: next ?? 0 };
      },
    } as unknown as Pick<Pool, 'query'>;
    const sweeper = startArchiveSweeper({
      pool,
      retentionDays: 7,
      pacing: { batchSize: 2, intervalMs: 60_000, backlogPauseMs: 100 },
      logger: quiet,
      now: () => Date.parse('2026-12-08T00:00:00Z'),
    });
    await jest.advanceTimersByTimeAsync(100); // first sweep: full batch
    await jest.advanceTimersByTimeAsync(100); // full again
    await jest.advanceTimersByTimeAsync(100); // partial: then the interval
    expect(cutoffs).toHaveLength(3);
    await jest.advanceTimersByTimeAsync(59_999);
    expect(cutoffs).toHaveLength(3);
    await jest.advanceTimersByTimeAsync(1); // fails
    await jest.advanceTimersByTimeAsync(60_000);
    expect(cutoffs).toHaveLength(5);
    expect(cutoffs[0]?.toISOString()).toBe('2026-12-01T00:00:00.000Z');
    await sweeper.stop();
    await jest.advanceTimersByTimeAsync(600_000);
    expect(cutoffs).toHaveLength(5);
  });
});
