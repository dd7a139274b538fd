import {
  clusterPlan,
  nextRestart,
  runsBackgroundJobs,
  shutdownExitCode,
  stopDeadlineMs,
  WORKER_INDEX_VARIABLE,
  workerRole,
  type WorkerExit,
} from './policy';

const required = { WEBHOOK_SOURCES_FILE: '/etc/bgs/webhook-sources.json' };

describe('clusterPlan', () => {
  it('runs one plain process by default and with INGRESS_WORKERS=1: no primary at all', () => {
    expect(clusterPlan(required)).toBeUndefined();
    expect(clusterPlan({ ...required, INGRESS_WORKERS: '1' })).toBeUndefined();
  });

  it('runs a primary for more, with the log level and shutdown timeout of the service', () => {
    expect(
      clusterPlan({
        ...required,
        INGRESS_WORKERS: '3',
        LOG_LEVEL: 'warn',
        SHUTDOWN_TIMEOUT_MS: '9000',
      }),
    ).toEqual({ workers: 3, logLevel: 'warn', shutdownTimeoutMs: 9000 });
  });

  it('leaves a bad configuration to launchService, which reports it once, rather than fork on it', () => {
    expect(clusterPlan({ INGRESS_WORKERS: '3' })).toBeUndefined();
    expect(clusterPlan({ ...required, INGRESS_WORKERS: '3', HTTP_PORT: 'x' })).toBeUndefined();
    expect(clusterPlan({ ...required, INGRESS_WORKERS: 'many' })).toBeUndefined();
  });
});

describe('workerRole', () => {
  it('is no role outside a cluster worker, whatever the environment says', () => {
    expect(workerRole(false, { [WORKER_INDEX_VARIABLE]: '2' })).toBeUndefined();
  });

  it('reads the slot the primary gave the worker', () => {
    expect(workerRole(true, { [WORKER_INDEX_VARIABLE]: '0' })).toEqual({ index: 0 });
    expect(workerRole(true, { [WORKER_INDEX_VARIABLE]: '5' })).toEqual({ index: 5 });
  });

  it('refuses a worker forked without one, naming the variable', () => {
    expect(() => workerRole(true, {})).toThrow(WORKER_INDEX_VARIABLE);
    expect(() => workerRole(true, { [WORKER_INDEX_VARIABLE]: '-1' })).toThrow(
      WORKER_INDEX_VARIABLE,
    );
  });
});

describe('runsBackgroundJobs', () => {
  it('a plain process and worker 0 run the archive sweeper, the other workers do not', () => {
    expect(runsBackgroundJobs(undefined)).toBe(true);
    expect(runsBackgroundJobs({ index: 0 })).toBe(true);
    expect(runsBackgroundJobs({ index: 1 })).toBe(false);
  });
});

describe('nextRestart', () => {
  const backoff = { initialMs: 500, maxMs: 30_000, stableAfterMs: 60_000 };

  it('doubles the wait while a worker keeps dying soon after it starts, up to the cap', () => {
    let failures = 0;
    const delays: number[] = [];
    for (let i = 0; i < 9; i++) {
      const next = nextRestart(failures, 1_000, backoff);
      failures = next.failures;
      delays.push(next.delayMs);
    }
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });

  it('starts counting again after a worker that had run a while', () => {
    expect(nextRestart(6, 60_000, backoff)).toEqual({ failures: 1, delayMs: 500 });
    expect(nextRestart(6, 59_999, backoff)).toEqual({ failures: 7, delayMs: 30_000 });
  });
});

describe('shutdownExitCode', () => {
  const exit = (code: number | null, signal: string | null): WorkerExit => ({
    worker: 0,
    pid: 1234,
    code,
    signal,
  });

  it('is 0 when every worker exited 0', () => {
    expect(shutdownExitCode([exit(0, null), exit(0, null)], 'SIGTERM')).toBe(0);
    expect(shutdownExitCode([], 'SIGTERM')).toBe(0);
  });

  it('is 1 when a worker failed to stop cleanly or had to be killed', () => {
    expect(shutdownExitCode([exit(0, null), exit(1, null)], 'SIGTERM')).toBe(1);
    expect(shutdownExitCode([exit(0, null), exit(null, 'SIGKILL')], 'SIGTERM')).toBe(1);
  });

  it('counts a worker that died of the forwarded signal itself as stopped: it was still loading', () => {
    expect(shutdownExitCode([exit(null, 'SIGTERM')], 'SIGTERM')).toBe(0);
    expect(shutdownExitCode([exit(null, 'SIGTERM')], 'SIGINT')).toBe(1);
  });
});

describe('stopDeadlineMs', () => {
  it('gives the workers their own shutdown timeout and a little more', () => {
    expect(stopDeadlineMs(15_000)).toBe(20_000);
  });
});
