import { Backoffs } from 'bullmq';
import { JOB_NAME, refreshJobOptions, refreshJobs } from './jobs';

describe('refreshJobOptions', () => {
  it('tries 4 times, retrying after 2 s, 4 s and 8 s as BullMQ computes its exponential backoff', () => {
    const options = refreshJobOptions('co-1', 0);
    expect(options.attempts).toBe(4);
    if (options.backoff === undefined) throw new Error('no backoff');
    const backoff = Backoffs.normalize(options.backoff);
    if (backoff === undefined) throw new Error('no backoff');
    const delays = [1, 2, 3].map((attemptsMade) =>
      Backoffs.calculate(backoff, attemptsMade, new Error('x'), undefined as never, undefined),
    );
    expect(delays).toEqual([2000, 4000, 8000]);
  });

  it('throttles per company with deduplication when the limit is on', () => {
    expect(refreshJobOptions('co-1', 3_600_000).deduplication).toEqual({
      id: 'company:co-1',
      ttl: 3_600_000,
    });
    expect(refreshJobOptions('co-2', 500).deduplication?.id).toBe('company:co-2');
  });

  it('has no limit option at all when the limit is 0', () => {
    const options = refreshJobOptions('co-1', 0);
    expect(options).not.toHaveProperty('deduplication');
    expect(options).not.toHaveProperty('jobId');
  });

  it('keeps finished jobs bounded', () => {
    const options = refreshJobOptions('co-1', 0);
    expect(options.removeOnComplete).toEqual(expect.any(Number));
    expect(options.removeOnFail).toEqual(expect.any(Number));
  });
});

describe('refreshJobs', () => {
  it('makes one job per company, carrying the event id and acceptance time', () => {
    const jobs = refreshJobs(['co-old', 'co-new'], 'evt-9', 1234, 0);
    expect(jobs.map((job) => job.name)).toEqual([JOB_NAME, JOB_NAME]);
    expect(jobs.map((job) => job.data)).toEqual([
      { companyId: 'co-old', eventId: 'evt-9', acceptedAt: 1234 },
      { companyId: 'co-new', eventId: 'evt-9', acceptedAt: 1234 },
    ]);
  });

  it('gives each company its own limit key', () => {
    const jobs = refreshJobs(['co-old', 'co-new'], 'evt-9', 1234, 60_000);
    expect(jobs.map((job) => job.opts.deduplication?.id)).toEqual([
      'company:co-old',
      'company:co-new',
    ]);
  });
});
