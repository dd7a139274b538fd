import { cachedCheck, createReadiness, type HealthCheck } from './health';
import { captureLogs } from './test-support/log-capture';

function controllableCheck(name = 'dep') {
  let healthy = true;
  const check = jest.fn(async () => {
    if (!healthy) throw new Error(`${name} unreachable`);
  });
  return {
    check: { name, check } satisfies HealthCheck,
    calls: () => check.mock.calls.length,
    setHealthy: (value: boolean) => {
      healthy = value;
    },
  };
}

describe('cachedCheck', () => {
  it('reuses a result within the TTL and probes again after it', async () => {
    let now = 1_000;
    const dep = controllableCheck();
    const cached = cachedCheck(dep.check, { ttlMs: 5_000, now: () => now });

    await cached.check();
    await cached.check();
    expect(dep.calls()).toBe(1);

    dep.setHealthy(false);
    now += 4_999;
    await expect(cached.check()).resolves.toBeUndefined();
    now += 1;
    await expect(cached.check()).rejects.toThrow('dep unreachable');
    expect(dep.calls()).toBe(2);
  });

  it('caches failures too', async () => {
    const dep = controllableCheck();
    dep.setHealthy(false);
    const cached = cachedCheck(dep.check, { ttlMs: 60_000 });
    await expect(cached.check()).rejects.toThrow('dep unreachable');
    await expect(cached.check()).rejects.toThrow('dep unreachable');
    expect(dep.calls()).toBe(1);
  });

  it('shares one probe between concurrent callers', async () => {
    const dep = controllableCheck();
    const cached = cachedCheck(dep.check);
    await Promise.all([cached.check(), cached.check(), cached.check()]);
    expect(dep.calls()).toBe(1);
  });

  it('fails a probe that takes longer than the timeout, without starting another', async () => {
    let release!: () => void;
    const slow = jest.fn(() => new Promise<void>((resolve) => (release = resolve)));
    const cached = cachedCheck({ name: 'kafka', check: slow }, { timeoutMs: 20, ttlMs: 0 });

    await expect(cached.check()).rejects.toThrow('kafka did not answer within 20 ms');
    await expect(cached.check()).rejects.toThrow('did not answer');
    expect(slow).toHaveBeenCalledTimes(1);
    release();
  });
});

describe('createReadiness', () => {
  it('is not ready before start-up has finished, nor once draining', async () => {
    const logs = captureLogs();
    const readiness = createReadiness([controllableCheck().check], logs.logger);
    expect(await readiness.isReady()).toBe(false);
    readiness.markStarted();
    expect(await readiness.isReady()).toBe(true);
    readiness.markDraining();
    expect(await readiness.isReady()).toBe(false);
  });

  it('needs every check to pass and logs which ones fail, once per change', async () => {
    const logs = captureLogs();
    const kafka = controllableCheck('kafka');
    const postgres = controllableCheck('postgres');
    const readiness = createReadiness([kafka.check], logs.logger);
    readiness.addCheck(postgres.check);
    readiness.markStarted();

    expect(await readiness.isReady()).toBe(true);
    postgres.setHealthy(false);
    expect(await readiness.isReady()).toBe(false);
    expect(await readiness.isReady()).toBe(false);
    postgres.setHealthy(true);
    expect(await readiness.isReady()).toBe(true);

    const changes = logs.entries.filter((e) => e.event === 'readiness_changed');
    expect(changes.map((e) => e.ready)).toEqual([true, false, true]);
    expect(changes[1]).toMatchObject({
      level: 'warn',
      failures: [{ check: 'postgres', error: { message: 'postgres unreachable' } }],
    });
  });
});
