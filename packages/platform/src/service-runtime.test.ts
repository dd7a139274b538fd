import { baseServiceConfigShape, z } from './config';
import { launchService } from './service-runtime';
import { captureLogs } from './test-support/log-capture';

describe('launchService', () => {
  it('exits 1 with one log line naming the bad variable when the config is invalid', async () => {
    const logs = captureLogs();
    const exit = jest.fn();
    const code = await launchService(
      { name: 'ingress', configSchema: z.object(baseServiceConfigShape('ingress', 58100)) },
      {
        env: { HTTP_PORT: 'abc', KAFKA_BROKERS: '127.0.0.1:59092' },
        hooks: { exit, onSignal: () => undefined },
        logStream: logs.stream,
      },
    );

    expect(code).toBe(1);
    expect(exit).toHaveBeenCalledWith(1);
    expect(logs.entries).toEqual([
      expect.objectContaining({
        level: 'error',
        service: 'ingress',
        event: 'startup_failed',
        message: 'Invalid configuration: HTTP_PORT: expected an integer from 1 to 65535, got "abc"',
      }),
    ]);
    expect(logs.lines[0]).not.toContain('stack');
  });
});
