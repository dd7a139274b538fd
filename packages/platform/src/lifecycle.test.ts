import { ConfigError } from './config';
import {
  respondToSignal,
  runService,
  shutdownVerdict,
  type LifecyclePart,
  type ShutdownSignal,
} from './lifecycle';
import { captureLogs } from './test-support/log-capture';

function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Signals and exit, without touching the real process. */
function fakeProcess() {
  const listeners = new Map<ShutdownSignal, () => void>();
  const exit = jest.fn<void, [number]>();
  return {
    hooks: {
      onSignal: (signal: ShutdownSignal, listener: () => void) => listeners.set(signal, listener),
      exit,
    },
    exit,
    emit: (signal: ShutdownSignal) => listeners.get(signal)?.(),
  };
}

function recordingParts(names: string[], stopped: string[]): LifecyclePart[] {
  return names.map((name) => ({
    name,
    stop: async () => {
      stopped.push(name);
    },
  }));
}

describe('runService', () => {
  it('stops the parts in reverse start order on SIGTERM, logs each step and exits 0', async () => {
    const logs = captureLogs();
    const proc = fakeProcess();
    const stopped: string[] = [];
    const result = runService({
      name: 'sink',
      logger: logs.logger,
      shutdownTimeoutMs: 5_000,
      hooks: proc.hooks,
      start: async () => recordingParts(['http', 'producer', 'consumer'], stopped),
    });
    await logs.waitFor((e) => e.event === 'started');
    expect(stopped).toEqual([]);

    proc.emit('SIGTERM');

    await expect(result).resolves.toBe(0);
    expect(stopped).toEqual(['consumer', 'producer', 'http']);
    expect(proc.exit.mock.calls).toEqual([[0]]);
    expect(logs.entries.filter((e) => e.event === 'part_stopped').map((e) => e.part)).toEqual([
      'consumer',
      'producer',
      'http',
    ]);
    expect(logs.entries.at(-1)).toMatchObject({ event: 'shutdown_complete', level: 'info' });
  });

  it('shuts down on SIGINT too', async () => {
    const logs = captureLogs();
    const proc = fakeProcess();
    const stopped: string[] = [];
    const result = runService({
      name: 'sink',
      logger: logs.logger,
      shutdownTimeoutMs: 5_000,
      hooks: proc.hooks,
      start: async () => recordingParts(['a', 'b'], stopped),
    });
    await logs.waitFor((e) => e.event === 'started');
    proc.emit('SIGINT');
    await expect(result).resolves.toBe(0);
    expect(stopped).toEqual(['b', 'a']);
  });

  it('exits 1 when stopping takes longer than the timeout', async () => {
    const logs = captureLogs();
    const proc = fakeProcess();
    const stopped: string[] = [];
    const result = runService({
      name: 'enricher',
      logger: logs.logger,
      shutdownTimeoutMs: 50,
      hooks: proc.hooks,
      start: async () => [
        ...recordingParts(['http'], stopped),
        { name: 'stuck consumer', stop: () => new Promise<void>(() => undefined) },
      ],
    });
    await logs.waitFor((e) => e.event === 'started');
    proc.emit('SIGTERM');

    await expect(result).resolves.toBe(1);
    expect(proc.exit.mock.calls).toEqual([[1]]);
    expect(stopped).toEqual([]);
    expect(logs.entries.find((e) => e.event === 'shutdown_timeout')).toMatchObject({
      level: 'error',
      message: 'shutdown did not finish within 50 ms',
    });
  });

  it('keeps stopping the other parts when one fails, then exits 1', async () => {
    const logs = captureLogs();
    const proc = fakeProcess();
    const stopped: string[] = [];
    const result = runService({
      name: 'refresher',
      logger: logs.logger,
      shutdownTimeoutMs: 5_000,
      hooks: proc.hooks,
      start: async () => [
        ...recordingParts(['http'], stopped),
        {
          name: 'producer',
          stop: async () => {
            throw new Error('broker gone');
          },
        },
        ...recordingParts(['consumer'], stopped),
      ],
    });
    await logs.waitFor((e) => e.event === 'started');
    proc.emit('SIGTERM');

    await expect(result).resolves.toBe(1);
    expect(stopped).toEqual(['consumer', 'http']);
    expect(logs.entries.find((e) => e.event === 'part_stop_failed')).toMatchObject({
      part: 'producer',
      error: { message: 'broker gone' },
    });
  });

  it('ignores (and logs) a second signal during shutdown', async () => {
    const logs = captureLogs();
    const proc = fakeProcess();
    const stopCalled = deferred();
    const release = deferred();
    let stops = 0;
    const result = runService({
      name: 'ingress',
      logger: logs.logger,
      shutdownTimeoutMs: 5_000,
      hooks: proc.hooks,
      start: async () => [
        {
          name: 'consumer',
          stop: async () => {
            stops += 1;
            stopCalled.resolve();
            await release.promise;
          },
        },
      ],
    });
    await logs.waitFor((e) => e.event === 'started');

    proc.emit('SIGTERM');
    await stopCalled.promise;
    proc.emit('SIGINT');
    proc.emit('SIGTERM');
    release.resolve();

    await expect(result).resolves.toBe(0);
    expect(stops).toBe(1);
    expect(proc.exit.mock.calls).toEqual([[0]]);
    expect(logs.entries.filter((e) => e.event === 'signal_ignored').map((e) => e.signal)).toEqual([
      'SIGINT',
      'SIGTERM',
    ]);
  });

  it('stops once start-up completes when the signal arrives during start-up', async () => {
    const logs = captureLogs();
    const proc = fakeProcess();
    const stopped: string[] = [];
    const startCalled = deferred();
    const finishStart = deferred();
    const result = runService({
      name: 'sink',
      logger: logs.logger,
      shutdownTimeoutMs: 5_000,
      hooks: proc.hooks,
      start: async () => {
        startCalled.resolve();
        await finishStart.promise;
        return recordingParts(['http', 'producer'], stopped);
      },
    });
    await startCalled.promise;
    proc.emit('SIGTERM');
    expect(stopped).toEqual([]);
    finishStart.resolve();

    await expect(result).resolves.toBe(0);
    expect(stopped).toEqual(['producer', 'http']);
    expect(logs.entries.some((e) => e.event === 'shutdown_deferred')).toBe(true);
  });

  it('logs a ConfigError as one line without a stack and exits 1', async () => {
    const logs = captureLogs();
    const proc = fakeProcess();
    const error = new ConfigError([
      { variable: 'HTTP_PORT', message: 'expected an integer from 1 to 65535, got "abc"' },
    ]);
    const result = runService({
      name: 'ingress',
      logger: logs.logger,
      shutdownTimeoutMs: 5_000,
      hooks: proc.hooks,
      start: () => Promise.reject(error),
    });

    await expect(result).resolves.toBe(1);
    expect(proc.exit.mock.calls).toEqual([[1]]);
    expect(logs.lines).toHaveLength(1);
    expect(logs.entries[0]).toMatchObject({
      level: 'error',
      event: 'startup_failed',
      message: 'Invalid configuration: HTTP_PORT: expected an integer from 1 to 65535, got "abc"',
    });
    expect(logs.lines[0]).not.toContain('stack');
  });

  it('logs any other start-up failure with its cause and exits 1', async () => {
    const logs = captureLogs();
    const proc = fakeProcess();
    const result = runService({
      name: 'sink',
      logger: logs.logger,
      shutdownTimeoutMs: 5_000,
      hooks: proc.hooks,
      start: async () => {
        throw new Error('Connection refused 127.0.0.1:59092');
      },
    });

    await expect(result).resolves.toBe(1);
    expect(logs.entries).toHaveLength(1);
    expect(logs.entries[0]).toMatchObject({
      message: 'sink failed to start',
      error: { message: 'Connection refused 127.0.0.1:59092' },
    });
  });
});

describe('respondToSignal', () => {
  it('shuts down on the first signal, once start-up is done or after it completes', () => {
    expect(respondToSignal({ shutdownRequested: false, started: true })).toBe('shut_down');
    expect(respondToSignal({ shutdownRequested: false, started: false })).toBe(
      'shut_down_after_start',
    );
  });

  it('ignores any later signal, started or not', () => {
    expect(respondToSignal({ shutdownRequested: true, started: true })).toBe('ignore');
    expect(respondToSignal({ shutdownRequested: true, started: false })).toBe('ignore');
  });
});

describe('shutdownVerdict', () => {
  it('exits 0 with an info line when every part stopped', () => {
    expect(shutdownVerdict('sink', 0)).toEqual({
      code: 0,
      level: 'info',
      event: 'shutdown_complete',
      message: 'sink shut down cleanly',
    });
  });

  it('exits 1 with an error line when any part failed to stop', () => {
    for (const failures of [1, 3]) {
      expect(shutdownVerdict('sink', failures)).toEqual({
        code: 1,
        level: 'error',
        event: 'shutdown_failed',
        message: 'sink shut down with errors',
      });
    }
  });
});
